"""The alert worker against a real SMTP server and an HTTP receiver on 127.0.0.1: retries, restarts, no doubles."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinicbot.alerts.config import RetrySettings, load
from clinicbot.alerts.messages import SIGNATURE_HEADER, verify
from clinicbot.alerts.worker import Worker, backoff
from clinicbot.store import outbox
from clinicbot.store.db import session_factory
from clinicbot.store.models import Alert
from tests.clinicbot.store.conftest import T0

from .helpers import assert_private, escalate

SECRET = "hook-secret"


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def config(smtp=None, webhook=None, **retry):
    env = {"STAFF_BASE_URL": "http://127.0.0.1:8000", "ALERT_TIMEOUT_SECONDS": "3"}
    if smtp is not None:
        env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port), ALERT_EMAIL_FROM="bot@clinic.example")
        env.update(ALERT_EMAIL_TO="desk@clinic.example")
    if webhook is not None:
        env.update(ALERT_WEBHOOK_URL=webhook.url, ALERT_WEBHOOK_SECRET=SECRET)
    env.update({f"ALERT_{k.upper()}": str(v) for k, v in retry.items()})
    return load(env)


def states(engine):
    with Session(engine) as s:
        return {(a.escalation_id, a.kind): (a.state, a.attempts) for a in s.scalars(select(Alert))}


@pytest.mark.parametrize(
    "attempt, rand, expected",
    [
        (1, 1.0, 10.0),
        (2, 1.0, 20.0),
        (3, 1.0, 40.0),
        (3, 0.0, 20.0),  # the jitter keeps at least half
        (7, 1.0, 640.0),
        (8, 1.0, 900.0),  # capped
        (30, 0.5, 675.0),
    ],
)
def test_backoff_schedule(attempt, rand, expected):
    assert backoff(attempt, RetrySettings(base_seconds=10, max_seconds=900), lambda: rand) == pytest.approx(expected)


def test_email_retried_while_smtp_is_down_then_delivered_once(db, smtp):
    eid = escalate(db, kinds=["email"])
    clock = Clock()
    worker = Worker(session_factory(db), config(smtp=smtp), clock=clock, rand=lambda: 1.0)
    assert worker.run_once() == 0  # the SMTP server is down
    assert states(db)[(eid, "email")] == ("pending", 1)
    with Session(db) as s:
        alert = s.scalars(select(Alert)).one()
        assert alert.last_error == "ConnectionRefusedError"
        assert alert.next_attempt_at == T0 + timedelta(seconds=10)
    assert worker.run_once() == 0  # not due yet: no attempt
    assert states(db)[(eid, "email")] == ("pending", 1)
    clock.advance(10)
    assert worker.run_once() == 0  # still down: the second wait is twice as long
    with Session(db) as s:
        assert s.scalars(select(Alert)).one().next_attempt_at == clock.now + timedelta(seconds=20)
    smtp.start()
    clock.advance(20)
    assert worker.run_once() == 1
    assert states(db)[(eid, "email")] == ("sent", 3)
    clock.advance(3600)
    assert worker.run_once() == 0  # never twice
    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert msg["to"] == ["desk@clinic.example"] and f"escalation #{eid}" in msg["message"]["Subject"]
    assert_private(msg["raw"])


def test_webhook_500_is_retried_and_the_post_is_signed(db, webhook):
    eid = escalate(db, kinds=["webhook"])
    webhook.planned = [500, 503]
    clock = Clock()
    worker = Worker(session_factory(db), config(webhook=webhook), clock=clock, rand=lambda: 0.0)
    assert worker.run_once() == 0
    with Session(db) as s:
        assert s.scalars(select(Alert)).one().last_error == "HTTP 500"
    clock.advance(5)
    assert worker.run_once() == 0
    clock.advance(10)
    assert worker.run_once() == 1
    assert states(db)[(eid, "webhook")] == ("sent", 3)
    assert [p["status"] for p in webhook.posts] == [500, 503, 200]
    [post] = webhook.accepted()
    assert verify(post["body"], SECRET, post["headers"][SIGNATURE_HEADER])
    assert post["json"]["escalation_id"] == eid and post["json"]["level"] == "emergency"
    assert post["headers"]["Content-Type"] == "application/json"
    for p in webhook.posts:
        assert_private(p["body"])
        assert_private(json.dumps(p["headers"]))


def test_gives_up_after_max_attempts_but_keeps_the_row(db, smtp, caplog):
    caplog.set_level("INFO")
    eid = escalate(db, kinds=["email"])
    clock = Clock()
    worker = Worker(session_factory(db), config(smtp=smtp, max_attempts=3), clock=clock)
    for _ in range(5):
        worker.run_once()
        clock.advance(3600)
    assert states(db)[(eid, "email")] == ("failed", 3)
    assert "giving up" in caplog.text and caplog.text.count("attempt") >= 3
    assert_private(caplog.text)


def test_a_worker_that_dies_mid_attempt_loses_nothing_and_sends_once(db, webhook):
    eid = escalate(db, kinds=["webhook"])
    clock = Clock()
    cfg = config(webhook=webhook)
    sessions = session_factory(db)
    with sessions() as s, s.begin():
        [due] = outbox.due_alerts(s, clock.now, ["webhook"])
    with sessions() as s, s.begin():
        assert outbox.claim(s, due, clock.now, timedelta(seconds=cfg.retry.lease_seconds))
    # ... the first worker is killed here, before it sends. A new worker starts:
    restarted = Worker(sessions, cfg, clock=clock)
    assert restarted.run_once() == 0  # the lease hides it: no double send while the first might still be at it
    clock.advance(cfg.retry.lease_seconds + 1)
    assert restarted.run_once() == 1
    assert restarted.run_once() == 0
    assert len(webhook.accepted()) == 1
    assert states(db)[(eid, "webhook")] == ("sent", 2)
    with sessions() as s, s.begin():  # the dead worker's late report changes nothing
        assert not outbox.mark_failed(s, due.id, 1, "late", clock.now)


def test_a_restarted_worker_does_not_resend(db, smtp, webhook):
    smtp.start()
    for i in range(3):
        escalate(db, sender=f"visitor-{i}")
    cfg = config(smtp=smtp, webhook=webhook)
    assert Worker(session_factory(db), cfg).run_once() == 6
    assert Worker(session_factory(db), cfg).run_once() == 0  # a fresh process finds nothing to send
    assert len(smtp.messages) == 3 and len(webhook.accepted()) == 3


def test_two_workers_at_once_send_each_alert_once(db, webhook):
    if db.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: the race needs a server database")
    for i in range(10):
        escalate(db, sender=f"visitor-{i}", kinds=["webhook"])
    cfg = config(webhook=webhook)
    barrier = threading.Barrier(2)
    sent = []

    def run():
        worker = Worker(session_factory(db), cfg)
        barrier.wait()
        sent.append(worker.run_once())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent) == 10
    ids = [p["json"]["alert_id"] for p in webhook.accepted()]
    assert len(ids) == 10 and len(set(ids)) == 10


def test_run_loop_sends_in_the_background_and_stops(db, smtp, webhook):
    smtp.start()
    cfg = config(smtp=smtp, webhook=webhook, poll_seconds=0.05)
    stop = threading.Event()
    thread = threading.Thread(target=Worker(session_factory(db), cfg).run, args=(stop,))
    thread.start()
    try:
        escalate(db, now=outbox_now())
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (len(smtp.messages) < 1 or len(webhook.accepted()) < 1):
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert len(smtp.messages) == 1 and len(webhook.accepted()) == 1


def test_unconfigured_worker_idles_until_stopped():
    stop = threading.Event()
    thread = threading.Thread(target=Worker(lambda: pytest.fail("no database needed"), load({})).run, args=(stop,))
    thread.start()
    time.sleep(0.1)
    assert thread.is_alive()
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_database_errors_are_logged_and_survived(caplog):
    calls = []

    def broken():
        calls.append(1)
        raise ConnectionError("db down")

    cfg = load({"ALERT_WEBHOOK_URL": "http://127.0.0.1:9/", "ALERT_WEBHOOK_SECRET": "x", "ALERT_POLL_SECONDS": "0.05"})
    stop = threading.Event()
    thread = threading.Thread(target=Worker(broken, cfg).run, args=(stop,))
    thread.start()
    time.sleep(0.3)
    stop.set()
    thread.join(timeout=5)
    assert len(calls) >= 2 and "database error (ConnectionError)" in caplog.text


def outbox_now():
    from clinicbot.store.models import utcnow

    return utcnow()


def test_a_stopping_worker_starts_no_new_attempt(db, webhook):
    escalate(db, kinds=["webhook"])
    stop = threading.Event()
    stop.set()
    assert Worker(session_factory(db), config(webhook=webhook)).run_once(stop) == 0
    assert webhook.posts == [] and states(db)[(1, "webhook")] == ("pending", 0)
