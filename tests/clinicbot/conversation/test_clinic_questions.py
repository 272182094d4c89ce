"""Questions about the clinic: answered from its data with its number, as asides, never a booking
(issue 18, item 4), in English, Hinglish and Hindi."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicbot.content import clinic
from clinicbot.conversation import Kind, Mode, Turn
from clinicbot.conversation.clinic_questions import FEES, HOURS, OTHER_PART, PERSON, answer, asked, topic
from clinicbot.conversation.wording import wording

from .conftest import Visitor, turn

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)  # Tuesday 14:30 in Noida
PHONE = clinic().phone

# (language, message, the kind the NLU gave it (tests/…: the trained model's intents), topic)
QUESTIONS = [
    ("en", "is the clinic open on Sunday?", Kind.BOOK, HOURS),
    ("en", "what are your opening hours?", Kind.OUT_OF_SCOPE, HOURS),
    ("hi-Latn", "kya clinic ravivaar ko khula hai?", Kind.UNCLEAR, HOURS),
    ("hi", "क्या क्लिनिक रविवार को खुला रहता है?", Kind.UNCLEAR, HOURS),
    ("en", "what are your fees?", Kind.OUT_OF_SCOPE, FEES),
    ("hi-Latn", "kitni fees hai", Kind.OUT_OF_SCOPE, FEES),
    ("hi", "फीस कितनी है", Kind.UNCLEAR, FEES),
    ("en", "my knee hurts", Kind.OUT_OF_SCOPE, OTHER_PART),
    ("hi-Latn", "ghutne mein dard hai", Kind.OUT_OF_SCOPE, OTHER_PART),
    ("hi", "घुटने में दर्द", Kind.UNCLEAR, OTHER_PART),
    ("en", "can I talk to a real person?", Kind.BOT_QUESTION, PERSON),
    ("hi-Latn", "kisi insaan se baat karni hai", Kind.BOT_QUESTION, PERSON),
    ("hi", "डॉक्टर से बात करनी है", Kind.BOOK, PERSON),
]


@pytest.mark.parametrize(("language", "said", "kind", "expected"), QUESTIONS)
def test_the_topic_of_a_question_about_the_clinic(language, said, kind, expected):
    assert topic(said) == expected


@pytest.mark.parametrize(
    "said",
    [
        "I want to book for Sunday",
        "mujhe ravivaar ke liye appointment book karna hai",
        "are you a real person?",
        "pain goes down to my knee",
        "my back and my knee hurt",
        "kamar se ghutne tak dard jaata hai",
        "koi baat nahi",
        "how many days will it take to heal",
    ],
)
def test_what_is_not_a_question_about_the_clinic(said):
    assert topic(said) is None


@pytest.mark.parametrize(
    ("language", "said", "day", "key"),
    [
        ("en", "is the clinic open on Sunday?", "Sunday", "clinic_day_closed"),
        ("en", "are you open on saturdays?", "Saturday", "clinic_day_open"),
        ("hi-Latn", "kya clinic ravivaar ko khula hai?", "Ravivaar", "clinic_day_closed"),
        ("hi-Latn", "kal clinic khula hai?", "Budhvaar", "clinic_day_open"),  # tomorrow is Wednesday
        ("hi", "क्या क्लिनिक रविवार को खुला रहता है?", "रविवार", "clinic_day_closed"),
        ("hi", "शनिवार को क्लिनिक खुलता है?", "शनिवार", "clinic_day_open"),
    ],
)
def test_the_hours_say_whether_that_day_is_open(language, said, day, key):
    w = wording(language)
    text = answer(str(asked(said, NOW)), w)
    assert text.startswith(w.text(key, day=day, days="", open="", close="", phone="")[:6])
    assert day in text and PHONE in text and "10:00" in text and "18:00" in text
    other = "clinic_day_open" if key == "clinic_day_closed" else "clinic_day_closed"
    assert text != w.text(other, day=day, days=w.text("days_range", first=w.weekdays[0], last=w.weekdays[5]),
                          open="10:00", close="18:00", phone=PHONE)


@pytest.mark.parametrize(("language", "said", "kind", "expected"), QUESTIONS)
def test_each_answer_has_the_clinics_number_in_the_visitors_language(language, said, kind, expected):
    question = str(asked(said, NOW))
    text = answer(question, wording(language))
    assert PHONE in text and "10:00" in text and "18:00" in text
    if language != "en":
        assert text != answer(question, wording("en"))
    if expected == PERSON:
        assert "112" in text and "108" in text


def say(v: Visitor, text: str, kind: Kind, **values: object) -> str:
    """A message with the intent the NLU gave it (and any value it read, as "Sunday" -> 3 days)."""
    t = turn(text, kind)
    if values:
        t = Turn(t.text, t.kind, t.faq, t.findings, {**t.values, **values}, t.cut, t.suspected)
    v.consultation = type(v.consultation).from_dict(v.consultation.to_dict())
    v.step = v.consultation.apply(t, v.recorder, NOW)
    return "\n".join(s.text for s in v.step.says)


@pytest.mark.parametrize(("language", "said", "kind", "expected"), QUESTIONS)
def test_a_question_about_the_clinic_never_starts_a_booking(visitor, language, said, kind, expected):
    reply = say(visitor, said, kind, duration_days=3) if kind is Kind.BOOK else say(visitor, said, kind)
    assert visitor.consultation.mode is Mode.IDLE and not visitor.consultation.form.answers
    assert reply == answer(str(asked(said, NOW)), wording(language))
    assert visitor.consultation.values == {} and visitor.consultation.findings == {}
    assert visitor.level is None


def test_a_real_booking_request_still_books(visitor):
    reply = say(visitor, "I want to book for Sunday", Kind.BOOK)
    assert visitor.consultation.mode is Mode.BOOKING and "What is your name" in reply


START = {"en": "my lower back hurts after deadlifts yesterday", "hi-Latn": "deadlift ke baad se kamar mein bahut dard hai",
         "hi": "डेडलिफ्ट के बाद से कमर में बहुत दर्द है"}


@pytest.mark.parametrize(
    ("language", "said", "kind", "expected"), [q for q in QUESTIONS if not turn(q[1]).findings]
)
def test_mid_interview_the_answer_comes_then_the_pending_question(visitor, language, said, kind, expected):
    visitor.say(START[language])
    reply = say(visitor, said, kind)
    w = wording(language)
    assert reply == "\n".join([answer(str(asked(said, NOW)), w), w.question("saddle_numbness")])
    assert visitor.consultation.pending == "saddle_numbness" and "saddle_numbness" not in visitor.consultation.findings


@pytest.mark.parametrize(("language", "said"), [("hi-Latn", "ghutne mein dard hai"), ("hi", "घुटने में दर्द")])
def test_mid_interview_knee_pain_read_as_leg_pain_is_told_not_set_aside(visitor, language, said):
    visitor.say(START[language])
    assert turn(said).findings  # the extractor reads it as pain in the leg: in the interview that errs urgent
    say(visitor, said, Kind.SYMPTOMS)
    assert "leg_symptoms" in visitor.step.red_flags


def test_an_answer_that_names_another_part_is_an_answer(visitor):
    visitor.say(START["hi-Latn"])
    visitor.say("nahi")
    visitor.say("nahi")
    visitor.say("nahi")
    visitor.say("nahi")
    say(visitor, "haan, ghutne tak dard jaata hai", Kind.SYMPTOMS)
    assert "leg_symptoms" in visitor.step.red_flags


@pytest.mark.parametrize(("language", "said", "kind", "expected"), QUESTIONS)
def test_in_the_booking_form_the_answer_comes_then_the_forms_question(visitor, language, said, kind, expected):
    visitor.say({"en": "I want to book", "hi-Latn": "appointment book karna hai", "hi": "अपॉइंटमेंट बुक करना है"}[language], Kind.BOOK)
    visitor.say({"en": "my name is Rahul Verma", "hi-Latn": "mera naam Sunita hai", "hi": "मेरा नाम सुनीता है"}[language])
    reply = say(visitor, said, kind)
    w = wording(language)
    assert reply == "\n".join([answer(str(asked(said, NOW)), w), w.booking_text("ask_phone")])
    assert visitor.consultation.mode is Mode.BOOKING and visitor.consultation.form.pending == "phone"


def test_at_the_time_question_a_closed_day_is_answered_and_a_time_is_a_time(visitor):
    visitor.say("I want to book", Kind.BOOK)
    for said in ("Rahul", "98110 23456", "Noida"):
        visitor.say(said)
    reply = say(visitor, "is the clinic open on Sunday?", Kind.BOOK)
    assert reply.startswith("No, the clinic is closed on Sunday") and visitor.consultation.form.pending == "time"
    say(visitor, "monday when you open", Kind.STATEMENT)
    assert visitor.consultation.form.pending == "consent"


@pytest.mark.parametrize(("language", "said", "kind", "expected"), QUESTIONS)
def test_in_an_emergency_the_emergency_stays_first_and_alone(visitor, language, said, kind, expected):
    visitor.say({"en": "i can't pee since this morning and my back is killing me",
                 "hi-Latn": "kamar mein dard hai aur peshab nahi ho raha",
                 "hi": "मेरी कमर में दर्द है और पेशाब नहीं हो रहा"}[language])
    assert visitor.level == "emergency"
    reply = say(visitor, said, kind)
    assert reply.startswith(wording(language).text("emergency_again")[:20]) or "112" in reply.split("\n")[0]
    assert PHONE not in reply and visitor.consultation.mode is Mode.EMERGENCY
