"""purge: deletes conversations not updated within the retention period, with all they hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from clinicbot.store.models import StaffUser
from clinicbot.store.review import set_status
from clinicbot.store.service import TranscriptMessage, append_messages, purge, record_booking

from .conftest import T0, booking_input
from .test_service import counts

NOW = T0 + timedelta(days=100)


def seed(engine):
    """Conversations last updated 90, 35 and 5 days before NOW, 4 messages each, a staff note on each booking."""
    with Session(engine) as s, s.begin():
        staff = StaffUser(username="rita", password_hash="x", role="reviewer")
        s.add(staff)
        s.flush()
        for sender, age in (("old", 90), ("mid", 35), ("new", 5)):
            booking, _ = record_booking(s, booking_input(sender), now=NOW - timedelta(days=age))
            set_status(s, "booking", booking.id, "contacted", "spoke to Asha", staff)


@pytest.mark.parametrize(
    "days, deleted",
    [
        (365, 0),
        (60, 1),
        (30, 2),
        (0, 3),
    ],
)
def test_purge_counts(db, days, deleted):
    seed(db)
    with Session(db) as s, s.begin():
        result = purge(s, days, now=NOW)
    assert result == {
        "status_changes": deleted,
        "booking_requests": deleted,
        "triage_outcomes": deleted,
        "messages": 4 * deleted,
        "alerts": 0,
        "escalations": 0,
        "conversations": deleted,
        "inbound_messages": 0,
    }
    assert counts(db) == {
        "conversations": 3 - deleted,
        "messages": 4 * (3 - deleted),
        "triage_outcomes": 3 - deleted,
        "bookings": 3 - deleted,
    }


def test_new_messages_keep_a_conversation(db):
    seed(db)
    with Session(db) as s, s.begin():
        assert append_messages(s, "rest", "old", [TranscriptMessage("user", "still there?", NOW)]) == 1
    with Session(db) as s, s.begin():
        assert purge(s, 60, now=NOW)["conversations"] == 0  # "old" was updated just now


def test_purge_refuses_negative_days(db):
    with Session(db) as s, pytest.raises(ValueError):
        purge(s, -1)
