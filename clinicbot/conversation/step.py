"""What one turn gives back: the messages to say and the state the channels show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from clinicbot.conversation.kinds import Kind


@dataclass(frozen=True)
class Button:
    """A quick reply: it answers with a kind (yes / no) or with its own words."""

    title: str
    kind: Optional[Kind] = None
    reply: str = ""


@dataclass(frozen=True)
class Say:
    """One message to the visitor.

    `card` names how a channel should set it apart ("emergency": the emergency card, numbers first, with
    call buttons); `expects` what it asks for ("name", "phone", "time", "place"), so an input can follow;
    `footnote` is said after the text where the channel does not show it anyway (the disclaimer, which
    the website widget keeps pinned).
    """

    text: str
    buttons: List[Button] = field(default_factory=list)
    card: str = ""
    expects: str = ""
    footnote: str = ""


@dataclass
class Step:
    """The result of one turn."""

    says: List[Say] = field(default_factory=list)
    level: Optional[str] = None
    red_flags: List[str] = field(default_factory=list)
    likely_causes: List[str] = field(default_factory=list)
    escalation: Optional[str] = None  # the level an escalation was recorded at this turn
