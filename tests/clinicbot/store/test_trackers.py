"""Retention also applies to Rasa's tracker store: stale conversations go, recent ones stay whole."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from clinicbot.store.trackers import purge_trackers

DAY = 86400.0
NOW = 1_800_000_000.0


def test_stale_conversations_are_deleted_whole(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp FLOAT, data TEXT)"
            )
        )
        rows = [
            ("old", NOW - 400 * DAY),
            ("old", NOW - 390 * DAY),
            ("mixed", NOW - 400 * DAY),
            ("mixed", NOW - 2 * DAY),
            ("new", NOW - DAY),
        ]
        for sender, ts in rows:
            conn.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, '{}')"),
                {"s": sender, "t": ts},
            )
    assert purge_trackers(url, 365, now=NOW) == 1
    with engine.begin() as conn:
        left = conn.execute(text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id ORDER BY sender_id")).all()
    assert left == [("mixed", 2), ("new", 1)]
    engine.dispose()


def test_no_tracker_table_is_fine(tmp_path):
    assert purge_trackers(f"sqlite:///{tmp_path / 'empty.db'}", 30, now=NOW) == 0
