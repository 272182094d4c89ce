"""The tracker store never starts a conversation over: pre-pinged connections, brief retries, no fall-back."""

from __future__ import annotations

import os
import uuid

import pytest
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import class_from_module_path
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from clinicbot import deploy
from clinicbot.conversation.outage import ConversationUnavailable
from clinicbot.rasa_nlu import tracker_store
from clinicbot.rasa_nlu.tracker_store import ResilientSQLTrackerStore, engine_kwargs

PG_URL = os.environ.get("CLINICBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
DOMAIN = Domain.empty()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setenv("TRACKER_RETRY_SECONDS", "0.05")


def sqlite_store(tmp_path) -> ResilientSQLTrackerStore:
    return ResilientSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def tracker(sender: str, text_: str = "my back hurts") -> DialogueStateTracker:
    t = DialogueStateTracker(sender, [])
    t.update(UserUttered(text_))
    return t


async def test_a_conversation_is_kept_and_read_back_over_pre_pinged_connections(tmp_path):
    store = sqlite_store(tmp_path)
    await store.save(tracker("rest:a"))
    back = await store.retrieve("rest:a")
    assert back is not None and back.latest_message.text == "my back hurts"
    assert store.engine.pool._pre_ping is True


@pytest.mark.parametrize(("failures", "read"), [(0, True), (2, True), (3, False), (10, False)])
async def test_database_errors_are_retried_briefly_then_the_visitor_is_asked_to_resend(tmp_path, monkeypatch, failures, read):
    store = sqlite_store(tmp_path)
    await store.save(tracker("rest:a"))
    calls = []
    real = SQLTrackerStore.retrieve

    async def flaky(self, sender_id):
        calls.append(sender_id)
        if len(calls) <= failures:
            raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))
        return await real(self, sender_id)

    monkeypatch.setattr(SQLTrackerStore, "retrieve", flaky)
    if read:
        assert (await store.retrieve("rest:a")) is not None and len(calls) == failures + 1
    else:
        with pytest.raises(ConversationUnavailable):
            await store.retrieve("rest:a")
        assert len(calls) == 3  # TRACKER_RETRIES' default


async def test_a_failed_save_is_an_error_not_a_conversation_kept_in_memory(tmp_path, monkeypatch):
    store = sqlite_store(tmp_path)

    async def down(self, t):
        raise OperationalError("INSERT", {}, Exception("could not connect to server"))

    monkeypatch.setattr(SQLTrackerStore, "save", down)
    with pytest.raises(ConversationUnavailable):
        await store.save(tracker("rest:a"))


@pytest.mark.parametrize(
    ("env", "pool"),
    [({}, (5, 10)), ({"TRACKER_POOL_SIZE": "2", "TRACKER_MAX_OVERFLOW": "0"}, (2, 0))],
)
def test_each_replica_opens_a_small_pool_set_by_the_environment(env, pool):
    kwargs = engine_kwargs("postgresql://u@127.0.0.1/db", env)
    assert (kwargs["pool_size"], kwargs["max_overflow"]) == pool and kwargs["pool_pre_ping"] is True
    assert "pool_size" not in engine_kwargs("sqlite:///x.db", env)  # SQLite has no pool to size


@pytest.mark.parametrize("value", ["many", "-1"])
def test_a_bad_pool_size_is_a_clear_error(value):
    with pytest.raises(ValueError, match="TRACKER_POOL_SIZE"):
        engine_kwargs("postgresql://u@127.0.0.1/db", {"TRACKER_POOL_SIZE": value})


def test_the_agent_keeps_the_store_as_it_is_without_a_fail_safe(tmp_path, monkeypatch):
    monkeypatch.setattr(Agent, "_create_tracker_store", Agent._create_tracker_store)
    store = sqlite_store(tmp_path)
    assert isinstance(Agent._create_tracker_store(store, DOMAIN), FailSafeTrackerStore)  # Rasa's own
    tracker_store.install()
    assert Agent._create_tracker_store(store, DOMAIN) is store


def test_the_stack_loads_this_store_by_its_path():
    conf = deploy.tracker_store("postgresql://postgres@127.0.0.1:5432/test")
    # Rasa falls back to memory, silently, when the path does not import: it must import.
    assert class_from_module_path(conf["type"]) is ResilientSQLTrackerStore
    assert conf["url"] == "127.0.0.1" and conf["db"] == "test" and conf["dialect"].startswith("postgresql")


@pytest.fixture
def pg_database():
    """A PostgreSQL database of this test's own, dropped afterwards."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL unreachable: {exc}")
        pytest.skip("PostgreSQL unreachable")
    name = f"clinicbot_tracker_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin, name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _drop_connections(admin, name: str, refuse: bool) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if refuse else "true"}'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": name})


async def test_postgresql_dropping_every_connection_or_refusing_new_ones(pg_database):
    admin, name = pg_database
    store = ResilientSQLTrackerStore(domain=DOMAIN, dialect="postgresql", host="127.0.0.1", db=name, username="postgres")
    await store.save(tracker("rest:a"))
    _drop_connections(admin, name, refuse=False)  # as after a restart: every pooled connection is dead
    back = await store.retrieve("rest:a")
    assert back is not None and back.latest_message.text == "my back hurts"
    _drop_connections(admin, name, refuse=True)  # down: nothing is read, nothing is kept anywhere else
    with pytest.raises(ConversationUnavailable):
        await store.retrieve("rest:a")
    with pytest.raises(ConversationUnavailable):
        await store.save(tracker("rest:a", "98765 43210"))
    _drop_connections(admin, name, refuse=False)  # back: the conversation is as it was
    back = await store.retrieve("rest:a")
    assert back is not None and [e.text for e in back.events if isinstance(e, UserUttered)] == ["my back hurts"]
    store.engine.dispose()
