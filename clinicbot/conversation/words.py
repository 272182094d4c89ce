"""How a reply is read in words: yes, no or unsure; "both"; a correction (data/answers.yml)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from pydantic import BaseModel, StrictStr

from clinicbot.conversation.kinds import Kind
from clinicbot.datafiles import load_yaml

DATA = Path(__file__).parent / "data" / "answers.yml"
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_SEPARATORS = re.compile(r"[\s.,!?;:()\[\]\"/\\\-–—…|*~]+")


class Words(BaseModel, extra="forbid"):
    """answers.yml."""

    source: str
    says_yes: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    says_no: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    says_unsure: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    both: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    one: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    correction: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there


def tokens(text: str) -> List[str]:
    """Lower-case words of ``text`` (apostrophes dropped: "don't" is "dont"; Devanagari kept whole)."""
    return [t for t in _SEPARATORS.split(_APOSTROPHES.sub("", (text or "").lower())) if t]


def _phrases(items: Sequence[str]) -> Tuple[Tuple[str, ...], ...]:
    return tuple(sorted({tuple(tokens(p)) for p in items if tokens(p)}, key=len, reverse=True))


@cache
def _table() -> Tuple[Tuple[Tuple[str, ...], ...], ...]:
    w = Words.parse_obj(load_yaml(DATA))
    return tuple(_phrases(x) for x in (w.says_yes, w.says_no, w.says_unsure, w.both, w.one, w.correction))


def _found(words: List[str], phrases: Tuple[Tuple[str, ...], ...]) -> List[Tuple[int, int]]:
    """(start, end) of each phrase in ``words``, longest first, not overlapping."""
    taken: List[Tuple[int, int]] = []
    for p in phrases:
        n = len(p)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == p and all(i >= e or i + n <= s for s, e in taken):
                taken.append((i, i + n))
    return taken


def yes_no(text: str) -> Optional[Kind]:
    """YES, NO or UNSURE from the words of a reply; None when it says none of them."""
    yes, no, unsure, *_ = _table()
    words = tokens(text)
    hits = {}
    taken: List[Tuple[int, int]] = []
    for kind, phrases in ((Kind.UNSURE, unsure), (Kind.YES, yes), (Kind.NO, no)):
        spans = [s for s in _found(words, phrases) if all(s[0] >= e or s[1] <= b for b, e in taken)]
        taken += spans
        hits[kind] = bool(spans)
    if hits[Kind.YES] and hits[Kind.NO]:
        return Kind.UNSURE  # "yes ... no": contradicts itself, so ask again concretely
    if hits[Kind.YES]:
        return Kind.YES  # "yes, a bit" is a yes
    if hits[Kind.UNSURE]:
        return Kind.UNSURE  # doubt beats a no: "no idea", "not sure, maybe"
    if hits[Kind.NO]:
        return Kind.NO
    return None


def says_both(text: str) -> bool:
    """The reply says "both" (legs)."""
    return bool(_found(tokens(text), _table()[3]))


def says_one(text: str) -> bool:
    """The reply says one leg or one side."""
    return bool(_found(tokens(text), _table()[4]))


def is_correction(text: str) -> bool:
    """The turn corrects something said before ("no wait", "actually")."""
    return bool(_found(tokens(text), _table()[5]))
