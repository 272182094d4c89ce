"""Rasa's lock store on `clinicbot.locks`: one conversation to one replica at a time.

endpoints.yml (written by `clinicbot.deploy` when REDIS_URL is set)::

    lock_store:
      type: clinicbot.rasa_nlu.lock_store.AtomicRedisLockStore
      url: 127.0.0.1        # Redis host
      port: 6379
      db: 0
      password: ...         # optional, as are username and use_ssl
      lock_ttl_seconds: 30  # LOCK_TTL_SECONDS: how long a dead holder blocks a conversation
      lock_wait_seconds: 45 # LOCK_WAIT_SECONDS: how long a message waits for its turn

Rasa 3.6 takes a conversation only through `LockStore.lock()` (the agent, the processor and the
HTTP API), so that is what this store implements; the ticket bookkeeping methods of Rasa's base
class (`get_lock`, `save_lock`, ...) belong to its non-atomic design and are refused.
"""

from __future__ import annotations

import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from clinicbot.locks import DEFAULT_PREFIX, DEFAULT_TTL_SECONDS, LockUnavailable, TicketLocks


class AtomicRedisLockStore(LockStore):
    """A Redis lock store whose tickets are issued, served and released atomically (Lua scripts)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, locks: Optional[TicketLocks] = None):
        if locks is None:
            conf = dict(endpoint_config.kwargs) if endpoint_config is not None else {}
            host = (endpoint_config.url if endpoint_config is not None else None) or "127.0.0.1"
            wait = conf.get("lock_wait_seconds")
            locks = TicketLocks.connect(
                host=host,
                port=int(conf.get("port", 6379)),
                db=int(conf.get("db", 0)),
                username=conf.get("username"),
                password=conf.get("password"),
                use_ssl=bool(conf.get("use_ssl", False)),
                ttl=float(conf.get("lock_ttl_seconds", DEFAULT_TTL_SECONDS)),
                wait=float(wait) if wait is not None else None,
                prefix=str(conf.get("key_prefix", DEFAULT_PREFIX)),
            )
        self.locks = locks
        super().__init__()

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Holds `conversation_id` for the block; LockError when it cannot be had within the wait.

        Rasa's `lock_lifetime` and `wait_time_in_seconds` are ignored: the lifetime and the wait are
        this store's (LOCK_TTL_SECONDS, LOCK_WAIT_SECONDS), and waiters poll every 50-100 ms.
        """
        try:
            ticket = await self.locks.acquire(conversation_id)
        except LockUnavailable as exc:
            raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}': {exc}") from exc
        async with self.locks.holding(ticket):
            yield TicketLock(conversation_id, deque([Ticket(ticket.number, time.time() + self.locks.ttl)]))

    def _refused(self, *_: Any, **__: Any) -> Any:
        raise NotImplementedError("AtomicRedisLockStore takes conversations only through lock()")

    get_lock = delete_lock = save_lock = issue_ticket = update_lock = _refused  # type: ignore[assignment]
    get_or_create_lock = is_someone_waiting = finish_serving = cleanup = _refused  # type: ignore[assignment]
