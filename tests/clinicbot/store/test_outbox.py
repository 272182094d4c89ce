"""The alert outbox: due alerts, claims that only one worker wins, sent and failed marks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from clinicbot.store import outbox
from tests.clinicbot.alerts.helpers import escalate

from .conftest import T0

LEASE = timedelta(seconds=60)


def due(db, now=T0, kinds=("email", "webhook")):
    with Session(db) as s:
        return outbox.due_alerts(s, now, list(kinds))


def test_due_alerts_by_kind_and_time(db):
    escalate(db, "a", now=T0)
    escalate(db, "b", now=T0 + timedelta(minutes=1))
    assert [a.kind for a in due(db, T0)] == ["email", "webhook"]
    assert len(due(db, T0 + timedelta(minutes=1))) == 4
    assert [a.kind for a in due(db, T0 + timedelta(minutes=1), ["webhook"])] == ["webhook", "webhook"]
    assert due(db, T0, []) == []
    a = due(db, T0)[0]
    assert (a.level, a.channel, a.red_flags, a.attempts) == (
        "emergency",
        "rest",
        ["saddle_numbness", "bladder_bowel_dysfunction"],
        0,
    )


def test_only_one_claim_of_the_same_attempt_wins(db):
    escalate(db)
    first = due(db)[0]
    with Session(db) as s, s.begin():
        assert outbox.claim(s, first, T0, LEASE)
    with Session(db) as s, s.begin():
        assert not outbox.claim(s, first, T0, LEASE)  # a second worker with the same snapshot loses
    assert first.id not in [a.id for a in due(db)]  # hidden by the lease
    assert first.id in [a.id for a in due(db, T0 + LEASE)]


def test_marks_apply_only_to_the_current_attempt(db):
    escalate(db, kinds=["email"])
    [a] = due(db)
    with Session(db) as s, s.begin():
        outbox.claim(s, a, T0, LEASE)
        assert not outbox.mark_sent(s, a.id, 2, T0)  # not our attempt
        assert outbox.mark_failed(s, a.id, 1, "x" * 500, T0 + timedelta(seconds=10))
    [again] = due(db, T0 + timedelta(seconds=10))
    assert again.attempts == 1
    with Session(db) as s, s.begin():
        outbox.claim(s, again, T0, LEASE)
        assert outbox.mark_sent(s, a.id, 2, T0)
        assert not outbox.mark_sent(s, a.id, 2, T0)  # already sent
        assert outbox.counts(s) == {"email:sent": 1}
        assert outbox.next_due(s, ["email"]) is None


def test_next_due(db):
    escalate(db, now=T0)
    with Session(db) as s:
        assert outbox.next_due(s, ["email"]) == T0
        assert outbox.next_due(s, []) is None
