"""Booking over REST with a restart of the whole stack in the middle of the form.

Starts its own stack (other ports, its own databases), so it does not disturb the shared one.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from tests.e2e.own_stack import OwnStack
from tests.e2e.scripts import to_outcome

ROOT = Path(__file__).resolve().parents[2]
# One above the shared stack's ports (default 5006, 5056), so stacks on other ports never collide.
RASA_PORT, ACTIONS_PORT = int(os.environ.get("RASA_PORT", 5005)) + 1, int(os.environ.get("ACTIONS_PORT", 5055)) + 1
URL = f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook"
pytestmark = pytest.mark.e2e


@pytest.fixture()
def env(tmp_path):
    e = dict(os.environ)
    e.update(
        RASA_PORT=str(RASA_PORT),
        ACTIONS_PORT=str(ACTIONS_PORT),
        STAFF_PORT=str(int(os.environ.get("STAFF_PORT", "8000")) + 1),
        DATABASE_URL=f"sqlite:///{tmp_path / 'clinicbot.db'}",
        TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
        CLINICBOT_HASH_KEY="e2e-test-key",
    )
    return e


def say(sender: str, text: str) -> str:
    r = requests.post(URL, json={"sender": sender, "message": text}, timeout=60)
    assert r.status_code == 200
    return "\n".join(m.get("text", "") for m in r.json())


def export(env: dict) -> list:
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "clinicbot"), "bookings", "export", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_booking_survives_a_restart_and_is_stored_exactly_once(env):
    stack = OwnStack(env)
    sender = f"e2e-book-{uuid.uuid4().hex[:8]}"
    try:
        stack.start()
        reply = to_outcome(say, sender)
        assert "book" in reply
        assert "name" in say(sender, "yes please")
        assert "mobile" in say(sender, "Ravi Kumar")
        assert "location" in say(sender, "98765 43210")
        stack.stop()
        stack.start()  # the whole stack restarts in the middle of the form
        reply = say(sender, "greater noida")
        assert "day and time" in reply
        reply = say(sender, "next tuesday at 11am")
        assert "Noted" in reply and "agree" in reply
        reply = say(sender, "yes")
        assert "+91 98765 43210" in reply and "Shall I send" in reply  # read back as people write it
        reply = say(sender, "yes")
        assert "has been sent" in reply
        say(sender, "yes")  # a second yes never makes a second record
        say(sender, "thanks")
    finally:
        stack.stop()
    rows = [r for r in export(env)]
    assert len(rows) == 1
    row = rows[0]
    assert row["phone"] == "+919876543210" and row["name"] == "Ravi Kumar" and row["location"] == "greater_noida"
    assert row["triage_level"] == "self_care"
    texts = [m["text"] for m in row["transcript"]]
    assert texts[0].startswith("my lower back") and "Ravi Kumar" in texts and "98765 43210" in texts
    assert any("has been sent" in t for t in texts)
    assert len(texts) == len(set((m["sender"], m["timestamp"], m["text"]) for m in row["transcript"]))
