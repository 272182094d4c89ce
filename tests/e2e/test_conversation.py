"""Whole conversations over REST, one per behaviour of issue 15 (the core's tables test each in depth)."""

from __future__ import annotations

import pytest

from tests.e2e.test_rest import new_sender, say

pytestmark = pytest.mark.e2e
SADDLE_Q, BLADDER_Q, EMERGENCY = "between your legs", "bladder or bowel control", "emergency department"


def test_worded_denials_are_understood():
    s = new_sender()
    assert SADDLE_Q in say(s, "my lower back hurts after deadlifts yesterday")
    assert BLADDER_Q in say(s, "no, everything feels normal there")
    assert "both of your legs" in say(s, "my waterworks are fine")


def test_doubt_raises_the_level_asks_concretely_then_counts_as_present():
    s = new_sender()
    say(s, "my lower back hurts after deadlifts yesterday")
    reply = say(s, "a bit, maybe")
    assert "urgent" in reply and "toilet paper" in reply
    assert EMERGENCY in say(s, "I'm not sure")


def test_after_the_emergency_every_turn_repeats_it():
    s = new_sender()
    assert "112" in say(s, "since squats yesterday i cant pee and my back is killing me")
    for text in ("so what do I do now?", "surely it can wait?", "can I book an appointment instead?"):
        reply = say(s, text)
        assert "112" in reply and "108" in reply and "name" not in reply


def test_a_red_flag_mid_booking_interrupts_the_form():
    s = new_sender()
    say(s, "I'd like to book an appointment")
    assert "mobile" in say(s, "Ravi Kumar")
    reply = say(s, "sorry, I just noticed I can't feel the paper when I wipe")
    assert EMERGENCY in reply and "112" in reply


def test_a_correction_to_both_legs_is_an_emergency():
    s = new_sender()
    say(s, "my back hurts after deadlifts and my left leg is getting weaker")
    assert EMERGENCY in say(s, "no wait, it's both of them")


def test_a_question_about_the_bot_is_answered_and_the_question_asked_again():
    s = new_sender()
    say(s, "my lower back hurts after deadlifts yesterday")
    reply = say(s, "am I talking to a real person?")
    assert "not a doctor" in reply and SADDLE_Q in reply


def test_a_long_message_mid_interview_is_acknowledged_as_cut():
    s = new_sender()
    say(s, "my lower back hurts after deadlifts yesterday")
    reply = say(s, "no. " + "I was training and it went on and on. " * 130)
    assert "set the remaining" in reply


def test_a_hinglish_visitor_is_answered_in_hinglish_then_in_hindi():
    from clinicbot.conversation.wording import wording

    w = wording("hi-Latn")
    s = new_sender()
    assert w.question("saddle_numbness") in say(s, "deadlift ke baad se kamar mein bahut dard hai")
    assert w.question("bladder_bowel_dysfunction") in say(s, "nahi")
    assert w.text("book_after_questions") in say(s, "appointment book karna hai")  # safety questions first
    assert wording("hi").advice.levels["emergency"] in say(s, "मेरी कमर में दर्द है और पेशाब नहीं हो रहा")
    assert wording("hi").text("emergency_again") in say(s, "ab kya karu?")  # every later turn repeats it


def test_a_devanagari_emergency_is_told_in_hindi_with_the_numbers():
    from clinicbot.conversation.wording import wording

    reply = say(new_sender(), "मेरी कमर में दर्द है और पेशाब नहीं हो रहा")
    assert wording("hi").advice.levels["emergency"] in reply and "112" in reply and "108" in reply
