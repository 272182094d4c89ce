"""Section 7: the staff review app's bookings list with filters, 10,000 bookings in the store.

The app is served by waitress on 127.0.0.1 (as `make run` serves it) and asked over HTTP by a
signed-in client; each time is the whole request, from query to rendered HTML.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List

from bench.common import Figure, SectionResult, Target
from bench.store import postgres_engine, sqlite_engine

ROWS = 10_000
REPEATS = 15
LEVELS = ("emergency", "urgent", "urgent", "soon", "soon", "soon", "self_care", "self_care")
FLAGS = {"emergency": ["saddle_numbness"], "urgent": ["leg_symptoms"], "soon": [], "self_care": []}
PASSWORD = "bench password 123"
# What staff ask for: the start page, each filter, a free-text search, a deep page.
QUERIES = (
    "",
    "level=urgent",
    "red_flag=saddle_numbness",
    "location=greater_noida&status=new",
    "channel=whatsapp&date_from=2026-01-01&date_to=2026-06-30",
    "q=kumar",
    "q=98765",
    "level=soon&page=40",
)
TARGET_MS = 300.0


def booking(i: int) -> Any:
    """A varied booking: level, red flags, location, channel and name change with i."""
    from clinicbot.store.service import BookingInput, TranscriptMessage

    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=53 * i)
    level = LEVELS[i % len(LEVELS)]
    return BookingInput(
        channel=("rest", "whatsapp", "telegram", "socketio")[i % 4],
        sender_id=f"staff-bench-{i}-{uuid.uuid4().hex[:6]}",
        name=f"{('Asha', 'Ravi', 'Meera', 'Arjun')[i % 4]} {('Kumar', 'Verma', 'Singh', 'Iyer', 'Das')[i % 5]}",
        phone=f"+91{9000000000 + i * 7919 % 999999999}",
        location=("noida", "greater_noida")[i % 2],
        preferred_time=t0 + timedelta(days=2),
        consent_at=t0,
        triage={
            "level": level,
            "red_flags": FLAGS[level],
            "likely_causes": ["disc_herniation", "muscle_strain"],
            "findings": [{"id": "leg_radiation", "status": "present", "span": "down my leg"}],
            "rules_version": "bench",
        },
        transcript=[
            TranscriptMessage("user", "my lower back hurts after deadlifts and it goes down my leg", t0),
            TranscriptMessage("bot", "How old are you?", t0 + timedelta(seconds=1)),
        ],
    )


def seed(engine: Any) -> float:
    """Store ROWS bookings and a staff account; seconds taken."""
    from clinicbot.review.passwords import hash_password
    from clinicbot.store.db import session_factory
    from clinicbot.store.service import record_booking
    from clinicbot.store.staff import add_user

    sessions = session_factory(engine)
    start = time.perf_counter()
    for first in range(0, ROWS, 500):
        with sessions() as s, s.begin():
            for i in range(first, min(first + 500, ROWS)):
                record_booking(s, booking(i), now=booking(i).consent_at)
    with sessions() as s, s.begin():
        add_user(s, "bench", hash_password(PASSWORD), "reviewer")
    return time.perf_counter() - start


def measure(engine: Any) -> Dict[str, List[float]]:
    """Milliseconds per list request, for each query, through a real HTTP server."""
    import re

    import requests
    from waitress.server import create_server

    from clinicbot.review.app import create_app
    from clinicbot.review.settings import ReviewSettings

    app = create_app(ReviewSettings(secret_key=uuid.uuid4().hex * 2, development=True), engine)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    base = f"http://127.0.0.1:{server.effective_port}"

    def serve() -> None:
        try:
            server.run()
        except OSError:  # the listening socket closed under it at the end: done
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    times: Dict[str, List[float]] = {}
    try:
        http = requests.Session()
        token = re.search(r'name="csrf_token" value="([^"]+)"', http.get(f"{base}/login").text)
        assert token, "no CSRF token on the sign-in page"
        signed = http.post(
            f"{base}/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)}
        )
        assert signed.ok and "Booking requests" in signed.text, "could not sign in"
        for query in QUERIES:
            http.get(f"{base}/bookings?{query}")  # warm-up
            samples = []
            for _ in range(REPEATS):
                start = time.perf_counter()
                response = http.get(f"{base}/bookings?{query}")
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200 and "found" in response.text
            times[query or "(no filter)"] = samples
    finally:
        server.close()
    return times


def run() -> SectionResult:
    """SQLite and PostgreSQL; PostgreSQL is reported as an error when it cannot be reached."""
    result = SectionResult()
    for key, opener in (("sqlite", sqlite_engine), ("postgresql", postgres_engine)):
        try:
            with opener() as engine:
                result.details[f"{key}_seed_seconds"] = round(seed(engine), 1)
                times = measure(engine)
        except Exception as exc:
            result.details[f"{key}_error"] = f"{type(exc).__name__}: {str(exc)[:160]}"
            continue
        every = sorted(t for samples in times.values() for t in samples)
        worst = max(times, key=lambda q: statistics.median(times[q]))
        result.figures += [
            Figure(
                f"staff_{key}_list_p50_ms",
                f"{key}: bookings list with filters, {ROWS:,} rows, p50",
                statistics.median(every),
                "ms",
                n=len(every),
            ),
            Figure(
                f"staff_{key}_list_p95_ms",
                f"{key}: bookings list with filters, {ROWS:,} rows, p95",
                every[int(0.95 * (len(every) - 1))],
                "ms",
                n=len(every),
                target=Target("<=", TARGET_MS, f"< {TARGET_MS:.0f} ms"),
            ),
        ]
        result.details[f"{key}_median_ms_by_query"] = {q: round(statistics.median(v), 1) for q, v in times.items()}
        result.details[f"{key}_slowest_query"] = worst
    return result
