"""`clinicbot channels migrate-ids`: stored REST and Telegram conversations get their channel's id, once."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from clinicbot import cli
from clinicbot.store.cutover import plan_move
from clinicbot.store.db import get_engine, reset_engines, upgrade
from clinicbot.store.keys import sender_hash
from clinicbot.store.models import Conversation

WA = "whatsapp:+919811122233"
WEB = "web-" + "ab" * 16


@pytest.mark.parametrize(
    "old, channels, channel, new, mixed",
    [
        ("e2e-abc", {"rest"}, "rest", "rest:e2e-abc", False),
        ("4242", {"telegram"}, "telegram", "telegram:4242", False),
        ("-100123", {"telegram"}, "telegram", "telegram:-100123", False),
        ("4242", {"rest"}, "rest", "rest:4242", False),
        ("4242", {"rest", "telegram"}, "telegram", "telegram:4242", True),
        ("04242", {"telegram"}, None, None, False),
        ("abc", {"telegram"}, None, None, False),
        ("abc", {"telegram", "rest"}, "rest", "rest:abc", True),
        ("default", {"rest"}, "rest", "rest:default", False),
        ("x" * 251, {"rest"}, None, None, False),
        ("shell-1", {"cmdline"}, None, None, False),
        ("nouser", set(), None, None, False),
    ],
)
def test_where_a_stored_id_goes(old, channels, channel, new, mixed):
    move = plan_move(old, channels)
    assert (move.channel, move.new, move.mixed) == (channel, new, mixed)


@pytest.fixture
def stores(tmp_path, monkeypatch):
    """DATABASE_URL and TRACKER_STORE_URL on fresh SQLite files, a fixed sender-hash key; the tracker's URL."""
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'clinic.db'}")
    monkeypatch.setenv("TRACKER_STORE_URL", tracker)
    monkeypatch.setenv("CLINICBOT_HASH_KEY", "migrate-test-key")
    reset_engines()
    yield tracker
    reset_engines()


# (sender id, type_name, input channel of a user event)
EVENTS: List[Tuple[str, str, Any]] = [
    ("e2e-abc", "action", None),
    ("e2e-abc", "user", "rest"),
    ("e2e-abc", "bot", None),
    ("e2e-abc", "user", "rest"),
    ("4242", "user", "telegram"),
    ("4242", "bot", None),
    ("5151", "user", "telegram"),
    ("5151", "user", "rest"),  # a REST caller wrote into Telegram chat 5151 before the cut-over
    ("7777", "user", "telegram"),
    ("telegram:7777", "user", "telegram"),  # the patient came back before the migration ran
    ("REST:upper", "user", "rest"),
    ("dup", "user", "rest"),
    ("shell-1", "user", "cmdline"),
    ("nouser", "action", None),
    (WA, "user", "whatsapp"),
    (WEB, "user", "socketio"),
    ("rest:already", "user", "rest"),
    ("telegram:99", "user", "telegram"),
]
# (channel, sender id) of the clinic store's conversations
CONVERSATIONS = [
    ("rest", "e2e-abc"),
    ("telegram", "4242"),
    ("telegram", "5151"),
    ("rest", "5151"),
    ("telegram", "7777"),
    ("whatsapp", WA),
    ("socketio", WEB),
    ("rest", "rest:already"),
    ("rest", "dup"),
    ("rest", "rest:dup"),  # the clinic store already has the new id's conversation: left for staff to look at
]


def seed(tracker: str) -> None:
    engine = create_engine(tracker, future=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) "
                "NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
            )
        )
        for i, (sender, kind, channel) in enumerate(EVENTS):
            data: Dict[str, Any] = {"event": kind, "timestamp": 1000.0 + i}
            if kind == "user":
                data.update(text="my back hurts", input_channel=channel)
            conn.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :k, :t, :d)"),
                {"s": sender, "k": kind, "t": 1000.0 + i, "d": json.dumps(data)},
            )
    engine.dispose()
    store = get_engine()
    upgrade(store)
    with Session(store) as s, s.begin():
        for channel, sender in CONVERSATIONS:
            s.add(Conversation(channel=channel, sender_hash=sender_hash(sender)))


def tracker_senders(tracker: str) -> Dict[str, int]:
    engine = create_engine(tracker, future=True)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")).all()
    engine.dispose()
    return {sender: count for sender, count in rows}


def store_rows() -> Dict[int, Tuple[str, str]]:
    with Session(get_engine()) as s:
        return {c.id: (c.channel, c.sender_hash) for c in s.scalars(select(Conversation))}


def migrate(capsys, *flags: str) -> Dict[str, Any]:
    assert cli.main(["channels", "migrate-ids", *flags]) == 0
    return json.loads(capsys.readouterr().out)


EXPECTED = {
    "tracker": {"renamed": {"rest": 3, "telegram": 2}, "mixed_channels": 1, "conflicts": 1, "skipped": 2},
    "store": {"rekeyed": {"rest": 2, "telegram": 2}, "conflicts": 1},
}


def test_a_dry_run_counts_and_changes_nothing(stores, capsys):
    seed(stores)
    before_tracker, before_store = tracker_senders(stores), store_rows()
    assert migrate(capsys, "--dry-run") == {"dry_run": True, **EXPECTED}
    assert tracker_senders(stores) == before_tracker and store_rows() == before_store


def test_stored_conversations_get_their_channels_id_once(stores, capsys):
    seed(stores)
    before = tracker_senders(stores)
    before_store = store_rows()
    assert migrate(capsys) == {"dry_run": False, **EXPECTED}
    assert tracker_senders(stores) == {
        "rest:e2e-abc": before["e2e-abc"],
        "telegram:4242": before["4242"],
        "telegram:5151": before["5151"],
        "7777": 1,
        "telegram:7777": 1,
        "rest:REST:upper": 1,
        "rest:dup": 1,
        "shell-1": 1,
        "nouser": 1,
        WA: 1,
        WEB: 1,
        "rest:already": 1,
        "telegram:99": 1,
    }
    by_key = {v: k for k, v in store_rows().items()}
    moved = {
        ("rest", "e2e-abc"): ("rest", "rest:e2e-abc"),
        ("telegram", "4242"): ("telegram", "telegram:4242"),
        ("telegram", "5151"): ("telegram", "telegram:5151"),
        ("rest", "5151"): ("rest", "rest:5151"),
    }
    for channel, sender in CONVERSATIONS:
        old_id = next(i for i, key in before_store.items() if key == (channel, sender_hash(sender)))
        new_channel, new_sender = moved.get((channel, sender), (channel, sender))
        assert by_key[(new_channel, sender_hash(new_sender))] == old_id  # the same row, found by the new id

    again = migrate(capsys)
    assert again["tracker"] == {"renamed": {}, "mixed_channels": 0, "conflicts": 1, "skipped": 2}
    assert again["store"] == {"rekeyed": {}, "conflicts": 0}


def test_the_output_names_no_conversation(stores, capsys):
    seed(stores)
    assert cli.main(["channels", "migrate-ids"]) == 0
    out = capsys.readouterr().out
    assert not [s for s, _, _ in EVENTS if s in out]


def test_no_tracker_table_is_fine(stores, capsys):
    report = migrate(capsys)
    assert report["tracker"] == {"renamed": {}, "mixed_channels": 0, "conflicts": 0, "skipped": 0}


def test_a_tracker_store_in_memory_has_nothing_to_migrate(stores, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_STORE_URL", "memory")
    assert cli.main(["channels", "migrate-ids"]) == 2
    assert "not an SQL database" in capsys.readouterr().err
