"""Inbound message ids: claimed once per channel and sender, across threads (replicas), released on outage."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from clinicbot.store import inbound
from clinicbot.store.db import upgrade
from clinicbot.store.models import utcnow


@pytest.fixture
def db(engine):
    upgrade(engine)
    return engine


def run(engine, fn, *args):
    with Session(engine, future=True) as s, s.begin():
        return fn(s, *args)


def test_a_message_id_is_first_once_per_channel_and_sender(db):
    assert run(db, inbound.claim, "rest", "rest:a", "m-1").first
    assert not run(db, inbound.claim, "rest", "rest:a", "m-1").first
    assert run(db, inbound.claim, "rest", "rest:b", "m-1").first  # another sender
    assert run(db, inbound.claim, "telegram", "rest:a", "m-1").first  # another channel


def test_replies_are_kept_for_a_resend_and_a_release_lets_it_through(db):
    run(db, inbound.claim, "rest", "rest:a", "m-1")
    assert run(db, inbound.replies_of, "rest", "rest:a", "m-1") is None  # still being handled
    run(db, inbound.keep_replies, "rest", "rest:a", "m-1", [{"text": "hi"}])
    again = run(db, inbound.claim, "rest", "rest:a", "m-1")
    assert not again.first and again.replies == [{"text": "hi"}]
    run(db, inbound.release, "rest", "rest:a", "m-1")
    assert run(db, inbound.claim, "rest", "rest:a", "m-1").first


def test_concurrent_claims_make_one_first(db):
    firsts, errors = [], []
    barrier = threading.Barrier(6)

    def claim():
        try:
            barrier.wait()
            firsts.append(run(db, inbound.claim, "whatsapp", "whatsapp:+919811122233", "SM1").first)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and sorted(firsts) == [False] * 5 + [True]


def test_old_ids_are_forgotten(db):
    run(db, inbound.claim, "rest", "rest:a", "m-1")
    assert run(db, inbound.forget_older_than, 7, utcnow() + timedelta(days=8)) == 1
    assert run(db, inbound.claim, "rest", "rest:a", "m-1").first


@pytest.mark.parametrize("bad", ["", "x" * 129])
def test_an_unusable_id_is_refused(db, bad):
    with pytest.raises(ValueError):
        run(db, inbound.claim, "rest", "rest:a", bad)
