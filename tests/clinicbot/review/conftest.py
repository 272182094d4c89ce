"""Review app fixtures: a migrated SQLite store with staff accounts, bookings and an escalation."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from clinicbot.review.app import create_app
from clinicbot.review.passwords import hash_password
from clinicbot.review.settings import ReviewSettings
from clinicbot.store.db import make_engine, upgrade
from clinicbot.store.models import Escalation
from clinicbot.store.service import TranscriptMessage, record_booking
from clinicbot.store.staff import add_user
from tests.clinicbot.store.conftest import T0, booking_input

PASSWORD = "correct horse battery"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SELF_CARE_TRIAGE = {
    "level": "self_care",
    "red_flags": [],
    "likely_causes": ["muscle_strain"],
    "findings": [{"id": "pain_bilateral", "status": "present", "span": "both sides"}],
    "rules_version": "2026.11-2",
}
EMERGENCY_TRIAGE = {
    "level": "emergency",
    "red_flags": ["saddle_numbness"],
    "likely_causes": ["disc_herniation"],
    "findings": [
        {"id": "saddle_numbness", "status": "present", "span": "numb between my legs"},
        {"id": "fever", "status": "absent", "span": "fever"},
    ],
    "rules_version": "2026.11-2",
    "explanation": [
        "Urgency: Go to an emergency department now.",
        'Because you said "numb between my legs": numbness between the legs is a warning sign.',
    ],
    "values": {"age": 34},
    "interview": {
        "suspected": ["sexual_dysfunction"],
        "unsure": {"saddle_numbness": 2},
        "answers": {"age": "unknown"},
        "language": "hi-Latn",
    },
}


def seed(engine) -> dict:
    """Two staff accounts, three bookings (one emergency with hostile text) and an escalation."""
    ids = {}
    with Session(engine, future=True) as s, s.begin():
        add_user(s, "admin", hash_password(PASSWORD), "admin")
        add_user(s, "rita", hash_password(PASSWORD), "reviewer")
        routine, _ = record_booking(s, booking_input("u-routine", name="Asha Verma", triage=SELF_CARE_TRIAGE), now=T0)
        ids["routine"] = routine.id
        hostile = booking_input(
            "u-emergency",
            channel="telegram",
            name=f'=HYPERLINK("http://evil") {XSS}',
            phone="+919812345678",
            location="greater_noida",
            triage=EMERGENCY_TRIAGE,
            transcript=[
                TranscriptMessage("user", f"i am numb between my legs and no fever {XSS}", T0),
                TranscriptMessage(
                    "bot", "Please go to the emergency department now: call 112 or 108.", T0 + timedelta(seconds=1)
                ),
            ],
        )
        emergency, _ = record_booking(s, hostile, now=T0 + timedelta(days=1))
        ids["emergency"] = emergency.id
        old, _ = record_booking(s, booking_input("u-old", name="Old Case"), now=T0 - timedelta(days=30))
        ids["old"] = old.id
        esc = Escalation(
            conversation_id=emergency.conversation_id,
            level="emergency",
            red_flags=["saddle_numbness"],
            likely_causes=["disc_herniation"],
            findings=EMERGENCY_TRIAGE["findings"],
            rules_version="2026.11-2",
            legal_basis="vital_interest",
            contact_phone="+919812345670",
            created_at=T0,
        )
        s.add(esc)
        s.flush()
        ids["escalation"] = esc.id
    return ids


@pytest.fixture(autouse=True)
def _hash_key(monkeypatch):
    monkeypatch.setenv("CLINICBOT_HASH_KEY", "test-key")


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'review.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def ids(engine):
    return seed(engine)


SETTINGS = ReviewSettings(secret_key="k" * 64, development=True)


@pytest.fixture
def make_app(engine, ids):
    def make(**over):
        app = create_app(replace(SETTINGS, **over), engine)
        app.config["TESTING"] = True
        return app

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client, path="/login") -> str:
    """The CSRF token of a page's form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, username="rita", password=PASSWORD):
    """Sign in through the form; returns the response."""
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(client)})


@pytest.fixture
def signed_in(client):
    assert sign_in(client).status_code == 302
    return client
