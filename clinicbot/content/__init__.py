"""What the assistant says: the clinic's advice and details, loaded from data and validated."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Dict, List

from pydantic import BaseModel, root_validator, validator

from clinicbot.datafiles import load_yaml
from clinicbot.vocabulary import vocabulary

HERE = Path(__file__).parent


class ExplainTexts(BaseModel, extra="forbid"):
    """Sentence templates of the explanation."""

    level: str
    red_flag: str
    red_flag_no_words: str
    cause_first: str
    cause_other: str
    because: str
    against: str
    duration: str
    not_improving: str
    assumed_first_episode: str


class Advice(BaseModel, extra="forbid"):
    """advice.yml."""

    source: str
    levels: Dict[str, str]
    causes: Dict[str, str]
    faq: Dict[str, str]
    hypothetical: str
    offer_booking: Dict[str, str]
    truncated: str
    stopped: str
    disclaimer: str
    explain: ExplainTexts

    @root_validator(skip_on_failure=True)
    def _complete(cls, values: dict) -> dict:
        vocab = vocabulary()
        if set(values["levels"]) != set(vocab.levels):
            raise ValueError("advice.yml: levels must cover every level id exactly")
        if set(values["causes"]) != set(vocab.causes):
            raise ValueError("advice.yml: causes must cover every cause id exactly")
        return values


class EmergencyNumber(BaseModel, extra="forbid"):
    """A number to call."""

    number: str
    label: str


class Location(BaseModel, extra="forbid"):
    """A place where the clinic sees patients."""

    id: str
    name: str
    aliases: List[str]


class Hours(BaseModel, extra="forbid"):
    """Opening hours."""

    timezone: str
    days: List[str]
    open: str
    close: str
    slot_minutes: int


class BookingSettings(BaseModel, extra="forbid"):
    """How booking answers are read."""

    phone_region: str
    max_tries: int
    not_names: List[str] = []
    parts_of_day: Dict[str, str]
    shorthand: Dict[str, str]
    shorthand_hi: Dict[str, str] = {}
    clock_words: List[str] = []
    after_words: List[str] = []  # before an hour: "after 5" is 5 o'clock
    after_words_hi: List[str] = []  # after an hour: "5 baje ke baad", "5 बजे के बाद"
    name_leads: List[str] = []  # how people say their name: "my name is", "mera naam"
    self_leads: List[str] = []  # how people introduce themselves when asked their name: "I'm", "this is"
    not_name_words: List[str] = []  # words that are never part of a name: "change", "badalna"
    name_tails: List[str] = []  # what follows a name and is not part of it: "hai", "here"
    change_words: Dict[str, List[str]] = {}  # at the summary: the words that name an answer to change
    retention_days: int
    texts: Dict[str, str]

    @validator("change_words")
    def _form_fields(cls, table: Dict[str, List[str]]) -> Dict[str, List[str]]:
        unknown = set(table) - {"name", "phone", "location", "time"}
        if unknown:
            raise ValueError(f"clinic.yml booking.change_words: unknown answers {sorted(unknown)}")
        return table


class Clinic(BaseModel, extra="forbid"):
    """clinic.yml."""

    source: str
    name: str
    doctor: str
    phone: str
    phone_note: str = ""
    emergency_numbers: List[EmergencyNumber]
    locations: List[Location]
    hours: Hours
    booking: BookingSettings
    max_message_chars: int

    def location_name(self, loc_id: str) -> str:
        """The display name of a location id."""
        return next((loc.name for loc in self.locations if loc.id == loc_id), loc_id)


@cache
def advice() -> Advice:
    """The validated advice texts."""
    return Advice.parse_obj(load_yaml(HERE / "advice.yml"))


@cache
def clinic() -> Clinic:
    """The validated clinic details."""
    return Clinic.parse_obj(load_yaml(HERE.parent / "data" / "clinic.yml"))
