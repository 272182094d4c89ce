"""Answers in words, qualified answers included: the start of a reply is its answer (data/answers.yml)."""

from __future__ import annotations

import pytest

from clinicbot.conversation.kinds import Kind
from clinicbot.conversation.words import read, says_one, tokens, yes_no


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # English
        ("no, it stays in the lower back", Kind.NO),
        ("no it stays in my lower back", Kind.NO),
        ("no, just the left one feels heavy", Kind.NO),
        ("no, only the right one", Kind.NO),  # "right" is a side here, not a yes
        ("yes, but otherwise fine", Kind.YES),  # "fine" qualifies, it does not deny
        ("haan but only on the left", Kind.YES),
        # Hinglish
        ("nahi, sirf left wala", Kind.NO),
        ("nahi sirf right wala", Kind.NO),
        ("haan, par sirf baithne pe", Kind.YES),
        # Hindi
        ("नहीं, सिर्फ़ कमर में", Kind.NO),
        ("नहीं सिर्फ़ दाईं तरफ", Kind.NO),
        ("हाँ, लेकिन सिर्फ़ बाईं तरफ", Kind.YES),
    ],
)
def test_a_qualified_answer_is_the_answer_it_starts_with(said, kind):
    reading = read(said)
    assert (reading.kind, reading.leads, reading.qualified) == (kind, True, True)


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("no, maybe a little", Kind.UNSURE),  # doubt after a no still errs towards present
        ("no, I'm not sure", Kind.UNSURE),
        ("nahi, shayad thoda", Kind.UNSURE),
        ("नहीं, पता नहीं", Kind.UNSURE),
        ("no, just a bit heavy in the left leg", Kind.UNSURE),  # "a bit" may hedge the answer: asked concretely
        ("yes... no", Kind.UNSURE),  # a second answer that contradicts the first
        ("no, actually yes", Kind.UNSURE),  # a correction: the whole reply, contradicting itself
        ("haan, matlab nahi", Kind.UNSURE),
    ],
)
def test_doubt_and_contradiction_stay_unsure(said, kind):
    assert yes_no(said) is kind


@pytest.mark.parametrize(
    "said",
    ["no numbness down there", "no pain in my legs", "nahi", "no", "नहीं", "only the right one", "right"],
)
def test_a_phrase_or_a_bare_answer_is_not_qualified(said):
    assert not read(said).qualified


@pytest.mark.parametrize(
    ("said", "kind"),
    [("only the right one", None), ("right wala", None), ("right", Kind.YES), ("that's right", Kind.YES)],
)
def test_a_side_in_two_words_is_no_yes(said, kind):
    assert yes_no(said) is kind


@pytest.mark.parametrize("said", ["only the right one", "right wala", "बाईं"])
def test_sides_are_one_side(said):
    assert says_one(said)


@pytest.mark.parametrize(
    ("said", "leads"),
    [("kya clinic sunday ko khula hai ya nahi", False), ("is the clinic open on sunday?", False), ("nahi, ghutne mein", True)],
)
def test_whether_a_reply_starts_with_an_answer(said, leads):
    assert read(said).leads is leads


def test_the_danda_ends_a_word():
    assert tokens("नहीं। सिर्फ़ कमर") == ["नहीं", "सिर्फ़", "कमर"]
