"""The alert worker: claims due alerts from the outbox, sends them, marks them sent or retries with backoff.

Its own process (`clinicbot alerts run`), so no visitor's reply waits for an alert. Several workers may
run at once: a conditional UPDATE gives each attempt to exactly one of them.
"""

from __future__ import annotations

import logging
import random
import threading
from datetime import datetime, timedelta
from typing import Any, Callable, Optional

from sqlalchemy.orm import Session

from clinicbot import settings
from clinicbot.alerts.config import AlertConfig, RetrySettings
from clinicbot.alerts.senders import deliver, describe
from clinicbot.store import outbox
from clinicbot.store.models import utcnow
from clinicbot.store.retry import retry_busy

logger = logging.getLogger(__name__)

Deliver = Callable[[outbox.DueAlert, AlertConfig, Optional[Any]], None]


def backoff(attempt: int, retry: RetrySettings, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): doubling from the base, capped, jittered.

    The jitter keeps between half and all of the delay, so workers that failed together do not retry together.
    """
    delay = min(retry.max_seconds, retry.base_seconds * 2 ** max(attempt - 1, 0))
    return delay * (0.5 + 0.5 * rand())


class Worker:
    """Sends the outbox's due alerts of the enabled kinds."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        config: AlertConfig,
        send: Deliver = deliver,
        clock: Callable[[], datetime] = utcnow,
        rand: Callable[[], float] = random.random,
    ) -> None:
        """Work with these sessions and settings; `send`, `clock` and `rand` can be replaced in tests."""
        self.sessions = sessions
        self.config = config
        self.send = send
        self.clock = clock
        self.rand = rand
        self.http: Optional[Any] = None

    def _http(self) -> Optional[Any]:
        """A reused HTTP session for the webhook (made on first use)."""
        if self.http is None and self.config.webhook is not None:
            import requests

            self.http = requests.Session()
        return self.http

    def _write(self, change: Callable[[Session], bool]) -> bool:
        """One short write transaction, retried while the store is busy (after a send, losing the mark would resend)."""

        def work() -> bool:
            with self.sessions() as s, s.begin():
                return change(s)

        return retry_busy(work, attempts=8, delay=0.05)

    def attempt(self, alert: outbox.DueAlert) -> Optional[bool]:
        """One attempt at one alert: True if sent, False if it failed, None if another worker had it."""
        retry = self.config.retry
        lease = timedelta(seconds=retry.lease_seconds)
        if not self._write(lambda s: outbox.claim(s, alert, self.clock(), lease)):
            return None
        number = alert.attempts + 1
        logger.info("alert %s (%s, escalation %s): attempt %d", alert.id, alert.kind, alert.escalation_id, number)
        try:
            self.send(alert, self.config, self._http())
        except Exception as exc:  # any transport failure: retried later, never raised into the loop
            error = describe(exc)
            give_up = number >= retry.max_attempts
            wait = 0.0 if give_up else backoff(number, retry, self.rand)
            retry_at = None if give_up else self.clock() + timedelta(seconds=wait)
            self._write(lambda s: outbox.mark_failed(s, alert.id, number, error, retry_at))
            if give_up:
                logger.error(
                    "alert %s (%s, escalation %s): attempt %d failed (%s); giving up",
                    alert.id,
                    alert.kind,
                    alert.escalation_id,
                    number,
                    error,
                )
            else:
                logger.warning(
                    "alert %s (%s, escalation %s): attempt %d failed (%s); next attempt in %.1f s",
                    alert.id,
                    alert.kind,
                    alert.escalation_id,
                    number,
                    error,
                    wait,
                )
            return False
        self._write(lambda s: outbox.mark_sent(s, alert.id, number, self.clock()))
        logger.info("alert %s (%s, escalation %s): sent", alert.id, alert.kind, alert.escalation_id)
        return True

    def run_once(self, stop: Optional[threading.Event] = None) -> int:
        """Attempt every alert due now (until `stop` is set); return how many were sent."""
        with self.sessions() as s, s.begin():
            due = outbox.due_alerts(s, self.clock(), self.config.kinds)
        sent = 0
        for alert in due:
            if stop is not None and stop.is_set():
                break
            sent += bool(self.attempt(alert))
        return sent

    def seconds_to_next(self) -> float:
        """How long to sleep: until the next alert is due, at most the poll interval."""
        poll = self.config.retry.poll_seconds
        with self.sessions() as s, s.begin():
            due = outbox.next_due(s, self.config.kinds)
        if due is None:
            return poll
        return min(poll, max((due - self.clock()).total_seconds(), 0.0))

    def run(self, stop: threading.Event) -> None:
        """Send alerts until `stop` is set; a database failure is logged and retried, never fatal."""
        kinds = self.config.kinds
        if not kinds:
            logger.info("no alert is configured: the worker idles")
            stop.wait()
            return
        logger.info("alert worker started: %s", ", ".join(kinds))
        while not stop.is_set():
            wait = self.config.retry.poll_seconds
            try:
                self.run_once(stop)
                wait = self.seconds_to_next()
            except Exception as exc:  # database down: try again after a poll interval
                logger.error("alert worker: database error (%s); retrying", describe(exc))
            stop.wait(wait)
        if self.http is not None:
            self.http.close()
        logger.info("alert worker stopped")


def migrate(engine: Any, stop: threading.Event, tries: int = 30) -> bool:
    """Bring the store to the newest schema, retrying while another process migrates or the database is down."""
    from clinicbot.store.db import upgrade

    for i in range(tries):
        try:
            upgrade(engine)
            return True
        except Exception as exc:
            logger.warning("alert worker: migrating the store failed (%s); retry %d", describe(exc), i + 1)
            if stop.wait(min(2.0 * (i + 1), 10.0)):
                return False
    return False


def main(once: bool = False) -> int:
    """Run the worker with the environment's settings until SIGTERM or SIGINT (or one pass with `once`)."""
    import signal

    from clinicbot.alerts.config import load
    from clinicbot.store.db import make_engine, session_factory

    logging.basicConfig(
        level=settings.get("ALERT_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    config = load()
    for problem in config.problems:
        logger.warning("%s", problem)
    stop = threading.Event()
    if not once and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    if not config.kinds and not once:
        Worker(lambda: Session(), config).run(stop)  # idles: no database needed
        return 0
    engine = make_engine()
    if not migrate(engine, stop):
        logger.error("alert worker: the store could not be migrated; exiting")
        return 1
    # Plain (deferred) transactions: polls only read, so they never hold SQLite's write lock; each write
    # is a single UPDATE, which waits for the lock like any first write.
    worker = Worker(session_factory(engine), config)
    if once:
        sent = worker.run_once()
        logger.info("alert worker: %d sent", sent)
        return 0
    worker.run(stop)
    engine.dispose()
    return 0
