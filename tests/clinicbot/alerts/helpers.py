"""Recording escalations whose transcript holds a name, a number and the visitor's words."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from clinicbot.store.escalations import EscalationInput, record_escalation
from clinicbot.store.outbox import due_alerts
from clinicbot.store.service import TranscriptMessage
from tests.clinicbot.store.conftest import T0

NAME, PHONE, WORDS = "Ravi Kumar", "98765 43210", "cannot feel my bum on the toilet seat"
PRIVATE = (NAME, "Ravi", "Kumar", "98765", "43210", "+919876543210", "toilet", WORDS, "visitor-")


def escalate(engine, sender="visitor-1", level="emergency", kinds=("email", "webhook"), now=T0) -> int:
    """Record an escalation with a transcript full of personal data; its id."""
    data = EscalationInput(
        channel="rest",
        sender_id=sender,
        level=level,
        red_flags=["saddle_numbness", "bladder_bowel_dysfunction"] if level == "emergency" else ["fever"],
        likely_causes=["cauda_equina"],
        findings=[{"id": "saddle_numbness", "status": "present", "span": WORDS}],
        rules_version="2025.1",
        transcript=[
            TranscriptMessage("user", f"I am {NAME}, my number is {PHONE}", now - timedelta(seconds=20)),
            TranscriptMessage("bot", "Thanks.", now - timedelta(seconds=19)),
            TranscriptMessage("user", WORDS, now - timedelta(seconds=10)),
        ],
    )
    with Session(engine) as s, s.begin():
        esc, _ = record_escalation(s, data, kinds, now=now)
        return int(esc.id)


def due(engine, kinds=("email", "webhook"), now=T0):
    """The due alerts."""
    with Session(engine) as s:
        return due_alerts(s, now, list(kinds))


def assert_private(blob) -> None:
    """Nothing of the visitor's in `blob` (bytes or str)."""
    text = blob.decode("utf-8", "replace") if isinstance(blob, bytes) else str(blob)
    for p in PRIVATE:
        assert p.lower() not in text.lower(), p
