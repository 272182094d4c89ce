"""Section 6: the booking store on SQLite and PostgreSQL: saving a booking with a 50-message
transcript, and exporting 10,000 bookings (JSON and CSV)."""

from __future__ import annotations

import io
import json
import os
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, List, Tuple

from bench.common import Figure, SectionResult

SAVES = 30
TRANSCRIPT = 50
EXPORT_ROWS = 10_000
EXPORT_TRANSCRIPT = 6
PG_URL = os.environ.get("CLINICBOT_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def booking(i: int, messages: int) -> Any:
    """A realistic booking input with ``messages`` transcript lines."""
    from clinicbot.store.service import BookingInput, TranscriptMessage

    t0 = datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(minutes=i)
    transcript = [
        TranscriptMessage("user" if k % 2 == 0 else "bot", f"message {k} of conversation {i}: my lower back hurts after deadlifts", t0 + timedelta(seconds=k))
        for k in range(messages)
    ]
    return BookingInput(
        channel="rest",
        sender_id=f"bench-{i}-{uuid.uuid4().hex[:6]}",
        name="Bench Patient",
        phone="+919876543210",
        location="noida",
        preferred_time=t0 + timedelta(days=3),
        consent_at=t0,
        triage={"level": "urgent", "red_flags": ["leg_symptoms"], "likely_causes": ["disc_herniation", "muscle_strain"], "findings": [{"id": "leg_radiation", "status": "present", "span": "down my leg"}], "rules_version": "bench"},
        transcript=transcript,
    )


@contextmanager
def sqlite_engine() -> Iterator[Any]:
    """A fresh SQLite file store, migrated."""
    from clinicbot.store.db import make_engine, upgrade

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()


@contextmanager
def postgres_engine() -> Iterator[Any]:
    """A fresh schema on the local PostgreSQL, migrated, dropped afterwards."""
    from sqlalchemy import text

    from clinicbot.store.db import make_engine, upgrade

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def measure(engine: Any) -> Tuple[List[float], float, float, float]:
    """Save times (ms), then seeding and export times (s) for JSON and CSV."""
    from clinicbot.store.db import session_factory
    from clinicbot.store.service import export_bookings, record_booking, to_csv

    sessions = session_factory(engine)
    saves = []
    for i in range(SAVES):
        data = booking(i, TRANSCRIPT)
        start = time.perf_counter()
        with sessions() as s, s.begin():
            record_booking(s, data)
        saves.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    batch = 500
    for first in range(SAVES, EXPORT_ROWS, batch):
        with sessions() as s, s.begin():
            for i in range(first, min(first + batch, EXPORT_ROWS)):
                record_booking(s, booking(i, EXPORT_TRANSCRIPT))
    seed = time.perf_counter() - start
    start = time.perf_counter()
    with sessions() as s:
        rows = export_bookings(s)
    json.dumps(rows)
    export_json = time.perf_counter() - start
    assert len(rows) == EXPORT_ROWS
    start = time.perf_counter()
    with sessions() as s:
        to_csv(export_bookings(s), io.StringIO())
    export_csv = time.perf_counter() - start
    return saves, seed, export_json, export_csv


def run() -> SectionResult:
    """Both backends; PostgreSQL is reported as an error when it cannot be reached."""
    result = SectionResult()
    for key, opener in (("sqlite", sqlite_engine), ("postgresql", postgres_engine)):
        try:
            with opener() as engine:
                saves, seed, ej, ec = measure(engine)
        except Exception as exc:
            result.details[f"{key}_error"] = f"{type(exc).__name__}: {str(exc)[:160]}"
            continue
        saves.sort()
        result.figures += [
            Figure(f"store_{key}_save_p50_ms", f"{key}: save booking + 50-message transcript, p50", statistics.median(saves), "ms", n=len(saves)),
            Figure(f"store_{key}_save_p95_ms", f"{key}: save booking + 50-message transcript, p95", saves[int(0.95 * (len(saves) - 1))], "ms", n=len(saves)),
            Figure(f"store_{key}_export_json_s", f"{key}: export {EXPORT_ROWS:,} bookings as JSON", ej, "s", n=EXPORT_ROWS),
            Figure(f"store_{key}_export_csv_s", f"{key}: export {EXPORT_ROWS:,} bookings as CSV", ec, "s", n=EXPORT_ROWS),
        ]
        result.details[f"{key}_seed_seconds"] = round(seed, 2)
    return result
