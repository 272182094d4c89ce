"""`clinicbot bookings export` and `clinicbot purge` on a temp SQLite DATABASE_URL."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from clinicbot import cli
from clinicbot.store.db import get_engine, reset_engines, upgrade
from clinicbot.store.service import BookingInput, TranscriptMessage, record_booking

NOW = datetime.now(timezone.utc)


@pytest.fixture
def store(tmp_path, monkeypatch):
    """DATABASE_URL and TRACKER_STORE_URL pointing at fresh SQLite files, and a fixed sender-hash key."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("CLINICBOT_HASH_KEY", "cli-test-key")
    reset_engines()
    yield get_engine
    reset_engines()


def seed(ages_days):
    engine = get_engine()
    upgrade(engine)
    with Session(engine) as s, s.begin():
        for i, age in enumerate(ages_days):
            when = NOW - timedelta(days=age)
            record_booking(
                s,
                BookingInput(
                    channel="rest",
                    sender_id=f"s{i}",
                    name='=HYPERLINK("http://x")' if i == 0 else f"Patient {i}",
                    phone="+919876543210",
                    location="greater_noida",
                    preferred_time=when + timedelta(days=1),
                    consent_at=when,
                    triage={"level": "soon", "red_flags": [], "likely_causes": ["disc_herniation"], "findings": []},
                    transcript=[TranscriptMessage("user", "my back hurts", when), TranscriptMessage("bot", "ok", when)],
                ),
                now=when,
            )


def run(argv, capsys):
    code = cli.main(argv)
    out = capsys.readouterr().out
    return code, out


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["bookings", "export", "--format", "json"], 3),
        (["bookings", "export"], 3),
        (["bookings", "export", "--format", "json", "--since", (NOW - timedelta(days=10)).date().isoformat()], 2),
        (["bookings", "export", "--since", (NOW + timedelta(days=2)).date().isoformat()], 0),
    ],
)
def test_export_json(store, capsys, argv, expected):
    seed([40, 3, 0])
    code, out = run(argv, capsys)
    rows = json.loads(out)
    assert code == 0 and isinstance(rows, list) and len(rows) == expected
    for row in rows:
        assert {"id", "created_at", "channel", "name", "phone", "location", "preferred_time"} <= set(row)
        assert {"triage_level", "red_flags", "likely_causes", "transcript"} <= set(row)
        assert row["transcript"][0] == {
            "sender": "user",
            "text": "my back hurts",
            "timestamp": row["transcript"][0]["timestamp"],
        }


def test_export_csv(store, capsys):
    seed([1, 0])
    code, out = run(["bookings", "export", "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 2
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["phone"] == "098765 43210"  # as dialled from the clinic: no quote shows
    assert rows[0]["created_at"].endswith(" +05:30")  # the clinic's time zone, its offset shown
    assert rows[1]["name"] == "Patient 1"


def test_fresh_database_exports_empty_list(store, capsys):
    assert run(["bookings", "export", "--format", "json"], capsys) == (0, "[]\n")
    code, out = run(["bookings", "export", "--format", "csv"], capsys)
    assert code == 0 and out.startswith('"id","created_at"')


@pytest.mark.parametrize(
    "days, deleted",
    [("365", 0), ("30", 1), ("0", 3)],
)
def test_purge(store, capsys, days, deleted):
    seed([40, 3, 0.001])
    code, out = run(["purge", "--older-than", days], capsys)
    result = json.loads(out)
    assert code == 0
    assert result["deleted"] == {
        "status_changes": 0,
        "booking_requests": deleted,
        "triage_outcomes": deleted,
        "messages": 2 * deleted,
        "alerts": 0,
        "escalations": 0,
        "conversations": deleted,
        "inbound_messages": 0,
        "tracker_conversations": 0,
    }
    code, out = run(["bookings", "export"], capsys)
    assert len(json.loads(out)) == 3 - deleted


@pytest.mark.parametrize(
    "argv",
    [
        ["purge"],
        ["purge", "--older-than", "-1"],
        ["purge", "--older-than", "x"],
        ["bookings", "export", "--format", "xml"],
        ["bookings", "export", "--since", "05/03/2025"],
        ["bookings"],
    ],
)
def test_bad_arguments(store, argv):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2


def test_database_unavailable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    reset_engines()
    try:
        assert cli.main(["bookings", "export"]) == 1
    finally:
        reset_engines()
    err = capsys.readouterr().err
    assert err.startswith("clinicbot: database error:")
