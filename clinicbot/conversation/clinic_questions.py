"""Questions about the clinic, answered from its data with its number (data/clinic_questions.yml).

Opening hours ("is the clinic open on Sunday?"), fees, another body part ("my knee hurts") and a real
person: which topic a message asks about, and the answer in the visitor's language from
data/clinic.yml's hours and phone. They never start a booking.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from pydantic import BaseModel, StrictStr, root_validator

from clinicbot import booking
from clinicbot.content import clinic
from clinicbot.conversation.wording import Wording
from clinicbot.conversation.words import tokens
from clinicbot.datafiles import load_yaml

DATA = Path(__file__).parent / "data" / "clinic_questions.yml"
HOURS, FEES, OTHER_PART, PERSON = "hours", "fees", "other_part", "person"
TOPICS = (HOURS, FEES, OTHER_PART, PERSON)  # each answered by the text clinic_<topic> (texts.yml)
_DAY = ":"  # "hours:6": the opening hours asked about a day (0 = Monday)


class Topic(BaseModel, extra="forbid"):
    """A topic: said when a phrase of each `all` class is, and none of a `none` class."""

    all: List[str]
    none: List[str] = []


class ClinicQuestions(BaseModel, extra="forbid"):
    """clinic_questions.yml."""

    source: str
    classes: Dict[str, List[StrictStr]]
    topics: Dict[str, Topic]

    @root_validator(skip_on_failure=True)
    def _known(cls, values: dict) -> dict:
        if set(values["topics"]) != set(TOPICS):
            raise ValueError(f"clinic_questions.yml: topics must be exactly {sorted(TOPICS)}")
        for name, topic in values["topics"].items():
            unknown = set(topic.all + topic.none) - set(values["classes"])
            if unknown or not topic.all:
                raise ValueError(f"clinic_questions.yml: topic {name} needs known classes, not {sorted(unknown)}")
        return values


@cache
def _table() -> Tuple[ClinicQuestions, Dict[str, Tuple[str, ...]]]:
    q = ClinicQuestions.parse_obj(load_yaml(DATA))
    phrases = {name: tuple(" ".join(tokens(p)) for p in items if tokens(p)) for name, items in q.classes.items()}
    return q, phrases


def _says(said: str, phrases: Tuple[str, ...]) -> bool:
    return any(f" {p} " in said for p in phrases)


def topic(text: str) -> Optional[str]:
    """The topic a message asks about (HOURS, FEES, OTHER_PART or PERSON), or None."""
    q, phrases = _table()
    said = f" {' '.join(tokens(text))} "
    for name, t in q.topics.items():
        if all(_says(said, phrases[c]) for c in t.all) and not any(_says(said, phrases[c]) for c in t.none):
            return name
    return None


def asked(text: str, now: Optional[dt.datetime] = None) -> Optional[str]:
    """The question as the turn keeps it: the topic, and for the hours the day asked about ("hours:6")."""
    name = topic(text)
    if name == HOURS:
        day = booking.weekday_said(text, now)
        return f"{HOURS}{_DAY}{day}" if day is not None else HOURS
    return name


def answer(question: str, w: Wording) -> str:
    """The answer in the visitor's language, from the clinic's hours and phone number."""
    name, _, day = question.partition(_DAY)
    if name not in TOPICS:
        return ""
    c = clinic()
    open_days = [booking.WEEKDAYS.index(d) for d in c.hours.days]
    first, last = min(open_days), max(open_days)
    if open_days == list(range(first, last + 1)):
        days = w.text("days_range", first=w.weekdays[first], last=w.weekdays[last])
    else:
        days = ", ".join(w.weekdays[d] for d in open_days)
    hours = {"days": days, "open": c.hours.open, "close": c.hours.close, "phone": c.phone}
    if name == HOURS and day.isdigit():
        key = "clinic_day_open" if int(day) in open_days else "clinic_day_closed"
        return w.text(key, day=w.weekdays[int(day)], **hours)
    return w.text(f"clinic_{name}", **hours)
