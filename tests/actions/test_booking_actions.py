"""The booking form's validation and finishing, with the real domain and the store swapped out."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import booking as booking_actions
from actions import names
from actions.booking import ActionFinishBooking, ValidateBookingForm
from tests.actions.test_triage_actions import DOMAIN, make_tracker


async def _validate(slot, value, intent="describe_symptoms", slots=None):
    d = CollectingDispatcher()
    tracker = make_tracker(str(value), intent, slots=slots, active_loop=names.BOOKING_FORM)
    result = await getattr(ValidateBookingForm(), f"validate_{slot}")(value, d, tracker, DOMAIN)
    return result, [m.get("text") for m in d.messages]


@pytest.mark.parametrize(
    "slot,value,expected",
    [
        (names.B_PHONE, "98765 43210", "+919876543210"),
        (names.B_PHONE, "123", None),
        (names.B_LOCATION, "sec 47", "noida"),
        (names.B_LOCATION, "mumbai", None),
        (names.B_NAME, "ravi", "Ravi"),
    ],
)
async def test_answers_are_normalised_or_reasked(slot, value, expected):
    result, messages = await _validate(slot, value)
    assert result[slot] == expected
    if expected is None:
        assert messages and ("for example" in messages[0].lower() or "choose" in messages[0].lower())


@pytest.mark.parametrize(("text", "intent", "expected"), [("Ravi Kumar", "affirm", "Ravi Kumar"), ("yes", "affirm", None), ("no", "deny", None)])
async def test_a_name_is_read_from_its_words_whatever_the_intent(text, intent, expected):
    """A name the classifier takes for "affirm" is still a name; "yes" is not."""
    result, _ = await _validate(names.B_NAME, text, intent=intent)
    assert result[names.B_NAME] == expected


async def test_three_failures_offer_the_phone_number():
    result, messages = await _validate(names.B_PHONE, "nope", slots={names.B_TRIES: {names.B_PHONE: 2}})
    assert result[names.B_STATUS] == names.STATUS_ABORTED
    assert "call the clinic" in messages[0]


async def test_time_in_the_past_is_reasked_with_an_example():
    result, messages = await _validate(names.B_TIME, "yesterday")
    assert result[names.B_TIME] is None and "future" in messages[0]


async def test_consent_no_ends_without_storing():
    result, _ = await _validate(names.B_CONSENT, "no", intent="deny")
    assert result[names.B_STATUS] == names.STATUS_DECLINED


async def test_cancel_and_faq_mid_form():
    result, _ = await _validate(names.B_NAME, "cancel", intent="cancel")
    assert result[names.B_STATUS] == names.STATUS_CANCELLED
    result, messages = await _validate(names.B_NAME, "can i train", intent="faq_can_train")
    assert result[names.B_NAME] is None and "Walking" in messages[0]


async def test_correction_at_the_summary():
    result, _ = await _validate(names.B_CONFIRM, "actually my number is 91234 56789")
    assert result[names.B_PHONE] == "+919123456789" and result[names.B_CONFIRM] is None


async def test_red_flag_wins_mid_form():
    tracker = make_tracker(slots={names.TRIAGE_LEVEL: "emergency"}, active_loop=names.BOOKING_FORM)
    assert await ValidateBookingForm().required_slots([], CollectingDispatcher(), tracker, DOMAIN) == []


def _confirmed_slots():
    return {
        names.B_NAME: "Ravi",
        names.B_PHONE: "+919876543210",
        names.B_LOCATION: "noida",
        names.B_TIME: "2026-12-01T11:00:00+05:30",
        names.B_CONSENT: "2026-11-25T08:00:00+00:00",
        names.B_CONFIRM: "yes",
    }


def test_store_failure_is_told_plainly_with_the_phone_number(monkeypatch, caplog):
    def broken(_tracker):
        raise RuntimeError("database is down for Ravi +919876543210")

    monkeypatch.setattr(booking_actions, "save_booking", broken)
    d = CollectingDispatcher()
    ActionFinishBooking().run(d, make_tracker(slots=_confirmed_slots()), DOMAIN)
    assert "call the clinic" in d.messages[0]["text"]
    assert "Ravi" not in caplog.text and "9876543210" not in caplog.text


def test_saved_booking_is_confirmed(monkeypatch):
    calls = []
    monkeypatch.setattr(
        booking_actions, "save_booking", lambda t: calls.append(t) or {"id": 1, "created": True, "preferred_time": None}
    )
    d = CollectingDispatcher()
    events = ActionFinishBooking().run(d, make_tracker(slots=_confirmed_slots()), DOMAIN)
    assert len(calls) == 1 and "has been sent" in d.messages[0]["text"]
    assert {"event": "slot", "timestamp": None, "name": names.BOOKING_SAVED, "value": True} in events


def test_emergency_at_the_end_gives_the_emergency_message_not_a_booking(monkeypatch):
    monkeypatch.setattr(booking_actions, "save_booking", lambda t: pytest.fail("must not save"))
    slots = {
        **_confirmed_slots(),
        names.TRIAGE_LEVEL: "emergency",
        names.FINDINGS: {"saddle_numbness": ["present", "numb"]},
    }
    d = CollectingDispatcher()
    ActionFinishBooking().run(d, make_tracker(slots=slots, active_loop=names.BOOKING_FORM), DOMAIN)
    assert "112" in d.messages[0]["text"]


def test_a_second_request_in_the_same_chat_is_not_claimed_as_new(monkeypatch):
    import datetime as dt

    stored = {"id": 1, "created": False, "preferred_time": dt.datetime(2026, 12, 1, 5, 30, tzinfo=dt.timezone.utc)}
    monkeypatch.setattr(booking_actions, "save_booking", lambda t: stored)
    d = CollectingDispatcher()
    ActionFinishBooking().run(d, make_tracker(slots=_confirmed_slots()), DOMAIN)
    assert "already have a request" in d.messages[0]["text"] and "11:00" in d.messages[0]["text"]

def test_only_real_actions_are_registered():
    """Abstract helpers are not registered by rasa-sdk (no `action_ask_` without a slot)."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert "action_ask_" not in executor.actions
    assert {"action_ask_booking_name", "action_ask_booking_location"} <= set(executor.actions)
