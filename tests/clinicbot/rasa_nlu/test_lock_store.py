"""Rasa's side of the atomic lock store: loaded by module path from endpoints.yml, held through `lock()`."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import rasa
import yaml
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from clinicbot import deploy
from clinicbot.rasa_nlu.lock_store import AtomicRedisLockStore
from tests.redis_db import REDIS_URL, RedisForTest


def store(r: RedisForTest, **settings) -> LockStore:
    """A lock store as Rasa makes it from an endpoints entry (one per replica)."""
    return LockStore.create(
        EndpointConfig.from_dict(
            {"type": deploy.LOCK_STORE_MODULE, "url": "127.0.0.1", "port": 6379, "db": 9, "key_prefix": r.prefix, **settings}
        )
    )


def test_rasa_loads_it_from_the_endpoints_the_stack_writes(tmp_path: Path):
    env = {"REDIS_URL": REDIS_URL, "LOCK_TTL_SECONDS": "7", "LOCK_WAIT_SECONDS": "9"}
    path = tmp_path / "endpoints.yml"
    path.write_text(yaml.safe_dump(deploy.endpoints(env)))
    made = LockStore.create(read_endpoint_config(str(path), "lock_store"))
    assert isinstance(made, AtomicRedisLockStore)
    assert (made.locks.ttl, made.locks.wait) == (7.0, 9.0)
    kwargs = made.locks.redis.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("127.0.0.1", 6379, 9)


async def test_two_replicas_never_hold_one_conversation(redis_db):
    first, second = store(redis_db), store(redis_db, lock_wait_seconds=0.3)
    async with first.lock("rest:alice") as held:
        assert held.conversation_id == "rest:alice"
        start = time.monotonic()
        with pytest.raises(LockError):
            async with second.lock("rest:alice"):
                pytest.fail("the second replica got a conversation the first holds")
        assert time.monotonic() - start < 1.0
        async with second.lock("rest:bob"):  # other conversations are free
            pass
    async with second.lock("rest:alice"):
        pass


async def test_an_error_in_the_turn_releases_the_conversation(redis_db):
    first, second = store(redis_db), store(redis_db, lock_wait_seconds=0.3)
    with pytest.raises(RuntimeError):
        async with first.lock("rest:alice"):
            raise RuntimeError("the turn failed")
    async with second.lock("rest:alice"):
        pass
    assert redis_db.client.keys(redis_db.prefix + "*") == []


def test_rasa_takes_conversations_only_through_lock():
    """The store implements only lock(); were Rasa to call another method, this says so."""
    root = Path(rasa.__file__).parent
    called = {
        m
        for p in root.rglob("*.py")
        if p.name != "lock_store.py"
        for m in re.findall(r"\block_store\.(\w+)\(", p.read_text(encoding="utf-8"))
    }
    assert called == {"lock"}


def test_the_ticket_bookkeeping_of_rasas_design_is_refused(redis_db):
    made = store(redis_db)
    for call in (lambda: made.get_lock("c"), lambda: made.issue_ticket("c"), lambda: made.cleanup("c", 1)):
        with pytest.raises(NotImplementedError):
            call()
