"""One visitor turn as the core reads it: what kind of message, the findings and values in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from clinicbot.conversation.kinds import Kind
from clinicbot.triage.engine import Observation
from clinicbot.vocabulary import vocabulary


@dataclass(frozen=True)
class Turn:
    """A message: its words, its kind, the findings and values read from it, and any cut length."""

    text: str = ""
    kind: Kind = Kind.STATEMENT
    faq: str = ""  # the FAQ answered, when kind is FAQ; the question about the clinic, when kind is CLINIC
    findings: Dict[str, Observation] = field(default_factory=dict)
    values: Dict[str, Any] = field(default_factory=dict)
    cut: int = 0  # characters cut off a long message
    suspected: List[str] = field(default_factory=list)  # red flags the second opinion suspects


def clean_value(kind: str, raw: Any) -> Any:
    """A value of the right type (ints for age and days, a known id otherwise), or None."""
    allowed = vocabulary().values.get(kind)
    if allowed == "int":
        try:
            number = int(raw)
        except (TypeError, ValueError):
            return None
        return number if 0 <= number <= 36500 else None
    return raw if isinstance(allowed, list) and raw in allowed else None


def add_finding(found: Dict[str, Observation], fid: str, status: str, span: str) -> None:
    """Adds a finding read from one message; within one message, present wins."""
    if fid not in vocabulary().findings or status not in vocabulary().statuses:
        return
    current: Optional[Observation] = found.get(fid)
    if current is None or current.status != "present":
        found[fid] = Observation(status, span)
