"""What the conversation hands to the clinic's records: the port, and the plain data it passes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Protocol, Sequence


@dataclass(frozen=True)
class Outcome:
    """A triage outcome as the visitor was told it: level, causes, the lines shown, the rules used."""

    level: Optional[str]
    red_flags: List[str]
    likely_causes: List[str]
    explanation: List[str]
    rules_version: str
    findings: List[Dict[str, str]] = field(default_factory=list)
    values: Dict[str, Any] = field(default_factory=dict)
    # How the interview went: flags the second opinion made it ask about, direct answers, doubts.
    interview: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready form (what the store keeps)."""
        return {
            "level": self.level,
            "red_flags": list(self.red_flags),
            "likely_causes": list(self.likely_causes),
            "explanation": list(self.explanation),
            "rules_version": self.rules_version,
            "findings": [dict(f) for f in self.findings],
            "values": dict(self.values),
            "interview": dict(self.interview),
        }

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> Outcome:
        """The inverse of `to_dict`."""
        return cls(
            level=data.get("level"),
            red_flags=list(data.get("red_flags") or []),
            likely_causes=list(data.get("likely_causes") or []),
            explanation=list(data.get("explanation") or []),
            rules_version=str(data.get("rules_version") or ""),
            findings=[dict(f) for f in data.get("findings") or []],
            values=dict(data.get("values") or {}),
            interview=dict(data.get("interview") or {}),
        )


@dataclass(frozen=True)
class BookingRequest:
    """A confirmed booking request."""

    name: str
    phone: str
    location: str
    preferred_time: dt.datetime
    consent_at: dt.datetime


@dataclass(frozen=True)
class Saved:
    """What storing a booking did: whether this call created it, and the stored preferred time."""

    created: bool
    preferred_time: dt.datetime
    reference: str = ""  # the booking's short reference ("R-00042")


class Recorder(Protocol):
    """Where the conversation's records go (the clinic store in production, a list in tests)."""

    def escalation(self, level: str, outcome: Outcome, consented: bool) -> None:
        """Record a red-flag escalation to ``level`` (once per conversation and level)."""

    def booking(self, request: BookingRequest, outcome: Outcome) -> Saved:
        """Store a confirmed booking with its outcome and the transcript (once per conversation)."""

    def append(self, said: Sequence[str]) -> None:
        """Add the conversation's new messages, and this turn's replies (`said`), to its stored record."""

    def contact(self, phone: str) -> None:
        """Keep a number the visitor left, after an emergency, for the clinic to call back on."""
