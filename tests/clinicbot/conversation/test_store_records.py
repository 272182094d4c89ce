"""The conversation's records: the transcript as stored, timed so a message is never stored twice."""

from __future__ import annotations

import datetime as dt

from clinicbot.conversation.store_records import TICK, retime
from clinicbot.store.service import TranscriptMessage

T = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def test_bot_messages_are_timed_from_the_visitor_message_they_answer():
    raw = [
        TranscriptMessage("user", "numb down there", T),
        TranscriptMessage("bot", "card", T + dt.timedelta(seconds=2)),
        TranscriptMessage("bot", "offer", T + dt.timedelta(seconds=3)),
        TranscriptMessage("user", "9811023456", T.timestamp() + 60),
    ]
    out = retime(raw, ["kept", "card again"])
    assert [m.text for m in out] == ["numb down there", "card", "offer", "9811023456", "kept", "card again"]
    assert [m.timestamp for m in out] == [
        T,
        T + TICK,
        T + 2 * TICK,
        T + dt.timedelta(seconds=60),
        T + dt.timedelta(seconds=60) + TICK,
        T + dt.timedelta(seconds=60) + 2 * TICK,
    ]


def test_a_reply_stored_in_its_turn_is_the_same_record_when_read_back_later():
    said_now = retime([TranscriptMessage("user", "hi", T)], ["reply"])
    read_later = retime([TranscriptMessage("user", "hi", T), TranscriptMessage("bot", "reply", T.timestamp() + 5)])
    assert said_now == read_later
