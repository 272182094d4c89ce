"""Conversation locks on Redis: one holder at a time across processes, in arrival order, and a dead
holder blocks its conversation no longer than the lock's lifetime."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
import time
from typing import List, Optional

import pytest
from redis import asyncio as aioredis

from clinicbot.locks import HELD, LOST, WAITING, LockUnavailable, TicketLocks, default_wait
from tests.redis_db import RedisForTest

CONVERSATION = "web-0123456789abcdef"
PROCESSES, TASKS, HOLD_SECONDS = 4, 5, 0.02

_fork = multiprocessing.get_context("fork")


def _locks(url: str, prefix: str, ttl: float, wait: Optional[float] = None) -> TicketLocks:
    return TicketLocks(aioredis.Redis.from_url(url), ttl=ttl, wait=wait, prefix=prefix + "lock:")


def problems(log: List[str]) -> List[str]:
    """What is wrong with a log of `in:<id>` / `out:<id>` markers: every holder must leave before the next enters."""
    found, inside = [], None
    for i, mark in enumerate(log):
        kind, _, who = mark.partition(":")
        if kind == "in" and inside is not None:
            found.append(f"{i}: {who} entered while {inside} held the conversation")
        elif kind == "out" and inside != who:
            found.append(f"{i}: {who} left without holding the conversation")
        inside = who if kind == "in" else None
    return found + ([f"{inside} never left"] if inside else [])


def _contender(url: str, prefix: str, start_at: float, locked: bool) -> None:
    """TASKS concurrent messages for one conversation in this process, each marking its turn in a Redis list."""

    async def main() -> None:
        redis = aioredis.Redis.from_url(url)
        locks = _locks(url, prefix, ttl=5.0, wait=30.0)

        async def turn(i: int) -> None:
            me = f"{os.getpid()}-{i}"
            if locked:
                async with locks.hold(CONVERSATION):
                    await redis.rpush(prefix + "log", f"in:{me}")
                    await asyncio.sleep(HOLD_SECONDS)
                    await redis.rpush(prefix + "log", f"out:{me}")
            else:
                await redis.rpush(prefix + "log", f"in:{me}")
                await asyncio.sleep(HOLD_SECONDS)
                await redis.rpush(prefix + "log", f"out:{me}")

        await asyncio.sleep(max(0.0, start_at - time.time()))
        await asyncio.gather(*(turn(i) for i in range(TASKS)))

    asyncio.run(main())


def _contend(r: RedisForTest, locked: bool) -> List[str]:
    start_at = time.time() + 1.0  # every process has started by then
    procs = [_fork.Process(target=_contender, args=(r.url, r.prefix, start_at, locked)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    return [m.decode() for m in r.client.lrange(r.prefix + "log", 0, -1)]


def test_the_checker_finds_an_overlap():
    assert problems(["in:a", "out:a", "in:b", "out:b"]) == []
    assert problems(["in:a", "in:b", "out:a", "out:b"]) != []
    assert problems(["in:a"]) == ["a never left"]


def test_concurrent_messages_from_several_processes_never_overlap(redis_db):
    log = _contend(redis_db, locked=True)
    assert len(log) == 2 * PROCESSES * TASKS
    assert len({m.split(":", 1)[1] for m in log}) == PROCESSES * TASKS
    assert problems(log) == []
    assert redis_db.client.keys(redis_db.prefix + "lock:*") == []  # released and cleaned up


def test_without_the_lock_the_same_messages_overlap(redis_db):
    """The control: the harness does see overlapping turns when nothing locks."""
    assert problems(_contend(redis_db, locked=False)) != []


def _holder_then_hang(url: str, prefix: str, ttl: float) -> None:
    async def main() -> None:
        redis = aioredis.Redis.from_url(url)
        async with _locks(url, prefix, ttl).hold(CONVERSATION):
            await redis.rpush(prefix + "held", "1")
            await asyncio.sleep(3600)

    asyncio.run(main())


def test_a_killed_holders_lock_frees_within_its_lifetime(redis_db):
    ttl = 1.5
    holder = _fork.Process(target=_holder_then_hang, args=(redis_db.url, redis_db.prefix, ttl))
    holder.start()
    try:
        assert redis_db.client.blpop(redis_db.prefix + "held", timeout=20) is not None
        time.sleep(ttl)  # past one lifetime: the live holder renews its lock
        assert asyncio.run(_try_once(redis_db, ttl)) == WAITING
        os.kill(holder.pid, signal.SIGKILL)
        killed = time.monotonic()
    finally:
        holder.join(10)

    async def take() -> float:
        async with _locks(redis_db.url, redis_db.prefix, ttl, wait=10).hold(CONVERSATION):
            return time.monotonic() - killed

    blocked = asyncio.run(take())
    # The dead holder renewed every ttl/3, so its lock lapses between 2/3 ttl and ttl after the kill;
    # the waiter sees it within one poll (<= 0.1 s).
    assert ttl / 2 <= blocked <= ttl + 0.4, blocked


async def _try_once(r: RedisForTest, ttl: float) -> int:
    locks = _locks(r.url, r.prefix, ttl)
    ticket = await locks.issue(CONVERSATION)
    try:
        return await locks.try_acquire(ticket)
    finally:
        await locks.release(ticket)


async def test_a_live_holder_keeps_its_conversation_past_the_lifetime(redis_db):
    ttl = 0.6
    holder, waiter = (_locks(redis_db.url, redis_db.prefix, ttl, wait=10) for _ in range(2))
    times = {}

    async def hold_long() -> None:
        async with holder.hold(CONVERSATION):
            await asyncio.sleep(3 * ttl)
            times["left"] = time.monotonic()

    async def wait_turn() -> None:
        await asyncio.sleep(0.1)
        async with waiter.hold(CONVERSATION):
            times["entered"] = time.monotonic()

    await asyncio.gather(hold_long(), wait_turn())
    assert times["entered"] >= times["left"]


async def test_a_message_waits_no_longer_than_the_wait(redis_db):
    holder = _locks(redis_db.url, redis_db.prefix, 5.0)
    waiter = _locks(redis_db.url, redis_db.prefix, 5.0, wait=0.4)
    async with holder.hold(CONVERSATION):
        start = time.monotonic()
        with pytest.raises(LockUnavailable):
            await waiter.acquire(CONVERSATION)
        waited = time.monotonic() - start
        queue = redis_db.client.zrange(f"{redis_db.prefix}lock:{CONVERSATION}:queue", 0, -1)
    assert 0.4 <= waited <= 0.8, waited
    assert len(queue) == 1  # the waiter that gave up left no ticket behind


async def test_waiters_are_served_in_arrival_order(redis_db):
    locks = _locks(redis_db.url, redis_db.prefix, 5.0, wait=10)
    order: List[int] = []

    async def message(i: int) -> None:
        await asyncio.sleep(0.05 * i)
        async with locks.hold(CONVERSATION):
            order.append(i)

    async with locks.hold(CONVERSATION):
        tasks = [asyncio.ensure_future(message(i)) for i in range(5)]
        await asyncio.sleep(0.4)  # all five are queued
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]


async def test_an_expired_holder_cannot_release_its_successor(redis_db):
    locks = _locks(redis_db.url, redis_db.prefix, 0.3)
    first = await locks.issue(CONVERSATION)
    assert await locks.try_acquire(first) == HELD
    await asyncio.sleep(0.45)  # the first holder stalled past its lifetime without renewing
    second = await locks.issue(CONVERSATION)
    assert await locks.try_acquire(second) == HELD
    assert await locks.renew(first) is False
    assert await locks.try_acquire(first) == LOST
    assert await locks.release(first) is False
    third = await locks.issue(CONVERSATION)
    assert await locks.try_acquire(third) == WAITING  # the second still holds it
    assert await locks.release(second) is True
    assert await locks.try_acquire(third) == HELD
    await locks.release(third)


async def test_unreachable_redis_is_a_bounded_wait():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens there once the socket is closed
    locks = TicketLocks.connect(port=port, ttl=5.0, wait=0.3)
    start = time.monotonic()
    with pytest.raises(LockUnavailable):
        await locks.acquire(CONVERSATION)
    assert time.monotonic() - start <= 3.0


@pytest.mark.parametrize(("ttl", "wait"), [(0, None), (-1, None), (5, -1)])
def test_nonsense_lifetimes_are_refused(ttl, wait):
    with pytest.raises(ValueError):
        TicketLocks(aioredis.Redis(), ttl=ttl, wait=wait)


def test_the_default_wait_outlasts_a_dead_holder():
    assert default_wait(30.0) == 45.0
    assert TicketLocks(aioredis.Redis(), ttl=30.0).wait == 45.0
