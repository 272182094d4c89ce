"""A conversation belongs to its channel (issue 20): REST callers naming a WhatsApp or Telegram patient get nothing.

A booking is taken over REST up to its summary (name, mobile, place, time), then its events are moved,
in the tracker store, to a WhatsApp id (and later a Telegram one), input channel included, as if the
patient had written on WhatsApp (a real WhatsApp message needs Twilio's signature; that path is
covered by tests/clinicbot/channels). REST messages naming that patient, however spelled, get a fresh
conversation with none of the patient's data, and the patient's conversation is left as it was. Moved
back to its REST id, the same conversation does answer with the booking: the test can fail.

The second test starts a stack of its own outside development (the shared stack's ports + 5): REST
needs the bearer token there.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import subprocess
import uuid
from pathlib import Path
from typing import List, Tuple

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.e2e.own_stack import OwnStack
from tests.e2e.scripts import to_outcome

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("RASA_REST_URL", f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}/webhooks/rest/webhook")
TRACKER = os.environ.get("TRACKER_STORE_URL", "")
NAME, MOBILE, E164, SHOWN = "Asha Verma", "98111 22233", "+919811122233", "+91 98111 22233"
PRIVATE = ("Asha", "Verma", "98111", "22233", E164, SHOWN, "Greater Noida", "greater noida", "Shall I send", "has been sent")
pytestmark = pytest.mark.e2e


def say(sender: str, message: str, url: str = URL, **headers: str) -> str:
    r = requests.post(url, json={"sender": sender, "message": message}, headers=headers, timeout=60)
    assert r.status_code == 200, r.status_code
    assert all(m.get("recipient_id") == sender for m in r.json())  # the caller's own id, as before
    return "\n".join(m.get("text", "") for m in r.json())


def book_to_summary(sender: str) -> str:
    """A booking over REST stopped at its summary; the summary."""
    reply = to_outcome(say, sender)
    assert "book" in reply
    assert "name" in say(sender, "yes please")
    assert "mobile" in say(sender, NAME)
    assert "location" in say(sender, MOBILE)
    assert "day and time" in say(sender, "greater noida")
    assert "agree" in say(sender, "next tuesday at 11am")
    reply = say(sender, "yes")
    assert SHOWN in reply and "Shall I send" in reply
    return reply


def events(conn, sender: str) -> List[Tuple[int, str, str]]:
    return [
        tuple(r)
        for r in conn.execute(
            text("SELECT id, type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        )
    ]


def move(conn, old: str, new: str, channel: str) -> None:
    """Moves a conversation to another id, its user messages to another input channel."""
    for event_id, kind, data in events(conn, old):
        if kind == "user":
            obj = json.loads(data)
            obj["input_channel"] = channel
            conn.execute(text("UPDATE events SET data = :d WHERE id = :i"), {"d": json.dumps(obj), "i": event_id})
    conn.execute(text("UPDATE events SET sender_id = :new WHERE sender_id = :old"), {"new": new, "old": old})


def stored_phones() -> List[str]:
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "clinicbot"), "bookings", "export", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [row["phone"] for row in json.loads(out.stdout)]


@pytest.mark.skipif(
    not TRACKER.startswith("sqlite"), reason="needs the stack's SQLite TRACKER_STORE_URL (make e2e sets it)"
)
def test_rest_callers_naming_a_whatsapp_or_telegram_patient_get_nothing_of_theirs():
    owner = f"e2e-owner-{uuid.uuid4().hex[:8]}"
    booked = stored_phones().count(E164)
    book_to_summary(owner)
    whatsapp = f"whatsapp:+9198{random.randrange(10**7, 10**8)}"
    chat = random.randrange(10**8, 10**9)
    engine = create_engine(TRACKER, future=True)
    try:
        for patient, channel, attempts in (
            (whatsapp, "whatsapp", [whatsapp, whatsapp.split(":", 1)[1], whatsapp.split("+", 1)[1]]),
            (f"telegram:{chat}", "telegram", [f"telegram:{chat}", str(chat)]),
        ):
            with engine.begin() as conn:
                move(conn, f"rest:{owner}", patient, channel)
                before = events(conn, patient)
            assert before
            for sender in attempts:
                for message in ("what is my booking", "yes", "yes"):
                    reply = say(sender, message)
                    assert not [p for p in PRIVATE if p in reply], (sender, message)
            with engine.begin() as conn:
                assert events(conn, patient) == before  # neither read into a reply nor changed
                move(conn, patient, f"rest:{owner}", "rest")
        assert stored_phones().count(E164) == booked  # nobody sent the patient's booking
        assert "has been sent" in say(owner, "yes")  # the conversation was there, whole, all along
        assert stored_phones().count(E164) == booked + 1
    finally:
        engine.dispose()


def test_outside_development_rest_needs_the_token(tmp_path):
    token = secrets.token_urlsafe(32)
    env = dict(os.environ)
    env.update(
        CLINICBOT_ENV="production",
        REST_CHANNEL="on",
        REST_CHANNEL_TOKEN=token,
        STAFF_SECRET_KEY=secrets.token_hex(32),
        WIDGET_ALLOWED_ORIGINS="",
        RASA_PORT=str(int(os.environ.get("RASA_PORT", "5005")) + 5),
        ACTIONS_PORT=str(int(os.environ.get("ACTIONS_PORT", "5055")) + 5),
        STAFF_PORT=str(int(os.environ.get("STAFF_PORT", "8000")) + 5),
        DATABASE_URL=f"sqlite:///{tmp_path / 'clinicbot.db'}",
        TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
        CLINICBOT_HASH_KEY="e2e-test-key",
    )
    url = f"http://127.0.0.1:{env['RASA_PORT']}/webhooks/rest/webhook"
    stack = OwnStack(env)
    try:
        stack.start()
        body = {"sender": "e2e-token", "message": "my back hurts after deadlifts"}
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token}):
            assert requests.post(url, json=body, headers=headers, timeout=60).status_code == 401
        assert "between your legs" in say("e2e-token", body["message"], url, Authorization=f"Bearer {token}")
    finally:
        stack.stop()
