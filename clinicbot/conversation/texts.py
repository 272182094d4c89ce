"""The conversation's own words (data/texts.yml), validated on load."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel

from clinicbot.datafiles import load_yaml

DATA = Path(__file__).parent / "data" / "texts.yml"


class Texts(BaseModel, extra="forbid"):
    """texts.yml."""

    source: str
    greet: str
    goodbye: str
    thanks: str
    about_bot: str
    out_of_scope: str
    unclear: str
    cancelled: str
    anything_else: str
    reask: str
    unsure_emergency: str
    unsure_counted: str
    emergency_again: str
    emergency_go: str
    emergency_no_booking: str
    check_on_you: str
    no_thanks: str
    check_on_you_kept: str
    check_on_you_failed: str
    explain_unsure: str
    book_after_questions: str
    outage: str
    reply_with_number: str
    switched: str
    clinic_hours: str
    clinic_day_open: str
    clinic_day_closed: str
    clinic_fees: str
    clinic_other_part: str
    clinic_person: str
    days_range: str


@cache
def texts() -> Texts:
    """The validated texts (cached)."""
    return Texts.parse_obj(load_yaml(DATA))
