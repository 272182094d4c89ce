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
