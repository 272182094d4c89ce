"""A visitor for the conversation core: messages read by the real extractor, turns applied in order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import List, Optional

import pytest

from clinicbot.assessment import observations
from clinicbot.conversation import BookingRequest, Consultation, Kind, Outcome, Saved, Step, Turn
from clinicbot.conversation.turn import clean_value
from clinicbot.nlp.extractor import default_extractor


@dataclass
class FakeRecorder:
    """Keeps what the consultation records, in memory."""

    escalations: List[tuple] = field(default_factory=list)
    bookings: List[tuple] = field(default_factory=list)
    appended: List[List[str]] = field(default_factory=list)
    contacts: List[str] = field(default_factory=list)
    fail: bool = False

    def escalation(self, level: str, outcome: Outcome, consented: bool) -> None:
        if self.fail:
            raise RuntimeError("store down")
        self.escalations.append((level, list(outcome.red_flags), consented))

    def booking(self, request: BookingRequest, outcome: Outcome) -> Saved:
        if self.fail:
            raise RuntimeError("store down")
        self.bookings.append((request, outcome))
        return Saved(len(self.bookings) == 1, self.bookings[0][0].preferred_time, f"R-{len(self.bookings):05d}")

    def append(self, said: List[str]) -> None:
        if self.fail:
            raise RuntimeError("store down")
        self.appended.append(list(said))

    def contact(self, phone: str) -> None:
        if self.fail:
            raise RuntimeError("store down")
        self.contacts.append(phone)


def turn(text: str, kind: Kind = Kind.SYMPTOMS, faq: str = "", suspected: Optional[List[str]] = None) -> Turn:
    """A message as the Rasa adapter would give it (the intent's kind given by the test)."""
    e = default_extractor().extract(text)
    values = {k: clean_value(k, v) for k, v in e.values.items() if clean_value(k, v) is not None}
    return Turn(text, kind, faq, observations(e), values, 0, list(suspected or []))


class Visitor:
    """Talks to one consultation; `say` returns the bot's words of that turn joined."""

    def __init__(self) -> None:
        self.consultation = Consultation()
        self.recorder = FakeRecorder()
        self.step = Step()

    def say(self, text: str, kind: Kind = Kind.SYMPTOMS, **kw: object) -> str:
        now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
        # a round trip through the slot's JSON each turn, as in production
        self.consultation = Consultation.from_dict(self.consultation.to_dict())
        self.step = self.consultation.apply(turn(text, kind, **kw), self.recorder, now)  # type: ignore[arg-type]
        return "\n".join(s.text + (f"\n{s.footnote}" if s.footnote else "") for s in self.step.says)

    @property
    def level(self) -> Optional[str]:
        return self.step.level


@pytest.fixture
def visitor() -> Visitor:
    return Visitor()
