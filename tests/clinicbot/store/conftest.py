"""Store fixtures: every test runs on SQLite (a temp file) and on PostgreSQL (its own schema)."""

from __future__ import annotations

import os
import uuid
import warnings
from datetime import datetime, timedelta, timezone
from typing import Optional

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from clinicbot.store.db import make_engine, upgrade
from clinicbot.store.service import BookingInput, TranscriptMessage

PG_URL = os.environ.get("CLINICBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)

_pg_problem: Optional[str] = None
_pg_probed = False


def _pg_unavailable() -> Optional[str]:
    """Why PostgreSQL cannot be used (None when it can); probed once per run."""
    global _pg_problem, _pg_probed
    if not _pg_probed:
        _pg_probed = True
        probe = make_engine(PG_URL, connect_args={"connect_timeout": 3})
        try:
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            first = (str(exc.orig).strip().splitlines() or [""])[0]
            _pg_problem = f"PostgreSQL at {PG_URL} unreachable: {first}"
            if os.environ.get("CI") != "true":  # also in the warnings summary, not only with -rs
                warnings.warn(f"PostgreSQL store tests skipped: {_pg_problem}", stacklevel=1)
        finally:
            probe.dispose()
    return _pg_problem


@pytest.fixture(autouse=True)
def _hash_key(monkeypatch):
    """A fixed sender-hash key, so no test writes var/sender-hash.key."""
    monkeypatch.setenv("CLINICBOT_HASH_KEY", "test-key")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """An empty database: a temp SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        yield eng
        eng.dispose()
        return
    problem = _pg_unavailable()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(engine):
    """The engine with the store migrated to head."""
    upgrade(engine)
    return engine


def transcript(n: int, start: datetime = T0, prefix: str = "msg") -> list:
    """`n` alternating user/bot messages a second apart."""
    return [
        TranscriptMessage("user" if i % 2 == 0 else "bot", f"{prefix} {i}", start + timedelta(seconds=i))
        for i in range(n)
    ]


def booking_input(sender_id: str = "user-1", channel: str = "rest", n_messages: int = 4, **over) -> BookingInput:
    """A valid booking input."""
    fields = dict(
        channel=channel,
        sender_id=sender_id,
        name="Asha Verma",
        phone="+919876543210",
        location="noida_sector_47",
        preferred_time=T0 + timedelta(days=2, hours=2),
        consent_at=T0 + timedelta(minutes=5),
        triage={
            "level": "routine",
            "red_flags": [],
            "likely_causes": ["nonspecific_mechanical", "muscle_strain"],
            "findings": [{"id": "pain_after_exercise", "status": "present", "span": [10, 25]}],
            "rules_version": "2025.1",
        },
        transcript=transcript(n_messages),
    )
    fields.update(over)
    return BookingInput(**fields)
