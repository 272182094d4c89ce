"""Rasa's SQL tracker store, made to never start a conversation over (issue 17).

Rasa wraps every tracker store in a `FailSafeTrackerStore` that, on a database error, answers from a
new empty tracker and keeps it in memory: after a PostgreSQL restart the visitor's next message was
answered out of context and lost. Here instead:

- connections are checked before use (`pool_pre_ping`), so the stale connections a database restart
  leaves behind are replaced, not failed on;
- a database error is retried briefly (TRACKER_RETRIES tries over about TRACKER_RETRY_SECONDS);
- if the database is still down, `ConversationUnavailable` is raised: the channel tells the visitor
  to send it again (conversation/outage.py) and nothing is written anywhere else;
- the pool per replica is TRACKER_POOL_SIZE + TRACKER_MAX_OVERFLOW (default 5 + 10, PostgreSQL only;
  Rasa's own default is 50 + 100 per replica).

`install()` (called by clinicbot.rasa_nlu.server before Rasa starts) removes the fail-safe wrapper.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError

from clinicbot import settings
from clinicbot.conversation.outage import ConversationUnavailable

logger = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULTS = {"TRACKER_POOL_SIZE": 5, "TRACKER_MAX_OVERFLOW": 10, "TRACKER_RETRIES": 3}
DEFAULT_RETRY_SECONDS = 1.5


def engine_kwargs(url: Any, env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """Rasa's engine settings (the PostgreSQL schema), with pre-ping and this replica's pool size."""
    kwargs = create_engine_kwargs(url)
    kwargs["pool_pre_ping"] = True
    if "pool_size" in kwargs:  # PostgreSQL (SQLite has no pool to size)
        kwargs["pool_size"] = _int("TRACKER_POOL_SIZE", env)
        kwargs["max_overflow"] = _int("TRACKER_MAX_OVERFLOW", env)
    return kwargs


def _int(name: str, env: Optional[Dict[str, str]] = None) -> int:
    value = settings.get(name, str(DEFAULTS[name]), env)
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative")
    return number


class ResilientSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore with pre-pinged connections, a small pool, brief retries and no silent fallback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first: Any = self.engine  # type: ignore[has-type]
        url = first.url
        first.dispose()
        engine = sa.create_engine(url, **engine_kwargs(url))
        self.engine = engine
        self.sessionmaker = sa.orm.session.sessionmaker(bind=engine)
        self.retries = max(1, _int("TRACKER_RETRIES"))
        self.retry_seconds = float(settings.get("TRACKER_RETRY_SECONDS", str(DEFAULT_RETRY_SECONDS)))

    async def _retried(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """Runs a database call, retried on database errors; ConversationUnavailable when they persist."""
        pause = self.retry_seconds / max(1, self.retries - 1) if self.retries > 1 else 0.0
        for attempt in range(1, self.retries + 1):
            try:
                return await call()
            except DBAPIError as exc:
                logger.warning("tracker store: %s failed (%s), try %d of %d", what, type(exc).__name__, attempt, self.retries)
                if attempt == self.retries:
                    raise ConversationUnavailable(f"the tracker store could not {what}") from exc
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._retried("read a conversation", lambda: SQLTrackerStore.retrieve(self, sender_id))

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        full: Any = SQLTrackerStore.retrieve_full_tracker  # type: ignore[attr-defined]
        return await self._retried("read a conversation", lambda: full(self, sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._retried("keep a conversation", lambda: SQLTrackerStore.save(self, tracker))


def _no_fail_safe(store: Optional[TrackerStore], domain: Domain) -> TrackerStore:
    """Rasa's Agent._create_tracker_store without the FailSafeTrackerStore around the store."""
    from rasa.core.tracker_store import InMemoryTrackerStore

    if store is None:
        return InMemoryTrackerStore(domain)
    store.domain = domain
    return store


def install() -> None:
    """The agent keeps the configured tracker store as it is: an error is an error, not a new memory."""
    from rasa.core.agent import Agent

    Agent._create_tracker_store = staticmethod(_no_fail_safe)  # type: ignore[method-assign]
