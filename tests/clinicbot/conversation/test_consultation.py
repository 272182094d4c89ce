"""The consultation, turn by turn: each behaviour of issue 15 as a table of conversations."""

from __future__ import annotations

import pytest

from clinicbot.conversation import Consultation, Kind, Mode

from .conftest import Visitor

SADDLE_Q = "between your legs"
BLADDER_Q = "bladder or bowel control"
LEGS_Q = "both of your legs"
FEVER_Q = "fever"
LEG_Q = "down your leg"
EMERGENCY = "emergency department now"
START = "my lower back hurts after deadlifts yesterday"


def through_safety(v: Visitor, answers=("no", "no", "no", "no", "no")) -> str:
    reply = v.say(START)
    for answer in answers:
        reply = v.say(answer)
    return reply


@pytest.mark.parametrize(
    "denial",
    ["no", "nope", "no, everything feels normal there", "not at all", "nothing like that", "nahi", "/deny"],
)
def test_worded_denials_answer_the_question(visitor, denial):
    visitor.say(START)
    kind = Kind.NO if denial == "/deny" else Kind.SYMPTOMS
    assert BLADDER_Q in visitor.say(denial, kind)


@pytest.mark.parametrize("text", ["my waterworks are fine", "peeing normally, no problems", "no"])
def test_worded_denials_of_the_bladder(visitor, text):
    visitor.say(START)
    visitor.say("no")
    assert LEGS_Q in visitor.say(text)


@pytest.mark.parametrize("doubt", ["a bit, maybe", "I'm not sure", "not sure", "pata nahi", "maybe", "kind of"])
def test_doubt_on_an_emergency_sign_raises_the_level_and_asks_concretely(visitor, doubt):
    visitor.say(START)
    reply = visitor.say(doubt)
    assert visitor.level == "urgent"
    assert "toilet paper" in reply and "To be sure" in reply
    assert visitor.consultation.pending == "saddle_numbness"


@pytest.mark.parametrize(("second", "level"), [("still not sure", "emergency"), ("no", None), ("yes", "emergency")])
def test_the_concrete_question_settles_it_and_doubt_counts_as_present(visitor, second, level):
    visitor.say(START)
    visitor.say("not sure")
    reply = visitor.say(second)
    if level == "emergency":
        assert visitor.level == "emergency" and EMERGENCY in reply
    else:
        assert visitor.level == "self_care" and BLADDER_Q in reply


def test_doubt_on_an_urgent_sign_counts_as_present_at_once(visitor):
    through_safety(visitor, ("no", "no", "no"))
    reply = visitor.say("not sure")
    assert "counting it as present" in reply
    assert visitor.level == "urgent" and "fever" in visitor.step.red_flags


@pytest.mark.parametrize(
    "after", ["so what do I do now?", "surely it can wait?", "ok thanks", "can I book an appointment", "hello?"]
)
def test_after_the_emergency_every_turn_repeats_its_essentials(visitor, after):
    visitor.say("after squats I can't feel anything down there when I wipe")
    assert visitor.level == "emergency"
    kind = Kind.BOOK if "book" in after else Kind.STATEMENT
    reply = visitor.say(after, kind)
    assert "112" in reply and "108" in reply and "emergency department" in reply
    assert "Would you like" not in reply and "What is your name" not in reply


@pytest.mark.parametrize(
    "flag_text",
    ["I can't feel the toilet paper when I wipe", "i wet myself this morning", "both my legs are giving way"],
)
def test_a_red_flag_interrupts_the_booking_form(visitor, flag_text):
    visitor.say("I want to book", Kind.BOOK)
    assert "mobile" in visitor.say("Ravi Kumar")
    reply = visitor.say(flag_text)
    assert visitor.level == "emergency" and EMERGENCY in reply
    assert visitor.consultation.mode is Mode.EMERGENCY
    assert visitor.recorder.escalations == [("emergency", visitor.step.red_flags, False)]


def test_a_correction_to_both_legs_is_the_emergency(visitor):
    visitor.say("my back hurts after deadlifts and my left leg is getting weaker")
    reply = visitor.say("no wait, it's both of them")
    assert visitor.level == "emergency" and EMERGENCY in reply


def test_one_leg_or_both_is_asked_and_both_is_an_emergency(visitor):
    reply = through_safety(visitor, ("no", "no", "no", "no", "yes"))
    assert "one leg, or in both" in reply
    assert EMERGENCY in visitor.say("both")


def test_one_leg_goes_on_to_the_ranking_questions(visitor):
    through_safety(visitor, ("no", "no", "no", "no", "yes"))
    assert "How old" in visitor.say("just the right one")
    assert visitor.level == "urgent"


def test_each_denial_answers_only_its_own_question(visitor):
    visitor.say("my back hurts after squats, no numbness down there, no weakness in my legs")
    replies = [visitor.say("no"), visitor.say("no")]
    assert BLADDER_Q not in replies[-1]
    assert any(LEG_Q in r for r in replies)


def test_an_answer_about_another_question_does_not_answer_this_one(visitor):
    visitor.say(START)
    visitor.say("no")
    assert BLADDER_Q in visitor.say("no numbness down there")


def test_a_first_message_that_answers_every_safety_question_asks_none(visitor):
    reply = visitor.say(
        "sore lower back after deadlifts, no numbness between my legs, no bladder or bowel problems, "
        "legs are strong, no fever and no pain going down my legs"
    )
    assert all(q not in reply for q in (SADDLE_Q, BLADDER_Q, LEGS_Q, LEG_Q))
    assert "How old" in reply


@pytest.mark.parametrize(
    ("text", "kind", "expect"),
    [
        ("are you a real person?", Kind.BOT_QUESTION, "not a doctor"),
        ("can I still train?", Kind.FAQ, "Walking, swimming"),
        ("what if I lose control of my bladder?", Kind.STATEMENT, "If that ever happens"),
        ("what if my bladder goes?", Kind.STATEMENT, "If that ever happens"),
    ],
)
def test_questions_mid_interview_are_answered_and_the_question_comes_back(visitor, text, kind, expect):
    visitor.say(START)
    reply = visitor.say(text, kind, faq="faq_can_train" if kind is Kind.FAQ else "")
    assert expect in reply and SADDLE_Q in reply
    assert visitor.consultation.pending == "saddle_numbness"


def test_a_cut_message_is_acknowledged_mid_interview(visitor):
    visitor.say(START)
    from clinicbot.conversation import Turn

    step = visitor.consultation.apply(Turn("no " * 10, Kind.NO, cut=4000), visitor.recorder)
    assert "set the remaining 4000" in step.says[0].text


def test_unclear_answer_to_a_safety_question_is_asked_again_plainly(visitor):
    visitor.say(START)
    reply = visitor.say("asdfgh qwerty", Kind.UNCLEAR)
    assert "clear answer" in reply and SADDLE_Q in reply


def test_the_whole_interview_gives_an_outcome_and_the_booking_offer(visitor):
    through_safety(visitor)
    visitor.say("45")
    visitor.say("no")
    visitor.say("both sides")
    reply = visitor.say("bending forward")
    assert "not a diagnosis" in reply and "Would you like to book" in reply
    assert visitor.consultation.outcome is not None
    assert visitor.consultation.outcome.explanation[0].startswith("Urgency")
    assert "What is your name" in visitor.say("yes", Kind.YES)


def test_cancel_stops_the_questions_with_the_safety_advice(visitor):
    visitor.say(START)
    reply = visitor.say("stop", Kind.CANCEL)
    assert "stopped the questions" in reply and visitor.consultation.mode is Mode.IDLE


def test_suspected_flag_is_asked_at_once_and_yes_escalates(visitor):
    reply = visitor.say("my back hurts and things feel odd", suspected=["sexual_dysfunction"])
    assert "sexual function" in reply
    assert EMERGENCY in visitor.say("yes")


def test_escalation_is_recorded_once_per_level(visitor):
    visitor.say("back pain after squats with pain down my leg")
    visitor.say("i wet myself")
    visitor.say("so what now")
    assert [e[0] for e in visitor.recorder.escalations] == ["urgent", "emergency"]


def test_a_store_failure_never_breaks_the_reply(visitor):
    visitor.recorder.fail = True
    assert EMERGENCY in visitor.say("i can't pee since yesterday and my back is agony")


def test_the_state_survives_its_json_round_trip(visitor):
    through_safety(visitor, ("no", "not sure"))
    again = Consultation.from_dict(visitor.consultation.to_dict())
    assert again == visitor.consultation
    assert Consultation.from_dict({"mode": "nonsense", "findings": {"x": ["present"]}}) == Consultation()


def test_asking_to_book_mid_interview_finishes_the_safety_questions_first(visitor):
    visitor.say(START)
    reply = visitor.say("can I just book an appointment?", Kind.BOOK)
    assert "right after these few safety questions" in reply and SADDLE_Q in reply


def test_goodbye_mid_interview_ends_it_with_the_warning_signs(visitor):
    visitor.say(START)
    reply = visitor.say("bye", Kind.GOODBYE)
    assert "112" in reply and visitor.consultation.mode is Mode.IDLE
