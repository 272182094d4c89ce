"""The conversation state across turns: answers, corrections, notices."""

from __future__ import annotations

from clinicbot import dialogue
from clinicbot.triage.engine import Observation


def ent(fid, status, value="x"):
    return {"entity": fid, "role": status, "value": value}


def test_yes_to_a_safety_question_is_an_emergency():
    s = dialogue.update({}, {}, [], "affirm", "yes", "screen_saddle_numbness")
    assert s.findings["saddle_numbness"].status == "present"
    assert s.result.level == "emergency"
    assert s.screen["screen_saddle_numbness"] == "present"


def test_no_answers_and_unclear_is_marked():
    s = dialogue.update({}, {}, [], "deny", "no", "screen_fever")
    assert s.screen["screen_fever"] == "absent"
    s = dialogue.update({}, {}, [], "out_of_scope", "what?", "screen_fever")
    assert s.screen["screen_fever"] == dialogue.UNCLEAR


def test_free_text_answers_skip_questions():
    s = dialogue.update({}, {}, [ent("fever", "absent"), ent("leg_radiation", "present")], "describe_symptoms", "t")
    assert s.screen["screen_fever"] == "absent"
    assert s.screen["screen_leg_symptoms"] == "present"
    assert "screen_saddle_numbness" not in s.screen


def test_correction_replaces_earlier_statement():
    before = {"bilateral_leg_weakness": Observation("absent", "legs not weak")}
    s = dialogue.update(
        before, {}, [ent("bilateral_leg_weakness", "present", "both legs weak")], "describe_symptoms", "t"
    )
    assert s.result.level == "emergency"


def test_bare_age_and_side_answers():
    assert dialogue.update({}, {}, [], "describe_symptoms", "45", "screen_age").values["age"] == 45
    assert (
        dialogue.update({}, {}, [], "describe_symptoms", "the left", "screen_pain_side").values["pain_side"] == "left"
    )


def test_hypothetical_red_flag_gets_safety_net_and_truncation_is_acknowledged():
    s = dialogue.update(
        {},
        {},
        [ent("bladder_bowel_dysfunction", "hypothetical"), {"entity": "message_truncated", "value": "500"}],
        "describe_symptoms",
        "t",
    )
    assert s.result.level != "emergency"
    assert any("112" in n for n in s.notices)
    assert any("500" in n for n in s.notices)


def test_outcome_message_parts():
    s = dialogue.update({}, {}, [ent("leg_radiation", "present", "shoots down my leg")], "describe_symptoms", "t")
    msg = dialogue.outcome_message(s.result)
    assert "shoots down my leg" in msg and "not a diagnosis" in msg and "book" in msg
    e = dialogue.update({}, {}, [ent("saddle_numbness", "present")], "emergency", "t")
    emsg = dialogue.outcome_message(e.result)
    assert "112" in emsg and "108" in emsg and "book" not in emsg.lower()


def test_assessment_clean_text_cuts_and_strips_controls():
    from clinicbot.assessment import clean_text

    text, cut = clean_text("a\x00b " + "word " * 400, 100)
    assert "\x00" not in text and len(text) <= 100 and cut > 0
    assert clean_text("   ", 100) == ("", 0)


def test_a_worry_or_a_relative_never_cancels_a_red_flag():
    s = dialogue.update({}, {}, [ent("saddle_numbness", "present")], "emergency", "t")
    for status in ("hypothetical", "family", "historical"):
        later = dialogue.update(s.findings, s.values, [ent("saddle_numbness", status)], "describe_symptoms", "t")
        assert later.result.level == "emergency", status
    corrected = dialogue.update(s.findings, s.values, [ent("saddle_numbness", "absent")], "describe_symptoms", "t")
    assert corrected.result.level != "emergency"


def test_a_new_urgent_red_flag_is_announced_when_no_outcome_follows():
    s = dialogue.update({}, {}, [ent("fever", "present", "I have a fever")], "faq_can_train", "t", announce=True)
    assert s.result.level == "urgent"
    assert any("24-48 hours" in n and "I have a fever" in n for n in s.notices)
    again = dialogue.update(s.findings, s.values, [ent("fever", "present")], "faq_xray", "t", announce=True)
    assert not any("24-48 hours" in n for n in again.notices)


def test_booking_answers_do_not_change_clinical_values():
    s = dialogue.update(
        {}, {"age": 34}, [{"entity": "age", "value": 15}], "describe_symptoms", "15/12 at 11am", read_values=False
    )
    assert s.values["age"] == 34


def test_values_of_the_wrong_type_are_ignored():
    s = dialogue.update(
        {}, {}, [{"entity": "age", "value": "abc"}, {"entity": "pain_side", "value": "up"}], "describe_symptoms", "t"
    )
    assert s.values == {}


def test_ranking_questions_may_stay_unknown_but_safety_ones_are_asked_again():
    assert (
        dialogue.update({}, {}, [], "describe_symptoms", "in my forties", "screen_age").screen["screen_age"]
        == dialogue.UNKNOWN
    )
    assert (
        dialogue.update({}, {}, [], "describe_symptoms", "hmm", "screen_fever").screen["screen_fever"]
        == dialogue.UNCLEAR
    )
    assert dialogue.update({}, {}, [], "faq_xray", "x-ray?", "screen_age").screen["screen_age"] == dialogue.UNCLEAR
