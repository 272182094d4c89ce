"""The booking form in the core, question by question (table-driven)."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicbot.conversation.booking_form import (
    ABORTED,
    CANCELLED,
    CONFIRM,
    CONSENT,
    DECLINED,
    LOCATION,
    NAME,
    PHONE,
    TIME,
    BookingForm,
)
from clinicbot.conversation.kinds import Kind
from clinicbot.conversation.wording import wording

W = wording("en")

NOW = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.timezone.utc)  # a Tuesday morning in India


def filled(**answers):
    form = BookingForm()
    form.answers.update(answers)
    return form


@pytest.mark.parametrize(
    ("answers", "kind", "said", "pending", "value"),
    [
        ({}, Kind.STATEMENT, "my name is ravi kumar", PHONE, ("name", "Ravi Kumar")),
        ({}, Kind.YES, "yes", NAME, None),  # a yes is not a name
        ({NAME: "Ravi"}, Kind.STATEMENT, "98765 43210", LOCATION, ("phone", "+919876543210")),
        ({NAME: "Ravi"}, Kind.STATEMENT, "12345", PHONE, None),
        ({NAME: "R", PHONE: "+919876543210"}, Kind.STATEMENT, "greater noida", TIME, ("location", "greater_noida")),
        ({NAME: "R", PHONE: "+919876543210", LOCATION: "noida"}, Kind.STATEMENT, "friday at 11am", CONSENT, None),
        ({NAME: "R", PHONE: "+919876543210", LOCATION: "noida"}, Kind.STATEMENT, "sunday at 11am", TIME, None),
    ],
)
def test_each_answer(answers, kind, said, pending, value):
    form = filled(**answers)
    form.answer(kind, said, urgent=False, w=W, now=NOW)
    assert form.pending == pending
    if value:
        assert form.answers[value[0]] == value[1]


FULL = {NAME: "Ravi", PHONE: "+919876543210", LOCATION: "noida", TIME: "2026-12-04T11:00:00+05:30"}


@pytest.mark.parametrize(
    ("answers", "kind", "said", "ended", "pending"),
    [
        (FULL, Kind.NO, "no", DECLINED, None),
        (FULL, Kind.CANCEL, "cancel", CANCELLED, None),
        ({**FULL, CONSENT: NOW.isoformat()}, Kind.YES, "yes", None, None),
        ({**FULL, CONSENT: NOW.isoformat()}, Kind.STATEMENT, "change the place", None, LOCATION),
        ({**FULL, CONSENT: NOW.isoformat()}, Kind.STATEMENT, "my number is 91234 56789", None, CONFIRM),
    ],
)
def test_consent_and_confirmation(answers, kind, said, ended, pending):
    form = filled(**answers)
    form.answer(kind, said, urgent=False, w=W, now=NOW)
    assert (form.ended, form.pending) == (ended, pending)


def test_three_bad_answers_end_the_form_with_the_phone_number():
    form = filled(**{NAME: "Ravi"})
    says = [form.answer(Kind.STATEMENT, "abc", urgent=False, w=W, now=NOW) for _ in range(3)]
    assert form.ended == ABORTED and "call the clinic" in says[-1][0].text


def test_an_urgent_visitor_may_take_the_earliest_slot():
    form = filled(**{NAME: "R", PHONE: "+919876543210", LOCATION: "noida"})
    assert "earliest slot" in form.ask(urgent=True, w=W).text
    form.answer(Kind.YES, "yes", urgent=True, w=W, now=NOW)
    assert form.pending == CONSENT and form.answers[TIME]


@pytest.mark.parametrize(
    ("answers", "urgent", "expects", "buttons"),
    [
        ({}, False, "name", []),
        ({NAME: "Ravi"}, False, "phone", []),
        ({NAME: "Ravi", PHONE: "+919876543210"}, False, "place", None),  # one button per clinic location
        ({NAME: "Ravi", PHONE: "+919876543210", LOCATION: "noida"}, False, "time", []),
        ({NAME: "Ravi", PHONE: "+919876543210", LOCATION: "noida"}, True, "time", [Kind.YES]),  # take the earliest
        ({NAME: "Ravi", PHONE: "+919876543210", LOCATION: "noida", TIME: NOW.isoformat()}, False, "", [Kind.YES, Kind.NO]),
    ],
)
def test_each_question_says_what_it_expects_and_closed_ones_have_buttons(answers, urgent, expects, buttons):
    say = filled(**answers).ask(urgent, W)
    assert say.expects == expects
    if buttons is None:
        assert len(say.buttons) >= 2 and all(b.kind is None and b.reply for b in say.buttons)
    else:
        assert [b.kind for b in say.buttons] == buttons


def test_the_summary_reads_the_phone_back_as_people_write_it():
    answers = {NAME: "Ravi", PHONE: "+919876543210", LOCATION: "noida", TIME: NOW.isoformat(), CONSENT: NOW.isoformat()}
    say = filled(**answers).ask(False, W)
    assert "+91 98765 43210" in say.text and "+919876543210" not in say.text


# At the summary (Friday 4 December at 16:00): an edit changes the request and the summary comes again.
SUMMARY = {NAME: "Ravi", PHONE: "+919876543210", LOCATION: "noida", TIME: "2026-12-04T16:00:00+05:30", CONSENT: NOW.isoformat()}


@pytest.mark.parametrize(
    ("kind", "said", "field", "value"),
    [
        (Kind.STATEMENT, "actually make it 11am thursday", TIME, "2026-12-03T11:00:00+05:30"),
        (Kind.STATEMENT, "thursday after 5 instead", TIME, "2026-12-03T17:00:00+05:30"),
        (Kind.STATEMENT, "make it 11am", TIME, "2026-12-04T11:00:00+05:30"),  # the day stays
        (Kind.OUT_OF_SCOPE, "time change karke 11 baje kar do", TIME, "2026-12-04T11:00:00+05:30"),
        (Kind.UNCLEAR, "guruvaar shaam 5 baje kar do", TIME, "2026-12-03T17:00:00+05:30"),
        (Kind.UNCLEAR, "समय गुरुवार 11 बजे कर दो", TIME, "2026-12-03T11:00:00+05:30"),
        (Kind.OUT_OF_SCOPE, "my name is Rahul Verma", NAME, "Rahul Verma"),
        (Kind.UNCLEAR, "mera naam Sunita hai", NAME, "Sunita"),
        (Kind.UNCLEAR, "मेरा नाम सुनीता है", NAME, "सुनीता"),
        (Kind.STATEMENT, "actually my number is 91234 56789", PHONE, "+919123456789"),
        (Kind.UNCLEAR, "naya number 91234 56789 hai", PHONE, "+919123456789"),
        (Kind.STATEMENT, "greater noida please", LOCATION, "greater_noida"),
    ],
)
def test_an_edit_at_the_summary_changes_the_request_and_shows_it_again(kind, said, field, value):
    form = filled(**SUMMARY)
    says = form.answer(kind, said, urgent=False, w=W, now=NOW)
    assert says == [] and form.pending == CONFIRM and form.answers[field] == value
    assert all(form.answers[f] == SUMMARY[f] for f in SUMMARY if f != field)
    summary = form.ask(urgent=False, w=W)
    assert "Please check your request" in summary.text and [b.kind for b in summary.buttons] == [Kind.YES, Kind.NO]


@pytest.mark.parametrize(("language", "yes"), [("en", "yes"), ("hi-Latn", "haan"), ("hi", "हाँ")])
def test_a_plain_yes_at_the_summary_sends_it(language, yes):
    form = filled(**SUMMARY)
    assert form.answer(Kind.YES, yes, urgent=False, w=wording(language), now=NOW) == []
    assert form.answers[CONFIRM] == "yes" and form.pending is None and form.answers[TIME] == SUMMARY[TIME]


@pytest.mark.parametrize(("language", "no"), [("en", "no"), ("hi-Latn", "nahi"), ("hi", "नहीं")])
def test_a_no_at_the_summary_asks_what_to_change(language, no):
    form = filled(**SUMMARY)
    says = form.answer(Kind.NO, no, urgent=False, w=wording(language), now=NOW)
    assert [s.text for s in says] == [wording(language).booking_text("what_change")]
    assert form.pending == CONFIRM and form.answers == SUMMARY


@pytest.mark.parametrize(
    ("said", "pending"),
    [("I'm fine with it", CONFIRM), ("jagah badalni hai", LOCATION), ("नाम बदलना है", NAME), ("change the day", TIME)],
)
def test_words_at_the_summary_without_a_value_ask_again(said, pending):
    form = filled(**SUMMARY)
    form.answer(Kind.STATEMENT, said, urgent=False, w=W, now=NOW)
    assert form.pending == pending and form.answers.get(NAME) in ("Ravi", None)


def test_a_new_time_the_clinic_cannot_take_says_why_and_asks_the_time():
    form = filled(**SUMMARY)
    says = form.answer(Kind.STATEMENT, "make it sunday 11am", urgent=False, w=W, now=NOW)
    assert says[0].text == W.booking_text("bad_time_closed_day") and form.pending == TIME
