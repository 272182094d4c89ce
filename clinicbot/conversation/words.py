"""How a reply is read in words: yes, no or unsure; "both"; a correction (data/answers.yml).

A reply that starts with its answer and goes on ("no, it stays in the lower back", "haan but only on
the left") is a qualified answer: the start is the answer, the rest is read for findings and only its
doubt counts towards the answer (`read`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from pydantic import BaseModel, StrictStr

from clinicbot.conversation.kinds import Kind
from clinicbot.datafiles import load_yaml

DATA = Path(__file__).parent / "data" / "answers.yml"
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_SEPARATORS = re.compile(r"[\s.,!?;:()\[\]\"/\\\-–—…|*~।]+")
_WORD = re.compile(r"[^\s.,!?;:()\[\]\"/\\\-–—…|*~।]+")
_BREAK = re.compile(r"[.,!?;:()\[\]\"/\\\-–—…|।]")  # punctuation that ends an answer's start


class Words(BaseModel, extra="forbid"):
    """answers.yml."""

    source: str
    says_yes: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    says_no: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    says_unsure: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    both: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    one: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    correction: List[StrictStr]  # quoted in YAML: a bare no or yes is a boolean there
    then: List[StrictStr]  # words that open what a visitor adds after a plain answer


def tokens(text: str) -> List[str]:
    """Lower-case words of ``text`` (apostrophes dropped: "don't" is "dont"; Devanagari kept whole)."""
    return [t for t in _SEPARATORS.split(_APOSTROPHES.sub("", (text or "").lower())) if t]


def _split(text: str) -> Tuple[List[str], List[bool]]:
    """The words of ``text`` (as `tokens`) and, for each, whether punctuation follows it."""
    clean = _APOSTROPHES.sub("", (text or "").lower())
    found = list(_WORD.finditer(clean))
    ends = [m.start() for m in found[1:]] + [len(clean)]
    return [m.group() for m in found], [bool(_BREAK.search(clean[m.end() : e])) for m, e in zip(found, ends)]


def _phrases(items: Sequence[str]) -> Tuple[Tuple[str, ...], ...]:
    return tuple(sorted({tuple(tokens(p)) for p in items if tokens(p)}, key=len, reverse=True))


@cache
def _table() -> Tuple[Tuple[Tuple[str, ...], ...], ...]:
    w = Words.parse_obj(load_yaml(DATA))
    return tuple(_phrases(x) for x in (w.says_yes, w.says_no, w.says_unsure, w.both, w.one, w.correction, w.then))


def _found(words: List[str], phrases: Tuple[Tuple[str, ...], ...]) -> List[Tuple[int, int]]:
    """(start, end) of each phrase in ``words``, longest first, not overlapping."""
    taken: List[Tuple[int, int]] = []
    for p in phrases:
        n = len(p)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == p and all(i >= e or i + n <= s for s, e in taken):
                taken.append((i, i + n))
    return taken


@dataclass(frozen=True)
class Reading:
    """A reply read as an answer: its kind, whether it starts with one, and whether more follows."""

    kind: Optional[Kind]  # YES, NO, UNSURE, or None when it says none of them
    leads: bool = False  # it starts with a yes, no or unsure
    qualified: bool = False  # ... and goes on with more words: "no, it stays in the lower back"


def _answer_spans(words: List[str]) -> List[Tuple[int, int, Optional[Kind]]]:
    """(start, end, kind) of each answer phrase, doubt first; a side in two words or more is no answer."""
    yes, no, unsure, _, one, *_ = _table()
    sides = tuple(p for p in one if len(p) > 1)
    taken: List[Tuple[int, int, Optional[Kind]]] = []
    for kind, phrases in ((Kind.UNSURE, unsure), (None, sides), (Kind.YES, yes), (Kind.NO, no)):
        taken += [
            (s, e, kind) for s, e in _found(words, phrases) if all(s >= te or e <= ts for ts, te, _ in taken)
        ]
    return sorted(taken, key=lambda span: span[0])


def _combine(kinds: Sequence[Optional[Kind]]) -> Optional[Kind]:
    if Kind.YES in kinds and Kind.NO in kinds:
        return Kind.UNSURE  # "yes ... no": contradicts itself, so ask again concretely
    if Kind.YES in kinds:
        return Kind.YES  # "yes, a bit" is a yes
    if Kind.UNSURE in kinds:
        return Kind.UNSURE  # doubt beats a no: "no idea", "not sure, maybe"
    if Kind.NO in kinds:
        return Kind.NO
    return None


def read(text: str) -> Reading:
    """The answer a reply gives, reading a qualified answer by its start."""
    _, _, _, _, _, correction, then = _table()
    words, breaks = _split(text)
    spans = _answer_spans(words)
    whole = _combine([k for _, _, k in spans])
    end, head = 0, []
    for s, e, k in spans:
        if s != end or k is None:
            break
        head.append(k)
        end = e
    if not head:
        return Reading(whole)
    if end == len(words):
        return Reading(whole, leads=True)
    opens = breaks[end - 1] or any(words[end : end + len(p)] == list(p) for p in then)
    rest = words[end:]
    covered = sum(e - s for s, e, k in spans if s >= end and k is not None)
    if not opens or _found(rest, correction) or covered == len(rest):
        return Reading(whole, leads=True)  # one phrase ("no numbness"), a correction, or a second answer
    kind = _combine(head)
    if kind is Kind.NO and any(k is Kind.UNSURE for s, _, k in spans if s >= end):
        kind = Kind.UNSURE  # "no, maybe a little": doubt still errs towards present
    return Reading(kind, leads=True, qualified=True)


def yes_no(text: str) -> Optional[Kind]:
    """YES, NO or UNSURE from the words of a reply; None when it says none of them."""
    return read(text).kind


def says_both(text: str) -> bool:
    """The reply says "both" (legs)."""
    return bool(_found(tokens(text), _table()[3]))


def says_one(text: str) -> bool:
    """The reply says one leg or one side."""
    return bool(_found(tokens(text), _table()[4]))


def is_correction(text: str) -> bool:
    """The turn corrects something said before ("no wait", "actually")."""
    return bool(_found(tokens(text), _table()[5]))
