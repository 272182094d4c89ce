"""Answers people give, in the interview: a qualified answer is the answer it starts with, and what it
adds is kept as findings (issue 18, item 4), in English, Hinglish and Hindi."""

from __future__ import annotations

import pytest

from clinicbot.conversation import Kind
from clinicbot.conversation.wording import wording
from clinicbot.vocabulary import ABSENT, PRESENT

from .conftest import Visitor

STARTS = {
    "en": "my lower back hurts after deadlifts yesterday",
    "hi-Latn": "deadlift ke baad se kamar mein bahut dard hai",
    "hi": "डेडलिफ्ट के बाद से कमर में बहुत दर्द है",
}
NO = {"en": "no", "hi-Latn": "nahi", "hi": "नहीं"}
ORDER = ["saddle_numbness", "bladder_bowel_dysfunction", "bilateral_leg_weakness", "fever", "leg_symptoms"]


def at(v: Visitor, language: str, question: str) -> None:
    """Takes the visitor to ``question`` with plain noes."""
    v.say(STARTS[language])
    for _ in ORDER[: ORDER.index(question)]:
        v.say(NO[language])
    assert v.consultation.pending == question
    assert v.consultation.language == language


@pytest.mark.parametrize(
    ("language", "question", "said", "status", "next_question", "kept"),
    [
        ("en", "leg_symptoms", "no, it stays in the lower back", ABSENT, "age", {}),
        ("en", "bilateral_leg_weakness", "no, just the left one feels heavy", ABSENT, "fever", {}),
        ("en", "fever", "no, only on the right side", ABSENT, "leg_symptoms", {"pain_unilateral": PRESENT}),
        ("en", "leg_symptoms", "yes but only on the left", PRESENT, "leg_sides", {"pain_unilateral": PRESENT}),
        ("hi-Latn", "bilateral_leg_weakness", "nahi, sirf left wala", ABSENT, "fever", {}),
        ("hi-Latn", "leg_symptoms", "nahi, sirf kamar mein dard hai", ABSENT, "age", {}),
        ("hi-Latn", "leg_symptoms", "haan, par sirf left side mein", PRESENT, "leg_sides", {}),
        ("hi", "leg_symptoms", "नहीं, सिर्फ़ कमर में", ABSENT, "age", {}),
        ("hi", "bilateral_leg_weakness", "नहीं, सिर्फ़ बायाँ पैर भारी लगता है", ABSENT, "fever", {}),
    ],
)
def test_a_qualified_answer_answers_and_keeps_what_it_adds(visitor, language, question, said, status, next_question, kept):
    at(visitor, language, question)
    finding = "leg_symptoms" if question == "leg_symptoms" else question
    reply = visitor.say(said)
    w = wording(language)
    assert w.text("reask") not in reply and w.text("unclear") not in reply
    assert visitor.consultation.findings[finding].status == status
    assert visitor.consultation.pending == next_question
    assert reply.endswith(w.question(next_question))
    for fid, st in kept.items():
        assert visitor.consultation.findings[fid].status == st


def test_what_a_qualified_no_adds_about_its_own_question_wins(visitor):
    at(visitor, "en", "leg_symptoms")
    visitor.say("no, but I get pins and needles down my left leg")
    assert "leg_symptoms" in visitor.step.red_flags
    assert visitor.consultation.pending == "leg_sides"


def test_no_followed_by_a_finding_is_still_that_finding_only(visitor):
    at(visitor, "en", "bladder_bowel_dysfunction")
    visitor.say("no numbness down there")
    assert visitor.consultation.pending == "bladder_bowel_dysfunction"
    assert "bladder_bowel_dysfunction" not in visitor.consultation.findings


@pytest.mark.parametrize(
    ("language", "said"), [("en", "no, maybe a little"), ("hi-Latn", "nahi, shayad thoda"), ("hi", "नहीं, पता नहीं")]
)
def test_doubt_after_a_no_stays_unsure_on_an_emergency_sign(visitor, language, said):
    at(visitor, language, "saddle_numbness")
    visitor.say(said)
    assert visitor.level == "urgent" and visitor.consultation.pending == "saddle_numbness"


# A booking to its summary, in each language (the visitor's clock: Tuesday 1 December 2026, 14:30 in Noida).
BOOKING = {
    "en": ["I want to book an appointment", "my name is Rahul Verma", "98110 23456", "Noida", "friday at 4pm", "yes"],
    "hi-Latn": ["mujhe appointment book karna hai", "mera naam Sunita hai", "98110 23456", "Noida wala", "shukravaar 4 baje", "haan"],
    "hi": ["मुझे अपॉइंटमेंट बुक करना है", "मेरा नाम सुनीता है", "98110 23456", "नोएडा", "शुक्रवार 4 बजे", "हाँ"],
}
NAMES = {"en": "Rahul Verma", "hi-Latn": "Sunita", "hi": "सुनीता"}


def to_summary(v: Visitor, language: str) -> str:
    first, *rest = BOOKING[language]
    v.say(first, Kind.BOOK)
    reply = ""
    for said in rest:
        reply = v.say(said, Kind.YES if said == rest[-1] else Kind.STATEMENT)
    assert v.consultation.form.pending == "confirm", reply
    return reply


@pytest.mark.parametrize("language", ["en", "hi-Latn", "hi"])
def test_names_are_read_from_how_people_give_them(visitor, language):
    to_summary(visitor, language)
    assert visitor.consultation.form.answers["name"] == NAMES[language]


@pytest.mark.parametrize(
    ("language", "said", "kind", "time"),
    [
        ("en", "actually make it 11am thursday", Kind.STATEMENT, "Thursday 3 December at 11:00"),
        ("en", "thursday after 5 please", Kind.STATEMENT, "Thursday 3 December at 17:00"),
        ("hi-Latn", "time change karke 11 baje kar do", Kind.OUT_OF_SCOPE, "Shukravaar 4 December, 11:00 baje"),
        ("hi-Latn", "guruvaar 5 baje ke baad", Kind.UNCLEAR, "Guruvaar 3 December, 17:00 baje"),
        ("hi", "गुरुवार शाम 5 बजे के बाद कर दो", Kind.UNCLEAR, "गुरुवार 3 दिसंबर, 17:00 बजे"),
    ],
)
def test_an_edit_at_the_summary_shows_it_again_in_the_visitors_language(visitor, language, said, kind, time):
    to_summary(visitor, language)
    reply = visitor.say(said, kind)
    summary = visitor.step.says[-1]
    assert time in reply and summary.text == reply
    assert [b.kind for b in summary.buttons] == [Kind.YES, Kind.NO]
    assert [b.title for b in summary.buttons] == [wording(language).buttons["yes"], wording(language).buttons["no"]]
    assert visitor.consultation.form.pending == "confirm"
    visitor.say(BOOKING[language][-1], Kind.YES)
    assert len(visitor.recorder.bookings) == 1


@pytest.mark.parametrize("language", ["en", "hi-Latn", "hi"])
def test_a_new_name_or_number_at_the_summary(visitor, language):
    to_summary(visitor, language)
    said = {"en": "my name is Anil Kumar", "hi-Latn": "mera naam Anil hai", "hi": "मेरा नाम अनिल है"}[language]
    reply = visitor.say(said, Kind.OUT_OF_SCOPE)
    assert visitor.consultation.form.answers["name"] in ("Anil Kumar", "Anil", "अनिल")
    assert visitor.consultation.form.answers["name"] in reply
    visitor.say("my new number is 91234 56789", Kind.STATEMENT)
    assert visitor.consultation.form.answers["phone"] == "+919123456789"
    assert visitor.consultation.form.pending == "confirm"
