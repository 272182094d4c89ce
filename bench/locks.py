"""Section 11: the lock store on Redis (clinicbot.locks): how long a killed replica blocks a
conversation at the configured lifetime, and what a turn pays for the lock."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import statistics
import time
import uuid
from typing import Any, List, Tuple

from bench.common import Figure, SectionResult, Target
from bench.stats import percentile

REDIS_URL = os.environ.get("CLINICBOT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
HANDOVERS = 60
UNCONTENDED = 200
CONVERSATION = "bench-conversation"


def _locks(prefix: str, ttl: float, wait: float | None = None) -> Any:
    from redis import asyncio as aioredis

    from clinicbot.locks import TicketLocks

    return TicketLocks(aioredis.Redis.from_url(REDIS_URL), ttl=ttl, wait=wait, prefix=prefix)


def _hang_holding(prefix: str, ttl: float) -> None:
    """A replica that takes the conversation, says so, and hangs until it is killed."""

    async def main() -> None:
        from redis import asyncio as aioredis

        redis = aioredis.Redis.from_url(REDIS_URL)
        async with _locks(prefix, ttl).hold(CONVERSATION):
            await redis.rpush(prefix + "held", "1")
            await asyncio.sleep(3600)

    asyncio.run(main())


def dead_holder_block(prefix: str, ttl: float, worst: bool) -> float:
    """Seconds from SIGKILL of the holder to the next message getting the conversation.

    `worst`: killed just after it renewed its lock (the longest block), else half a lifetime in.
    """
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    holder = multiprocessing.get_context("fork").Process(target=_hang_holding, args=(prefix, ttl))
    holder.start()
    try:
        if client.blpop(prefix + "held", timeout=30) is None:
            raise RuntimeError("the holder never got the lock")
        if worst:
            key = f"{prefix}{CONVERSATION}:expiry"
            first = client.hvals(key)
            deadline = time.monotonic() + ttl
            while client.hvals(key) == first and time.monotonic() < deadline:
                time.sleep(0.005)
        else:
            time.sleep(ttl / 2)
        os.kill(holder.pid, signal.SIGKILL)  # type: ignore[arg-type]
        killed = time.monotonic()
    finally:
        holder.join(10)
        client.close()

    async def take() -> float:
        async with _locks(prefix, ttl, wait=ttl + 30).hold(CONVERSATION):
            return time.monotonic() - killed

    return asyncio.run(take())


async def _costs(prefix: str, ttl: float) -> Tuple[List[float], List[float]]:
    """Milliseconds: an uncontended acquire + release; a handover from a holder to a waiting message."""
    locks, other = _locks(prefix, ttl), _locks(prefix, ttl)
    alone = []
    for _ in range(UNCONTENDED):
        start = time.perf_counter()
        async with locks.hold(CONVERSATION):
            pass
        alone.append((time.perf_counter() - start) * 1000)
    handovers = []

    async def wait_turn(entered: asyncio.Future) -> None:
        async with other.hold(CONVERSATION):
            entered.set_result(time.perf_counter())

    for _ in range(HANDOVERS):
        entered = asyncio.get_running_loop().create_future()
        async with locks.hold(CONVERSATION):
            waiter = asyncio.ensure_future(wait_turn(entered))
            await asyncio.sleep(0.12)  # the waiter is polling
            released = time.perf_counter()
        await waiter
        handovers.append((entered.result() - released) * 1000)
    return alone, handovers


def run() -> SectionResult:
    """Dead-holder blocks at LOCK_TTL_SECONDS (default 30 s): killed just after a renewal and half a lifetime in; then the lock's own costs."""
    import redis

    from clinicbot import settings
    from clinicbot.locks import DEFAULT_TTL_SECONDS

    ttl = float(settings.get("LOCK_TTL_SECONDS", str(DEFAULT_TTL_SECONDS)))
    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    try:
        blocks = [dead_holder_block(f"{prefix}{i}:", ttl, worst) for i, worst in enumerate((True, False))]
        alone, handovers = asyncio.run(_costs(prefix + "cost:", ttl))
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
    return SectionResult(
        [
            Figure(
                "lock_dead_holder_block_worst_s",
                f"Killed replica blocks its conversation, worst (ttl {ttl:g} s)",
                blocks[0],
                "s",
                n=1,
                target=Target("<=", ttl + 0.2, f"<= {ttl:g} s + poll"),
            ),
            Figure("lock_uncontended_p50_ms", "Lock acquire + release, uncontended, p50", statistics.median(alone), "ms", n=len(alone)),
            Figure("lock_handover_p50_ms", "Lock handover to a waiting message, p50", statistics.median(handovers), "ms", n=len(handovers)),
            Figure("lock_handover_p95_ms", "Lock handover to a waiting message, p95", percentile(handovers, 95), "ms", n=len(handovers)),
        ],
        {"ttl_seconds": ttl, "dead_holder_block_worst_s": round(blocks[0], 3), "dead_holder_block_mid_s": round(blocks[1], 3), "redis": REDIS_URL.rsplit("@", 1)[-1]},
        [f"a dead holder's lock lapses between 2/3 ttl and ttl after its last renewal (renewed every ttl/3 = {ttl / 3:g} s)"],
    )
