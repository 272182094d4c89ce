"""Actions with the real domain, a fresh dispatcher and trackers from a factory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import names
from actions.triage import ActionAnswerFaq, ActionTriageOutcome, ActionUpdateTriage, ValidateScreeningForm

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())


def make_tracker(text="", intent="describe_symptoms", entities=(), slots=None, active_loop=None):
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    return Tracker(
        sender_id="test",
        slots=all_slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": list(entities)},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_update_triage_sets_the_public_slots():
    tracker = make_tracker(
        "pain down my leg", entities=[{"entity": "leg_radiation", "role": "present", "value": "pain down my leg"}]
    )
    events = ActionUpdateTriage().run(CollectingDispatcher(), tracker, DOMAIN)
    s = slots_of(events)
    assert s[names.TRIAGE_LEVEL] == "urgent"
    assert s[names.RED_FLAGS] == ["leg_symptoms"]
    assert s[names.LIKELY_CAUSES][0] == "disc_herniation"
    assert all(k in DOMAIN["slots"] for k in s)


def test_update_triage_reads_a_yes_to_the_question_asked():
    tracker = make_tracker(
        "yes", "affirm", slots={"requested_slot": "screen_bladder_bowel_dysfunction"}, active_loop=names.SCREENING_FORM
    )
    s = slots_of(ActionUpdateTriage().run(CollectingDispatcher(), tracker, DOMAIN))
    assert s[names.TRIAGE_LEVEL] == "emergency"


async def test_form_stops_at_once_in_an_emergency():
    tracker = make_tracker(slots={names.TRIAGE_LEVEL: "emergency"}, active_loop=names.SCREENING_FORM)
    assert await ValidateScreeningForm().required_slots([], CollectingDispatcher(), tracker, DOMAIN) == []


async def test_form_asks_everything_in_order_of_danger_otherwise():
    tracker = make_tracker(slots={names.TRIAGE_LEVEL: "self_care"}, active_loop=names.SCREENING_FORM)
    slots = await ValidateScreeningForm().required_slots([], CollectingDispatcher(), tracker, DOMAIN)
    assert slots[:3] == ["screen_saddle_numbness", "screen_bladder_bowel_dysfunction", "screen_bilateral_leg_weakness"]
    assert set(slots) == set(DOMAIN["forms"][names.SCREENING_FORM]["required_slots"])


def test_emergency_outcome_gives_numbers_and_ends_the_form():
    tracker = make_tracker(
        slots={names.FINDINGS: {"saddle_numbness": ["present", "numb down there"]}}, active_loop=names.SCREENING_FORM
    )
    d = CollectingDispatcher()
    events = ActionTriageOutcome().run(d, tracker, DOMAIN)
    assert "112" in d.messages[0]["text"] and "108" in d.messages[0]["text"]
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)


@pytest.mark.parametrize("intent", ["faq_can_train", "faq_xray", "faq_disc_healing"])
def test_faq_answers_come_from_the_clinic_text(intent):
    d = CollectingDispatcher()
    ActionAnswerFaq().run(d, make_tracker(intent=intent), DOMAIN)
    assert d.messages and d.messages[0]["text"]


def test_every_action_is_in_the_domain():
    for cls in (ActionUpdateTriage, ActionTriageOutcome, ActionAnswerFaq, ValidateScreeningForm):
        assert cls().name() in DOMAIN["actions"]


async def test_cancel_stops_the_interview_with_a_safety_net():
    d = CollectingDispatcher()
    tracker = make_tracker("stop", "cancel", active_loop=names.SCREENING_FORM)
    result = ValidateScreeningForm.check_answer("screen_fever", "unclear", d, tracker)
    assert result[names.SCREENING_STOPPED] is True
    stopped = make_tracker(slots={names.SCREENING_STOPPED: True, names.TRIAGE_LEVEL: "self_care"})
    assert await ValidateScreeningForm().required_slots([], d, stopped, DOMAIN) == []
    out = CollectingDispatcher()
    ActionTriageOutcome().run(out, stopped, DOMAIN)
    assert "112" in out.messages[0]["text"] and "not a diagnosis" not in out.messages[0]["text"]
