"""When a turn is an escalation: a move to a more urgent level that a red flag of that level caused."""

from __future__ import annotations

from typing import Dict, Mapping, Optional, Sequence

from clinicbot.conversation.kinds import Level
from clinicbot.vocabulary import vocabulary

# Most urgent first: the levels a red flag escalates to.
ESCALATION_LEVELS = (Level.EMERGENCY.value, Level.URGENT.value)


def _rank(level: Optional[str]) -> int:
    """0 for emergency, 1 for urgent, 2 for anything else (less urgent or unknown)."""
    return ESCALATION_LEVELS.index(level) if level in ESCALATION_LEVELS else len(ESCALATION_LEVELS)


def flag_levels() -> Dict[str, str]:
    """Each red flag's own level, from the vocabulary."""
    return {fid: f.level for fid, f in vocabulary().findings.items() if f.kind == "red_flag"}


def escalation_level(
    previous: Optional[str],
    level: Optional[str],
    red_flags: Sequence[str],
    levels: Optional[Mapping[str, str]] = None,
) -> Optional[str]:
    """The level to record an escalation at for this turn, or None.

    An escalation is a move to `emergency` or `urgent` (from no level or a less urgent one) that a red
    flag of that level caused. Staying at a level, or going down, is none.
    """
    if level not in ESCALATION_LEVELS or _rank(level) >= _rank(previous):
        return None
    table = flag_levels() if levels is None else levels
    return level if any(table.get(f) == level for f in red_flags) else None
