"""Reading booking answers: phone, name, place, time against the clinic's hours. Table-driven."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from clinicbot import booking

IST = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 25, 14, 0, tzinfo=IST)  # a Wednesday afternoon


@pytest.mark.parametrize(
    "text,e164",
    [
        ("98765 43210", "+919876543210"),
        ("+91 98765-43210", "+919876543210"),
        ("09876543210", "+919876543210"),
        ("my number is 9876543210", "+919876543210"),
        ("12345", None),
        ("call me", None),
    ],
)
def test_phone(text, e164):
    assert booking.parse_phone(text) == e164


@pytest.mark.parametrize(
    "text,name",
    [
        ("ravi kumar", "Ravi Kumar"),
        ("my name is Anita", "Anita"),
        ("9876", None),
        ("<b>x</b>", None),
        ("", None),
        ("ravi@example.com", None),
        ("yes please", None),
        ("Yes", None),
        ("haan ji", None),
        ("Nahi", None),
        ("Yash", "Yash"),
    ],
)
def test_name(text, name):
    assert booking.parse_name(text) == name


@pytest.mark.parametrize(
    "text,loc",
    [
        ("Noida", "noida"),
        ("sector 47", "noida"),
        ("Greater Noida", "greater_noida"),
        ("KDSG", "greater_noida"),
        ("greter noida", "greater_noida"),
        ("noda", "noida"),
        ("delhi", None),
    ],
)
def test_location(text, loc):
    assert booking.match_location(text) == loc


@pytest.mark.parametrize(
    "text,when,problem",
    [
        ("next Tuesday at 11am", dt.datetime(2026, 12, 1, 11, 0, tzinfo=IST), None),
        ("tomorrow morning", dt.datetime(2026, 11, 26, 10, 30, tzinfo=IST), None),
        ("tmrw 3pm", dt.datetime(2026, 11, 26, 15, 0, tzinfo=IST), None),
        ("28th nov 11:30", dt.datetime(2026, 11, 28, 11, 30, tzinfo=IST), None),
        ("sunday 11am", None, "closed_day"),
        ("tomorrow 9pm", None, "closed_hour"),
        ("yesterday", None, "past"),
        ("whenever", None, "unparsed"),
        ("tomorrow", dt.datetime(2026, 11, 26, 10, 0, tzinfo=IST), None),
        ("tomorrow 4:30", dt.datetime(2026, 11, 26, 16, 30, tzinfo=IST), None),
    ],
)
def test_time(text, when, problem):
    answer = booking.parse_time(text, NOW)
    assert answer.problem == problem
    if when:
        assert answer.when == when


def test_earliest_slot_is_in_opening_hours():
    slot = booking.earliest_slot(dt.datetime(2026, 11, 28, 17, 50, tzinfo=IST))  # Saturday evening
    assert slot == dt.datetime(2026, 11, 30, 10, 0, tzinfo=IST)  # Monday 10:00
    assert booking.say_time(slot) == "Monday 30 November at 10:00"


HINDI_NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)  # Tuesday 14:30 in Noida


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("kal subah 10 baje", "2026-12-02 10:00"),
        ("parso shaam 5 baje", "2026-12-03 17:00"),
        ("somvaar ko", "2026-12-07 10:00"),
        ("agle shukravaar 4 baje", "2026-12-04 16:00"),
        ("अगले मंगलवार 11 बजे", "2026-12-08 11:00"),
        ("कल सुबह", "2026-12-02 10:30"),
        ("१० बजे कल", "2026-12-02 10:00"),
        ("monday", "2026-12-07 10:00"),  # a bare day is the opening time, not midnight
    ],
)
def test_days_and_times_in_hinglish_and_hindi(said, expected):
    answer = booking.parse_time(said, HINDI_NOW)
    assert answer.problem is None and answer.when.strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    ("said", "place"), [("Greater Noida wala", "greater_noida"), ("सेक्टर 47", "noida"), ("ग्रेटर नोएडा", "greater_noida")]
)
def test_places_in_hinglish_and_hindi(said, place):
    assert booking.match_location(said) == place


@pytest.mark.parametrize(
    ("said", "name"), [("mera naam Ravi hai", "Ravi"), ("मेरा नाम रवि कुमार है", "रवि कुमार"), ("main Sunita hoon", "Sunita")]
)
def test_names_in_hinglish_and_hindi_are_kept_as_written(said, name):
    assert booking.parse_name(said) == name


def test_a_phone_number_in_devanagari_digits():
    assert booking.parse_phone("९८७६५ ४३२१०") == "+919876543210"


@pytest.mark.parametrize(
    ("said", "when", "problem"),
    [
        # "after N" is N o'clock, and a bare hour in the afternoon's opening hours is the afternoon
        ("thursday after 5", dt.datetime(2026, 11, 26, 17, 0, tzinfo=IST), None),
        ("after 5", dt.datetime(2026, 11, 25, 17, 0, tzinfo=IST), None),
        ("friday at 3", dt.datetime(2026, 11, 27, 15, 0, tzinfo=IST), None),
        ("tomorrow after 4:30", dt.datetime(2026, 11, 26, 16, 30, tzinfo=IST), None),
        ("5 baje ke baad", dt.datetime(2026, 11, 25, 17, 0, tzinfo=IST), None),
        ("guruvaar 5 baje ke baad", dt.datetime(2026, 11, 26, 17, 0, tzinfo=IST), None),
        ("kal 5 ke baad", dt.datetime(2026, 11, 26, 17, 0, tzinfo=IST), None),
        ("शाम 5 बजे के बाद", dt.datetime(2026, 11, 25, 17, 0, tzinfo=IST), None),
        ("गुरुवार शाम 5 बजे के बाद", dt.datetime(2026, 11, 26, 17, 0, tzinfo=IST), None),
        # the morning said is the morning; an hour outside the hours either way stays as said
        ("subah 5 baje", None, "closed_hour"),
        ("tomorrow at 9", None, "closed_hour"),
        # other words around the day and time
        ("actually make it 11am thursday", dt.datetime(2026, 11, 26, 11, 0, tzinfo=IST), None),
        ("sector 47", None, "unparsed"),
    ],
)
def test_times_in_context(said, when, problem):
    answer = booking.parse_time(booking.without_places(said), NOW)
    assert answer.problem == problem
    if when:
        assert answer.when == when


CHANGING = dt.datetime(2026, 11, 27, 16, 0, tzinfo=IST)  # Friday 16:00, being changed


@pytest.mark.parametrize(
    ("said", "when"),
    [
        ("make it 11am", dt.datetime(2026, 11, 27, 11, 0, tzinfo=IST)),  # an hour alone keeps its day
        ("time change karke 11 baje kar do", dt.datetime(2026, 11, 27, 11, 0, tzinfo=IST)),
        ("thursday instead", dt.datetime(2026, 11, 26, 16, 0, tzinfo=IST)),  # a day alone keeps its hour
        ("गुरुवार कर दो", dt.datetime(2026, 11, 26, 16, 0, tzinfo=IST)),
    ],
)
def test_a_changed_time_keeps_what_is_not_changed(said, when):
    answer = booking.parse_time(said, NOW, keep=CHANGING)
    assert answer.problem is None and answer.when == when


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("my name is Rahul Verma", "Rahul Verma"),
        ("Hi, my name is Rahul Verma", "Rahul Verma"),
        ("I'm Priya", "Priya"),
        ("I\u2019m Priya", "Priya"),
        ("this is Anil", "Anil"),
        ("Rahul Verma here", "Rahul Verma"),
        ("Imran Khan", "Imran Khan"),
        ("mera naam Sunita hai", "Sunita"),
        ("ji, mera naam Sunita hai", "Sunita"),
        ("main Sunita hoon", "Sunita"),
        ("मेरा नाम सुनीता है", "सुनीता"),
        ("मैं सुनीता हूँ", "सुनीता"),
        ("what are your fees?", None),
    ],
)
def test_names_are_the_name_only(said, name):
    assert booking.parse_name(said) == name


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("my name is Rahul Verma", "Rahul Verma"),
        ("mera naam Sunita hai", "Sunita"),
        ("मेरा नाम सुनीता है", "सुनीता"),
        ("I'm fine with it", None),  # not asked for a name, only a name said as one counts
        ("Rahul Verma", None),
        ("yes", None),
    ],
)
def test_a_name_said_where_it_was_not_asked(said, name):
    assert booking.parse_name(said, asked=False) == name


@pytest.mark.parametrize(
    ("e164", "dialled"),
    [
        ("+919876543210", "098765 43210"),  # a mobile in India: the trunk 0, never a "+"
        ("+911204567890", "0120 456 7890"),  # a landline with its area code
        ("+442079460958", "00 44 20 7946 0958"),  # abroad: India's international prefix
        ("not a number", "not a number"),
    ],
)
def test_dial_phone(e164, dialled):
    assert booking.dial_phone(e164) == dialled
