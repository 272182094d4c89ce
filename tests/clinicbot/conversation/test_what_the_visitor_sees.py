"""What the visitor sees (issue 18): a short outcome, an emergency card with nothing benign in it,
push-back answered plainly with the card again, a number left to be called back on, every message kept."""

from __future__ import annotations

from typing import List

import pytest

from clinicbot.content import advice
from clinicbot.conversation import Kind, Mode
from clinicbot.conversation.interview import interview
from clinicbot.conversation.step import Say
from clinicbot.conversation.wording import wording
from clinicbot.vocabulary import vocabulary

from .conftest import Visitor

START = "my lower back hurts after deadlifts yesterday"
EMERGENCY_TEXT = "after squats I can't feel anything down there when I wipe and I can't pee"
NO_SAFETY = ("no", "no", "no", "no", "no")

# Conversations that end in an outcome below an emergency, and the level each reaches.
OUTCOMES = [
    (["my lower back hurts after deadlifts yesterday", *NO_SAFETY, "45", "no", "both sides", "bending forward"], "self_care"),
    (["back pain after squats 3 weeks ago, not getting better", *NO_SAFETY, "30", "yes", "left", "sitting"], "soon"),
    (["my back hurts after deadlifts and I have a fever", "no", "no", "no", "no", "34", "no", "left", "sitting"], "urgent"),
]


def until_outcome(v: Visitor, messages: List[str]) -> List[Say]:
    for text in messages:
        v.say(text, Kind.NO if text == "no" else Kind.YES if text == "yes" else Kind.SYMPTOMS)
        if v.consultation.mode is Mode.OUTCOME:
            return list(v.step.says)
    raise AssertionError(f"no outcome; last said: {[s.text for s in v.step.says]}")


@pytest.mark.parametrize(("messages", "level"), OUTCOMES)
def test_an_outcome_is_at_most_three_messages_then_the_offer_with_buttons(messages, level):
    v = Visitor()
    says = until_outcome(v, messages)
    assert v.level == level
    *told, offer = says
    assert 1 <= len(told) <= 3
    assert told[0].text == advice().levels[level]  # what to do and how soon, first
    assert [b.kind for b in offer.buttons] == [Kind.YES, Kind.NO] and "book" in offer.text.lower()
    assert not any(s.buttons for s in told) and not any(s.card for s in says)
    # the disclaimer once, as the footnote of the last message before the offer
    assert [s.footnote for s in told] == [""] * (len(told) - 1) + [advice().disclaimer]
    sentences = [x.strip() for s in told for x in s.text.replace("\n", ". ").split(". ") if x.strip()]
    assert len(sentences) == len(set(sentences)), "a sentence said twice"


def test_the_self_care_outcome_gives_the_rest_and_heat_advice_once():
    v = Visitor()
    says = until_outcome(v, OUTCOMES[0][0])
    joined = " ".join(s.text for s in says).lower()
    assert joined.count("heat") == 1 and joined.count("24-72 hours") == 1


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", EMERGENCY_TEXT),
        ("hi-Latn", "squats ke baad se neeche wali jagah sunn hai aur peshab nahi ho raha"),
        ("hi", "स्क्वाट के बाद से नीचे का हिस्सा सुन्न है और पेशाब नहीं हो रहा"),
    ],
)
def test_the_emergency_is_one_card_with_the_warning_signs_and_no_benign_causes(language, text):
    v = Visitor()
    v.say(text)
    assert v.level == "emergency" and v.consultation.language == language
    card, offer = v.step.says
    w = wording(language)
    assert card.card == "emergency" and card.text.startswith(w.advice.levels["emergency"])
    assert "112" in card.text and "108" in card.text and not card.buttons
    benign = [w.causes[c] for c in vocabulary().causes if c != "cauda_equina_syndrome"]
    assert not any(label in card.text for label in benign)
    assert all(w.labels[flag] in card.text for flag in v.step.red_flags) and v.step.red_flags
    assert offer.expects == "phone" and offer.text == w.text("check_on_you") and not offer.card
    assert [b.kind for b in offer.buttons] == [Kind.NO]


@pytest.mark.parametrize(
    ("pushback", "kind", "opening"),
    [
        ("is it really that serious?", Kind.STATEMENT, "emergency_again"),
        ("can I just come to the clinic tomorrow instead?", Kind.BOOK, "emergency_no_booking"),
        ("kal aa jaun clinic?", Kind.UNCLEAR, "emergency_again"),
    ],
)
def test_push_back_is_answered_plainly_with_the_card_again(pushback, kind, opening):
    v = Visitor()
    v.say(EMERGENCY_TEXT)
    v.say(pushback, kind)
    (card,) = v.step.says
    w = wording(v.consultation.language or "en")
    assert card.card == "emergency"
    assert card.text.startswith(w.text(opening)) and card.text.endswith(w.text("emergency_go"))
    assert w.labels["saddle_numbness"] in card.text  # why: what the visitor said
    assert v.consultation.mode is Mode.EMERGENCY and v.consultation.form.answers == {}


def test_a_number_left_after_the_emergency_is_kept_for_a_call_back_and_read_back_formatted():
    v = Visitor()
    v.say(EMERGENCY_TEXT)
    reply = v.say("ok 98110 23456", Kind.STATEMENT)
    assert v.recorder.contacts == ["+919811023456"]
    assert "+91 98110 23456" in reply
    assert v.step.says[-1].card == "emergency" and "112" in v.step.says[-1].text
    v.say("9811099999", Kind.STATEMENT)  # asked once: a later number is not taken as this one
    assert v.recorder.contacts == ["+919811023456"]


def test_no_thanks_to_the_call_back_keeps_nothing_and_shows_the_card():
    v = Visitor()
    v.say(EMERGENCY_TEXT)
    v.say("No, thanks", Kind.NO)
    assert v.recorder.contacts == [] and [s.card for s in v.step.says] == ["emergency"]


def test_when_the_number_cannot_be_kept_the_visitor_is_told_and_gets_the_card():
    v = Visitor()
    v.say(EMERGENCY_TEXT)
    v.recorder.fail = True
    reply = v.say("9811023456", Kind.STATEMENT)
    assert "couldn't pass your number on" in reply and v.step.says[-1].card == "emergency"


def test_a_conversation_on_record_keeps_every_reply_of_its_turn():
    v = Visitor()
    v.say(START)
    assert v.recorder.appended == []  # nothing is on record yet: nothing is appended
    v.say(EMERGENCY_TEXT)
    assert v.recorder.escalations and v.recorder.appended[-1] == [s.text for s in v.step.says]
    v.say("thanks", Kind.THANKS)
    assert v.recorder.appended[-1] == [s.text for s in v.step.says]


def test_the_confirmation_gives_a_reference_and_the_phone_as_people_write_it():
    v = Visitor()
    v.say("i want to book", Kind.BOOK)
    for text, kind in [
        ("Ravi Kumar", Kind.STATEMENT),
        ("98765 43210", Kind.STATEMENT),
        ("noida", Kind.STATEMENT),
        ("next monday at 11am", Kind.STATEMENT),
        ("yes", Kind.YES),
    ]:
        v.say(text, kind)
    reply = v.say("yes", Kind.YES)
    assert v.recorder.bookings and "R-00001" in reply and "+91 98765 43210" in reply
    assert v.recorder.appended[-1] == [s.text for s in v.step.says]  # the confirmation is on record too


def _to_question(v: Visitor, qid: str) -> None:
    """Answers until `qid` is asked (leg symptoms present, so the one-leg-or-both question comes)."""
    v.say(START)
    answers = iter(["no", "no", "no", "no", "yes", "one leg", "34", "no", "left", "sitting"])
    while v.consultation.pending != qid:
        text = next(answers)
        v.say(text, Kind.NO if text == "no" else Kind.YES if text == "yes" else Kind.SYMPTOMS)


CHOICES = [(q.id, c) for q in interview().questions for c in q.choices]


@pytest.mark.parametrize(("qid", "choice"), CHOICES, ids=[f"{q}-{c.id}" for q, c in CHOICES])
def test_every_choice_of_a_closed_question_is_a_button_that_answers_it(qid, choice):
    v = Visitor()
    _to_question(v, qid)
    asked = v.step.says[-1]
    button = next(b for b in asked.buttons if b.title == wording("en").choice(qid, choice.id))
    assert (button.kind.value if button.kind else "") == choice.answer and button.reply == choice.reply
    # pressing it: the adapter sends yes/no as that kind, a reply as its words
    v.say(button.reply or button.title, button.kind or Kind.SYMPTOMS)
    assert v.consultation.pending != qid


def test_plain_yes_no_questions_keep_yes_and_no_and_open_ones_have_no_buttons():
    v = Visitor()
    v.say(START)
    assert [b.kind for b in v.step.says[-1].buttons] == [Kind.YES, Kind.NO]
    other = Visitor()
    _to_question(other, "age")
    assert other.step.says[-1].buttons == []
