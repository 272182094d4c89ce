"""Escalations: the record with its alerts exactly once, consent, purge."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinicbot.store import escalations
from clinicbot.store.escalations import (
    CODES_ONLY,
    CONSENT,
    VITAL_INTEREST,
    EscalationInput,
    escalations_of,
    record_consent,
    record_escalation,
)
from clinicbot.store.models import Alert, Escalation, Message, StatusChange
from clinicbot.store.service import TranscriptMessage, purge, record_booking

from .conftest import T0, booking_input, transcript

WORDS = "I am Asha, 98765 43210, numb down there"
def esc_input(level="emergency", sender="visitor-1", channel="rest", **over) -> EscalationInput:
    fields = dict(
        channel=channel,
        sender_id=sender,
        level=level,
        red_flags=["saddle_numbness"] if level == "emergency" else ["fever"],
        likely_causes=["cauda_equina"] if level == "emergency" else ["infection"],
        findings=[{"id": "saddle_numbness", "status": "present", "span": "numb down there"}],
        rules_version="2025.1",
        transcript=transcript(3, prefix=WORDS),
    )
    fields.update(over)
    return EscalationInput(**fields)


def record(engine, data, kinds=("email", "webhook"), now=T0):
    with Session(engine) as s, s.begin():
        esc, created = record_escalation(s, data, kinds, now=now)
        return esc.id, created


def count(engine, model, *where) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_emergency_is_stored_with_transcript_and_pending_alerts(db):
    eid, created = record(db, esc_input())
    assert created
    with Session(db) as s:
        esc = s.get(Escalation, eid)
        assert (esc.level, esc.legal_basis, esc.status) == ("emergency", VITAL_INTEREST, "new")
        assert esc.red_flags == ["saddle_numbness"] and esc.likely_causes == ["cauda_equina"]
        assert esc.findings[0]["span"] == "numb down there" and esc.rules_version == "2025.1"
        assert esc.created_at == T0 and esc.conversation.channel == "rest"
        alerts = sorted((a.kind, a.state, a.attempts, a.next_attempt_at) for a in esc.alerts)
        assert alerts == [("email", "pending", 0, T0), ("webhook", "pending", 0, T0)]
    assert count(db, Message) == 3


@pytest.mark.parametrize("retries", [1, 3])
def test_retries_record_once(db, retries):
    first, _ = record(db, esc_input())
    for i in range(retries):
        again, created = record(
            db, esc_input(transcript=transcript(4 + i, prefix=WORDS)), now=T0 + timedelta(seconds=i + 1)
        )
        assert (again, created) == (first, False)
    assert count(db, Escalation) == 1
    assert count(db, Alert) == 2
    assert count(db, Message) == 3 + retries  # the transcript so far still grows, deduplicated


def test_higher_level_adds_a_record_lower_does_not(db):
    urgent, _ = record(db, esc_input("urgent"))
    emergency, created = record(db, esc_input("emergency"))
    assert created and emergency != urgent
    again, created = record(db, esc_input("urgent"))
    assert (again, created) == (urgent, False)
    with Session(db) as s:
        assert [e.level for e in escalations_of(s, "rest", "visitor-1")] == ["urgent", "emergency"]


def test_urgent_after_emergency_is_no_new_record(db):
    emergency, _ = record(db, esc_input("emergency"))
    again, created = record(db, esc_input("urgent"))
    assert (again, created) == (emergency, False)
    assert count(db, Escalation) == 1


def test_each_conversation_and_channel_is_its_own(db):
    record(db, esc_input(sender="a"))
    record(db, esc_input(sender="b"))
    record(db, esc_input(sender="a", channel="telegram"))
    assert count(db, Escalation) == 3 and count(db, Alert) == 6


def test_urgent_without_consent_keeps_codes_only(db):
    eid, _ = record(db, esc_input("urgent"), kinds=[])
    with Session(db) as s:
        esc = s.get(Escalation, eid)
        assert esc.legal_basis == CODES_ONLY
        assert esc.findings == [{"id": "saddle_numbness", "status": "present"}]  # no words
        assert esc.alerts == []
    assert count(db, Message) == 0


def test_consent_in_the_booking_form_attaches_the_transcript(db):
    record(db, esc_input("urgent", sender="user-1"), kinds=[])
    with Session(db) as s, s.begin():
        record_booking(s, booking_input("user-1"))
        assert record_consent(s, "rest", "user-1") == 1
    with Session(db) as s:
        [esc] = escalations_of(s, "rest", "user-1")
        assert esc.legal_basis == CONSENT
        assert len(esc.conversation.messages) == 4
    with Session(db) as s, s.begin():
        assert record_consent(s, "rest", "nobody") == 0


def test_urgent_after_consent_is_stored_with_the_transcript(db):
    eid, _ = record(db, esc_input("urgent", consented=True))
    with Session(db) as s:
        assert s.get(Escalation, eid).legal_basis == CONSENT
    assert count(db, Message) == 3


@pytest.mark.parametrize(
    "over, error",
    [
        ({"level": "soon"}, ValueError),
        ({"red_flags": []}, ValueError),
        ({"channel": ""}, ValueError),
        ({"sender_id": ""}, ValueError),
        ({"transcript": [TranscriptMessage("nurse", "x", T0)]}, ValueError),
    ],
)
def test_bad_input_is_refused_before_writing(db, over, error):
    with pytest.raises(error):
        record(db, esc_input(**over))
    assert count(db, Escalation) == 0


def test_unknown_alert_kind_is_refused(db):
    with pytest.raises(ValueError):
        record(db, esc_input(), kinds=["sms"])
    assert count(db, Escalation) == 0


def test_race_lost_to_a_concurrent_record_returns_the_winner(db, monkeypatch):
    """If the same turn was recorded after we looked, the unique constraint decides."""
    winner, _ = record(db, esc_input())
    real = escalations._at_or_above
    calls = []

    def at_or_above(session, conversation_id, level):
        calls.append(level)
        return None if len(calls) == 1 else real(session, conversation_id, level)

    monkeypatch.setattr(escalations, "_at_or_above", at_or_above)
    again, created = record(db, esc_input())
    assert (again, created) == (winner, False) and len(calls) == 2
    assert count(db, Escalation) == 1 and count(db, Alert) == 2


def test_concurrent_records_make_one(db):
    """Eight threads record the same escalation at once: one record, two alerts (PostgreSQL; SQLite serialises)."""
    if db.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: the race needs a server database")
    barrier = threading.Barrier(8)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(record(db, esc_input()))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({eid for eid, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert count(db, Escalation) == 1 and count(db, Alert) == 2


def test_failure_midway_leaves_nothing(db, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("alert insert failed")

    monkeypatch.setattr(escalations, "Alert", boom)
    with pytest.raises(RuntimeError):
        record(db, esc_input())
    assert count(db, Escalation) == 0 and count(db, Message) == 0


def test_no_patient_data_in_logs(db, caplog):
    caplog.set_level("DEBUG")
    record(db, esc_input())
    record(db, esc_input())
    assert "Asha" not in caplog.text and "98765" not in caplog.text and "numb" not in caplog.text
    assert "visitor-1" not in caplog.text


def test_purge_removes_escalations_and_alerts(db):
    old, _ = record(db, esc_input(sender="old"), now=T0)
    record(db, esc_input(sender="new"), now=T0 + timedelta(days=80))
    with Session(db) as s, s.begin():
        s.add(StatusChange(subject="escalation", subject_id=old, new_status="contacted", note="rang", username="x"))
    with Session(db) as s, s.begin():
        result = purge(s, 30, now=T0 + timedelta(days=90))
    assert result["escalations"] == 1 and result["alerts"] == 2 and result["conversations"] == 1
    assert count(db, Escalation) == 1 and count(db, Alert) == 2 and count(db, StatusChange) == 0
    with Session(db) as s:
        assert escalations_of(s, "rest", "old") == [] and len(escalations_of(s, "rest", "new")) == 1


def test_a_number_left_after_an_emergency_is_kept_on_its_escalation(db):
    from clinicbot.store.escalations import record_contact

    with Session(db) as s, s.begin():
        assert record_contact(s, "rest", "visitor-1", "+919811023456") == 0  # nothing on record yet
    record(db, esc_input())
    record(db, esc_input(sender="visitor-2", level="urgent"))
    with Session(db) as s, s.begin():
        assert record_contact(s, "rest", "visitor-1", "+919811023456") == 1
        assert record_contact(s, "rest", "visitor-2", "+919811023457") == 0  # only an emergency takes one
    with Session(db) as s:
        phones = {e.level: e.contact_phone for e in s.scalars(select(Escalation))}
    assert phones == {"emergency": "+919811023456", "urgent": None}
