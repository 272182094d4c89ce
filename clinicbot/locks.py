"""One conversation to one process at a time: a ticket lock on Redis whose every step is one Lua script.

Rasa 3.6's Redis lock store issues tickets by GET, a change in Python and SET, so two replicas can
both believe they serve a conversation; a waiter polls once a second and a dead holder blocks the
conversation for the 60 s ticket lifetime. Here, per conversation:

- `<prefix><id>:seq` is a counter (INCR): a ticket's number, so waiters are served in arrival order;
- `<prefix><id>:queue` is a sorted set of the tickets' random tokens, scored by their numbers;
- `<prefix><id>:expiry` is a hash token -> expiry (Redis server time in ms, one clock for all replicas).

A ticket is served when every ticket ahead of it has been released or has expired; issuing, checking
and releasing are each one script, so two holders can never both be first. Waiters poll every
50-100 ms, which also keeps their own ticket alive, for at most `wait` seconds; the holder renews its
ticket every `ttl / 3` seconds while it works. So `ttl` bounds how long a process that died holding
(or waiting for) a conversation blocks it, not how long a turn may take; a live holder loses its
ticket only if its event loop stalls for about two thirds of `ttl`. Release is by token: a holder
whose ticket expired cannot free its successor's. All keys expire `ttl` after their last use.

This module knows Redis, not Rasa: `clinicbot.rasa_nlu.lock_store` puts it behind Rasa's `LockStore`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Optional, Tuple

from redis import asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 30.0
WAIT_MARGIN_SECONDS = 15.0  # the default wait: a dead holder's ttl, then this for the turn ahead
POLL_SECONDS = (0.05, 0.1)  # a waiter retries after a random pause in this range
DEFAULT_PREFIX = "clinicbot:lock:"
SOCKET_TIMEOUT_SECONDS = 2.0
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)

HELD, WAITING, LOST = 1, 0, -1

# Each script's first lines: the server's clock in ms (replicated as effects, Redis 3.2+).
_NOW = """
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local function touch()
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
"""

# KEYS: seq, queue, expiry; ARGV: token, ttl ms. Returns the ticket's number.
_ISSUE = (
    _NOW
    + """
local n = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], n, ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], now + ttl)
touch()
return n
"""
)

# KEYS: seq, queue, expiry; ARGV: token, ttl ms. Returns 1 held, 0 waiting, -1 lost (expired or unknown).
_ACQUIRE = (
    _NOW
    + """
local mine = tonumber(redis.call('HGET', KEYS[3], ARGV[1]))
if not mine or mine <= now or not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
  return -1
end
redis.call('HSET', KEYS[3], ARGV[1], now + ttl)
touch()
for _, token in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if token == ARGV[1] then return 1 end
  local expires = tonumber(redis.call('HGET', KEYS[3], token))
  if expires and expires > now then return 0 end
  redis.call('ZREM', KEYS[2], token)
  redis.call('HDEL', KEYS[3], token)
end
return -1
"""
)

# KEYS: seq, queue, expiry; ARGV: token, ttl ms. Returns 1 renewed, 0 lost.
_RENEW = (
    _NOW
    + """
local mine = tonumber(redis.call('HGET', KEYS[3], ARGV[1]))
if not mine or mine <= now or not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], now + ttl)
touch()
return 1
"""
)

# KEYS: seq, queue, expiry; ARGV: token. Returns 1 if this token was still queued. Only ever removes
# its own token; the keys go when the queue is empty.
_RELEASE = """
local removed = redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return removed
"""


class LockUnavailable(Exception):
    """The conversation could not be had within the wait (held by another, or Redis unreachable)."""


@dataclass(frozen=True)
class Ticket:
    """A place in a conversation's queue: its number (arrival order) and the random token that owns it."""

    conversation_id: str
    number: int
    token: str


def default_wait(ttl: float) -> float:
    """How long a message waits for its conversation by default: a dead holder's ttl, then a turn."""
    return ttl + WAIT_MARGIN_SECONDS


class TicketLocks:
    """Conversation locks on one Redis database (see the module's docstring)."""

    def __init__(
        self,
        redis: Any,
        ttl: float = DEFAULT_TTL_SECONDS,
        wait: Optional[float] = None,
        prefix: str = DEFAULT_PREFIX,
        poll: Tuple[float, float] = POLL_SECONDS,
    ):
        if ttl <= 0:
            raise ValueError("the lock's lifetime must be a positive number of seconds")
        self.redis = redis
        self.ttl = float(ttl)
        self.wait = float(wait) if wait is not None else default_wait(self.ttl)
        if self.wait < 0:
            raise ValueError("the lock's wait must not be negative")
        self.prefix = prefix
        self.poll = poll
        self._issue = redis.register_script(_ISSUE)
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    @classmethod
    def connect(
        cls,
        host: str = "127.0.0.1",
        port: int = 6379,
        db: int = 0,
        username: Optional[str] = None,
        password: Optional[str] = None,
        use_ssl: bool = False,
        **kwargs: Any,
    ) -> TicketLocks:
        """Locks on the Redis at host:port/db (connected on first use)."""
        redis = aioredis.Redis(
            host=host,
            port=int(port),
            db=int(db),
            username=username,
            password=password,
            ssl=use_ssl,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        )
        return cls(redis, **kwargs)

    @property
    def ttl_ms(self) -> int:
        """The ticket lifetime in whole milliseconds (at least one)."""
        return max(1, int(self.ttl * 1000))

    def keys(self, conversation_id: str) -> Tuple[str, str, str]:
        """The conversation's counter, queue and expiry keys."""
        base = f"{self.prefix}{conversation_id}"
        return f"{base}:seq", f"{base}:queue", f"{base}:expiry"

    async def issue(self, conversation_id: str) -> Ticket:
        """A new ticket at the back of the conversation's queue."""
        token = secrets.token_hex(16)
        number = await self._issue(keys=self.keys(conversation_id), args=[token, self.ttl_ms])
        return Ticket(conversation_id, int(number), token)

    async def try_acquire(self, ticket: Ticket) -> int:
        """HELD when the ticket is first in line, WAITING behind a live one, LOST once it expired."""
        return int(await self._acquire(keys=self.keys(ticket.conversation_id), args=[ticket.token, self.ttl_ms]))

    async def renew(self, ticket: Ticket) -> bool:
        """Gives the ticket another `ttl`; False when it had already expired (or Redis lost it)."""
        return bool(await self._renew(keys=self.keys(ticket.conversation_id), args=[ticket.token, self.ttl_ms]))

    async def release(self, ticket: Ticket) -> bool:
        """Removes the ticket (only this one); False when it was no longer there."""
        return bool(await self._release(keys=self.keys(ticket.conversation_id), args=[ticket.token]))

    async def _pause(self, deadline: float) -> None:
        await asyncio.sleep(max(0.0, min(random.uniform(*self.poll), deadline - time.monotonic())))

    async def acquire(self, conversation_id: str) -> Ticket:
        """Waits (at most `wait` seconds) until this process may serve the conversation; its ticket.

        Redis being unreachable counts as waiting: a restart shorter than the wait goes unnoticed.
        A ticket that expired while waiting (the process stalled, Redis restarted) is issued afresh.
        """
        deadline = time.monotonic() + self.wait
        ticket: Optional[Ticket] = None
        try:
            while True:
                try:
                    if ticket is None:
                        ticket = await self.issue(conversation_id)
                    status = await self.try_acquire(ticket)
                    if status == HELD:
                        return ticket
                    if status == LOST:
                        ticket = None  # issued afresh on the next round, at the back of the queue
                except UNAVAILABLE as exc:
                    logger.warning("lock store: Redis unavailable (%s)", type(exc).__name__)
                if time.monotonic() >= deadline:
                    raise LockUnavailable(f"no turn for a conversation within {self.wait:g} s")
                await self._pause(deadline)
        except BaseException:
            if ticket is not None:
                await self._forget(ticket)
            raise

    async def _forget(self, ticket: Ticket) -> None:
        try:
            await self.release(ticket)
        except UNAVAILABLE as exc:  # it expires on its own after ttl
            logger.warning("lock store: a ticket could not be released (%s)", type(exc).__name__)

    async def _keep(self, ticket: Ticket) -> None:
        """Renews the holder's ticket every ttl / 3 until cancelled."""
        while True:
            await asyncio.sleep(self.ttl / 3)
            try:
                if not await self.renew(ticket):
                    logger.error("lock store: a conversation's lock expired while it was being served")
                    return
            except UNAVAILABLE as exc:
                logger.warning("lock store: the lock could not be renewed (%s)", type(exc).__name__)

    @asynccontextmanager
    async def holding(self, ticket: Ticket) -> AsyncIterator[Ticket]:
        """Keeps an acquired ticket alive during the block (renewed every ttl / 3), then releases it."""
        keeper = asyncio.ensure_future(self._keep(ticket))
        try:
            yield ticket
        finally:
            keeper.cancel()
            try:
                await keeper
            except asyncio.CancelledError:
                pass
            await self._forget(ticket)

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[Ticket]:
        """Serves the conversation inside the block, and no other process does meanwhile."""
        ticket = await self.acquire(conversation_id)
        async with self.holding(ticket):
            yield ticket
