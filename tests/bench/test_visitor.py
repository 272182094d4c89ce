"""Bench section 10 (what the visitor sees): its measures can fail."""

from __future__ import annotations

from bench.visitor import converse, repeats

OLD_SELF_CARE = (
    "This sounds most like a muscle strain. Give it 24-72 hours of relative rest from heavy loading, use heat "
    "after the first 24 hours, keep moving gently and return to training progressively."
)
STRAIN = "Rest from heavy loading for 24-72 hours, use heat after the first day, move gently."


def test_advice_said_in_two_messages_is_a_repeat_and_reasons_sharing_a_template_are_not():
    assert "use heat after the first" in repeats([OLD_SELF_CARE, "Most likely a strain.", STRAIN])
    reasons = 'Most likely a strain, because you said "on the left".\nAlso possible: a disc, because you said "on the left".'
    assert repeats(["Book within two weeks.", reasons, STRAIN]) == []


def test_a_conversation_ends_in_an_outcome_or_the_card():
    plain = converse("my lower back hurts after deadlifts yesterday")
    assert plain.end == "outcome" and 1 <= plain.before_offer <= 3 and plain.asked >= 5 and plain.unbuttoned == 0
    emergency = converse("since squats I can't feel the toilet paper when I wipe")
    assert emergency.end == "emergency" and emergency.card_first and emergency.card_clean and emergency.pushback_card
