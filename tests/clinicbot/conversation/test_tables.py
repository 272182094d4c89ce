"""The conversation's data agree with the vocabulary, the rules and each other."""

from __future__ import annotations

import pytest

from clinicbot.conversation.interview import interview
from clinicbot.conversation.kinds import Kind, Level
from clinicbot.conversation.texts import texts
from clinicbot.conversation.words import yes_no
from clinicbot.triage.rules import load_rules
from clinicbot.vocabulary import vocabulary


def test_levels_are_the_vocabulary_levels_in_order():
    assert [level.value for level in Level] == vocabulary().level_order


def test_the_safety_questions_are_the_rules_screening_order():
    safety = [q.finding for q in interview().questions if q.safety]
    assert safety == load_rules().screening_order == [
        "saddle_numbness",
        "bladder_bowel_dysfunction",
        "bilateral_leg_weakness",
        "fever",
        "leg_symptoms",
    ]


def test_every_emergency_question_has_one_concrete_re_ask():
    for q in interview().questions:
        if q.safety and q.flag_level == Level.EMERGENCY.value:
            assert q.concrete.startswith("To be sure"), q.id


def test_suspect_questions_cover_the_emergency_flags_no_question_asks():
    asked = {q.finding for q in interview().questions}
    emergency = {f for f in vocabulary().red_flags if vocabulary().findings[f].level == Level.EMERGENCY.value}
    assert emergency - asked <= set(interview().suspect_questions)


def test_both_legs_lead_to_two_legged_red_flags():
    for target in interview().both_legs.values():
        assert vocabulary().findings[target].kind == "red_flag"


def test_texts_load_and_repeat_the_emergency_numbers():
    assert "112" in texts().emergency_go and "108" in texts().emergency_go


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("yes", Kind.YES),
        ("Yeah, a bit", Kind.YES),
        ("haan ji", Kind.YES),
        ("no", Kind.NO),
        ("Nope, all good", Kind.NO),
        ("I don't think so", Kind.NO),
        ("my waterworks are fine", Kind.NO),
        ("नहीं", Kind.NO),
        ("not sure", Kind.UNSURE),
        ("no idea", Kind.UNSURE),
        ("maybe", Kind.UNSURE),
        ("pata nahi", Kind.UNSURE),
        ("yes... no", Kind.UNSURE),
        ("asdf", None),
        ("/affirm", None),
    ],
)
def test_yes_no_unsure_in_words(said, kind):
    assert yes_no(said) is kind
