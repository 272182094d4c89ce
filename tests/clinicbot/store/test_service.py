"""record_booking / append_messages: one transaction, exactly once, nothing half-written."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinicbot.store import repository
from clinicbot.store.keys import sender_hash
from clinicbot.store.models import BookingRequest, Conversation, Message, TriageOutcome
from clinicbot.store.service import TranscriptMessage, append_messages, record_booking

from .conftest import T0, booking_input, transcript

MODELS = {
    "conversations": Conversation,
    "messages": Message,
    "triage_outcomes": TriageOutcome,
    "bookings": BookingRequest,
}


def counts(engine) -> dict:
    with Session(engine) as s:
        return {name: s.scalar(select(func.count()).select_from(m)) for name, m in MODELS.items()}


def record(engine, inp):
    with Session(engine) as s, s.begin():
        booking, created = record_booking(s, inp)
        return booking.id, created


def test_record_booking_stores_everything(db):
    bid, created = record(db, booking_input(n_messages=6))
    assert created
    assert counts(db) == {"conversations": 1, "messages": 6, "triage_outcomes": 1, "bookings": 1}
    with Session(db) as s:
        b = s.get(BookingRequest, bid)
        assert (b.name, b.phone, b.location, b.status) == ("Asha Verma", "+919876543210", "noida_sector_47", "new")
        assert b.preferred_time == T0 + timedelta(days=2, hours=2)
        assert b.preferred_time.tzinfo is not None
        assert b.triage_outcome.level == "routine"
        assert b.triage_outcome.findings == [{"id": "pain_after_exercise", "status": "present", "span": [10, 25]}]
        assert b.conversation.sender_hash == sender_hash("user-1") != "user-1"
        assert [m.text for m in b.conversation.messages] == [f"msg {i}" for i in range(6)]
        assert b.conversation.messages[0].timestamp == T0


@pytest.mark.parametrize(
    "second, expected_messages",
    [
        (dict(n_messages=4), 4),  # the same confirmation again
        (dict(n_messages=7), 7),  # a retry with a longer transcript: the new messages are appended
        (dict(n_messages=2, name="Someone Else"), 4),  # a second "yes" with other data: nothing new
    ],
)
def test_repeated_record_booking_is_idempotent(db, second, expected_messages):
    first_id, created = record(db, booking_input(n_messages=4))
    again_id, again_created = record(db, booking_input(**second))
    assert created and not again_created
    assert again_id == first_id
    assert counts(db) == {"conversations": 1, "messages": expected_messages, "triage_outcomes": 1, "bookings": 1}
    with Session(db) as s:
        assert s.get(BookingRequest, first_id).name == "Asha Verma"


def test_other_sender_or_channel_is_another_conversation(db):
    record(db, booking_input("a"))
    record(db, booking_input("b"))
    record(db, booking_input("a", channel="telegram"))
    assert counts(db)["bookings"] == 3


def test_concurrent_insert_race_returns_the_winner(db, monkeypatch):
    """If another transaction inserted the booking after we looked, the unique constraint decides."""
    winner, _ = record(db, booking_input())
    calls = []

    def booking_for(self, conversation_id):
        calls.append(conversation_id)
        if len(calls) == 1:
            return None  # our first look misses the concurrent insert
        return select_booking(self.session, conversation_id)

    monkeypatch.setattr(repository.StoreRepository, "booking_for", booking_for)
    with Session(db) as s, s.begin():
        booking, created = record_booking(s, booking_input(n_messages=5))
        assert (booking.id, created) == (winner, False)
    assert len(calls) == 2
    assert counts(db) == {"conversations": 1, "messages": 5, "triage_outcomes": 1, "bookings": 1}


def select_booking(session, conversation_id):
    return session.scalars(select(BookingRequest).where(BookingRequest.conversation_id == conversation_id)).first()


class Boom(RuntimeError):
    pass


@pytest.mark.parametrize("where", ["after_outcome", "after_booking_flush", "after_record_booking"])
def test_failure_midway_leaves_nothing(db, monkeypatch, where):
    if where == "after_outcome":

        def add_booking(self, booking):
            raise Boom()

        monkeypatch.setattr(repository.StoreRepository, "add_booking", add_booking)
    elif where == "after_booking_flush":
        real = repository.StoreRepository.add_booking

        def add_booking(self, booking):
            real(self, booking)
            assert booking.id is not None  # flushed to the database
            raise Boom()

        monkeypatch.setattr(repository.StoreRepository, "add_booking", add_booking)
    with pytest.raises(Boom):
        with Session(db) as s, s.begin():
            record_booking(s, booking_input())
            s.flush()
            raise Boom()
    assert counts(db) == {"conversations": 0, "messages": 0, "triage_outcomes": 0, "bookings": 0}
    # and a retry afterwards stores it once
    monkeypatch.undo()
    monkeypatch.setenv("CLINICBOT_HASH_KEY", "test-key")
    assert record(db, booking_input())[1]
    assert counts(db)["bookings"] == 1


def test_append_messages(db):
    record(db, booking_input(n_messages=3))
    later = [
        TranscriptMessage("user", "thanks", T0 + timedelta(hours=1)),
        TranscriptMessage("bot", "bye", T0 + timedelta(hours=1, seconds=1)),
    ]
    cases = [
        ("rest", "user-1", transcript(3) + later, 2),  # the old part is not duplicated
        ("rest", "user-1", later, 0),  # appending the same again adds nothing
        ("rest", "nobody", later, 0),  # no conversation: no-op
        ("telegram", "user-1", later, 0),  # another channel's conversation does not exist
    ]
    for channel, sender, msgs, expected in cases:
        with Session(db) as s, s.begin():
            assert append_messages(s, channel, sender, msgs) == expected, (channel, sender)
    assert counts(db) == {"conversations": 1, "messages": 5, "triage_outcomes": 1, "bookings": 1}


def test_same_text_at_another_time_is_a_new_message(db):
    msgs = [TranscriptMessage("user", "yes", T0), TranscriptMessage("user", "yes", T0 + timedelta(seconds=30))]
    record(db, booking_input(transcript=msgs))
    assert counts(db)["messages"] == 2


@pytest.mark.parametrize(
    "timestamp, expected",
    [
        (T0.timestamp(), T0),  # epoch seconds, as Rasa's tracker has them
        (datetime(2025, 3, 3, 14, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))), T0),  # IST
    ],
)
def test_timestamps_normalised_to_utc(db, timestamp, expected):
    record(db, booking_input(transcript=[TranscriptMessage("user", "hi", timestamp)]))
    with Session(db) as s:
        [m] = s.scalars(select(Message)).all()
        assert m.timestamp == expected and m.timestamp.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "over, error",
    [
        (dict(phone="98765 43210"), ValueError),
        (dict(name="  "), ValueError),
        (dict(location=""), ValueError),
        (dict(preferred_time=datetime(2025, 3, 5, 11, 0)), ValueError),  # naive
        (dict(transcript=[TranscriptMessage("system", "x", T0)]), ValueError),
        (dict(transcript=[TranscriptMessage("user", "x", "yesterday")]), TypeError),
    ],
)
def test_bad_input_is_refused_before_writing(db, over, error):
    with pytest.raises(error):
        record(db, booking_input(**over))
    assert counts(db)["conversations"] == 0


def test_no_patient_data_in_logs(db, caplog):
    caplog.set_level("DEBUG")
    record(db, booking_input())
    record(db, booking_input(n_messages=6))
    logged = caplog.text
    assert "booking" in logged
    for secret in ("Asha", "+919876543210", "9876543210", "msg 1", "user-1"):
        assert secret not in logged


def test_store_imports_no_rasa_sanic_or_web_app():
    code = (
        "import sys, clinicbot.store.service, clinicbot.store.db, clinicbot.store.keys;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk', 'sanic', 'flask', 'starlette'));"
        "assert not bad, bad;"
        "assert 'alembic' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("text", "booking_id"),
    [("R-00042", 42), ("r-00042", 42), ("#R 42", 42), ("R00042", 42), ("R-123456", 123456), ("42", None), ("Ravi", None)],
)
def test_a_reference_reads_back_to_its_booking(text, booking_id):
    from clinicbot.store.service import booking_id_of, reference

    assert booking_id_of(text) == booking_id
    assert reference(42) == "R-00042" and booking_id_of(reference(7)) == 7
