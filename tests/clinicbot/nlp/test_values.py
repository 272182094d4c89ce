"""Values read from text: age, duration, side, exercise. Table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicbot.nlp.values import ValueReader

READER = ValueReader()
MONDAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "text,key,value",
    [
        ("I'm 17 and my back hurts", "age", 17),
        ("56 y/o, sore back", "age", 56),
        ("24M deadlifts", "age", 24),
        ("19 year old gymnast", "age", 19),
        ("I am 62", "age", 62),
        ("lifting 80 kg", "age", None),
        ("since yesterday", "duration_days", 1),
        ("for 3 weeks now", "duration_days", 21),
        ("still aching 3 weeks after a heavy session", "duration_days", 21),
        ("week and a half since i strained it", "duration_days", 10),
        ("for 2.5 weeks", "duration_days", 17),
        ("my son is 15, hurt his back", "age", 15),
        ("for a month", "duration_days", 30),
        ("2 days ago", "duration_days", 2),
        ("been training for 3 years, hurts since yesterday", "duration_days", 1),
        ("only on the left side", "pain_side", "left"),
        ("both sides of my lower back", "pain_side", "both"),
        ("after heavy deadlifts", "trigger_exercise", "deadlift"),
        ("doing good mornings", "trigger_exercise", "good_morning"),
        ("good morning doctor", "trigger_exercise", None),
        ("split squats", "trigger_exercise", "lunge"),
        ("on the rowing machine", "trigger_exercise", "row"),
    ],
)
def test_values(text, key, value):
    assert READER.read(text, today=MONDAY).get(key) == value


def test_weekday_counts_back_from_today():
    assert READER.duration_days("since deadlifting on saturday", today=MONDAY) == 2
