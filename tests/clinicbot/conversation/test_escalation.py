"""The escalation decision: a move up to a level that a red flag of that level caused."""

from __future__ import annotations

import pytest

from clinicbot.conversation.escalation import escalation_level

FLAG_LEVELS = {"saddle_numbness": "emergency", "fever": "urgent", "leg_symptoms": "urgent"}


@pytest.mark.parametrize(
    "previous, level, flags, expected",
    [
        (None, "emergency", ["saddle_numbness"], "emergency"),
        (None, "urgent", ["fever"], "urgent"),
        ("self_care", "urgent", ["leg_symptoms"], "urgent"),
        ("soon", "emergency", ["saddle_numbness", "fever"], "emergency"),
        ("urgent", "emergency", ["saddle_numbness", "fever"], "emergency"),  # a later, higher level
        ("emergency", "emergency", ["saddle_numbness"], None),  # no change: nothing new
        ("urgent", "urgent", ["fever", "leg_symptoms"], None),
        ("emergency", "urgent", ["fever"], None),  # going down is no escalation
        (None, "soon", [], None),
        (None, "self_care", [], None),
        ("urgent", "self_care", [], None),
        (None, "emergency", [], None),  # not caused by a red flag
        (None, "emergency", ["fever"], None),  # only a red flag of that level causes it
        (None, None, [], None),
    ],
)
def test_escalation_level(previous, level, flags, expected):
    assert escalation_level(previous, level, flags, FLAG_LEVELS) == expected


def test_escalation_level_reads_the_vocabulary_by_default():
    assert escalation_level(None, "emergency", ["bladder_bowel_dysfunction"]) == "emergency"
    assert escalation_level(None, "urgent", ["cancer_history"]) == "urgent"
    assert escalation_level(None, "urgent", ["not_a_flag"]) is None
