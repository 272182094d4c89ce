"""Red-flag language as word classes that combine (issue 14), validated on load.

A class (``data/classes/<name>.yml``) is a set of ways to say one thing: a region ("down there",
"gooch", "neeche wali jagah"), a change of sensation ("numb", "like it is not mine", "sunn"), a
function and its loss ("pee" and "can't", "haven't passed"). A red flag is classes found together
in one sentence, within a scope (``data/combinations.yml``): a region with a change, a function with
its loss, both legs with a loss of power. A new word goes into its class, never into a red flag.

Plain Python over spaCy tokens: no pipeline is built here.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Literal, Sequence, Tuple

from pydantic import BaseModel, root_validator, validator

from clinicbot.datafiles import load_yaml
from clinicbot.vocabulary import vocabulary

DATA = Path(__file__).parent / "data"
CLASSES = DATA / "classes"


_GROUP = re.compile(r"\(([^()]*)\)")


def expand(phrase: str) -> List[str]:
    """A phrase with ``(a b|c)`` groups of several words as the plain patterns it stands for;
    ``(a b|c)?`` may also be left out.

    A regular expression element (``re:...``) is kept whole, its own parentheses included.
    """
    regexes = [e for e in phrase.split() if e.startswith("re:")]
    protected = " ".join(f"\x00{regexes.index(e)}" if e.startswith("re:") else e for e in phrase.split())
    return [" ".join(regexes[int(e[1:])] if e.startswith("\x00") else e for e in p.split()) for p in _expand(protected)]


def _expand(phrase: str) -> List[str]:
    m = _GROUP.search(phrase)
    if m is None:
        return [" ".join(phrase.split())]
    out: List[str] = []
    options = m.group(1).split("|")
    rest = phrase[m.end() :]
    if rest.startswith("?"):  # "(a b|c)?": the whole group is optional
        options, rest = options + [""], rest[1:]
    for option in options:
        out += _expand(phrase[: m.start()] + " " + option + " " + rest)
    return out


class WordClass(BaseModel, extra="forbid"):
    """One class: its source and its phrases (the targets.yml pattern language; ``(a b|c)`` groups
    options of several words)."""

    source: str
    meaning: str
    phrases: List[str]

    @validator("phrases")
    def _not_empty(cls, v: List[str]) -> List[str]:
        if not v:
            raise ValueError("a class needs phrases")
        dupes = {p for p in v if v.count(p) > 1}
        if dupes:
            raise ValueError(f"repeated phrases: {sorted(dupes)}")
        return v


def patterns(wc: WordClass) -> List[str]:
    """The class's phrases as plain patterns."""
    return [p for phrase in wc.phrases for p in expand(phrase)]


class Combination(BaseModel, extra="forbid"):
    """Classes that together make a finding, within ``within`` tokens of one sentence."""

    all: List[str]
    within: int = 0
    not_near: str = ""
    distance: int = 3


class SentenceRule(BaseModel, extra="forbid"):
    """A red flag told in a sentence that also holds one of these mentions takes ``status``.

    ``before``: the mention stands before the flag; ``after``: after it; ``near_after``: after it,
    within ``near`` tokens. A mention of the ``stop`` class between them ("now") keeps the flag present.
    """

    status: Literal["historical", "hypothetical"]
    before: List[str] = []
    after: List[str] = []
    near_after: List[str] = []
    near: int = 4
    stop: str = ""

    def classes(self) -> set:
        """Every class the rule names."""
        return set(self.before + self.after + self.near_after) | ({self.stop} if self.stop else set())


class Combinations(BaseModel, extra="forbid"):
    """combinations.yml."""

    source: str
    within: int
    barriers: List[str]
    barrier_exempt_after: List[str] = []
    suppress: Dict[str, List[str]] = {}
    sentence_rules: List[SentenceRule] = []
    findings: Dict[str, List[Combination]]

    @root_validator(skip_on_failure=True)
    def _check(cls, values: dict) -> dict:
        vocab = vocabulary()
        for fid, combos in values["findings"].items():
            vocab.check_finding(fid, "combinations.yml")
            for combo in combos:
                if not combo.all:
                    raise ValueError(f"combinations.yml {fid}: a combination needs classes")
        return values


@dataclass(frozen=True)
class Mention:
    """Tokens [start, end) of one sentence that say one class."""

    cls: str
    start: int
    end: int


@dataclass(frozen=True)
class Combined:
    """A finding made of class mentions: its token span."""

    finding: str
    start: int
    end: int


def class_files(folder: Path = CLASSES) -> Dict[str, Path]:
    """Each class's file, by class name (the file's stem)."""
    return {p.stem: p for p in sorted(folder.glob("*.yml"))}


@cache
def load_classes(folder: Path = CLASSES) -> Dict[str, WordClass]:
    """Every class file, validated (its phrases in the targets.yml pattern language)."""
    from clinicbot.nlp.rules import check_pattern, load_targets

    lexicon = load_targets().lexicon
    out = {}
    for name, path in class_files(folder).items():
        wc = WordClass.parse_obj(load_yaml(path))
        for phrase in wc.phrases:
            for pattern in expand(phrase):
                check_pattern(pattern, lexicon, f"classes/{name}.yml")
        out[name] = wc
    return out


@cache
def load_combinations(path: Path = DATA / "combinations.yml", folder: Path = CLASSES) -> Combinations:
    """combinations.yml, validated against the classes it names."""
    combos = Combinations.parse_obj(load_yaml(path))
    known = set(load_classes(folder))
    named = set(combos.suppress) | {c for cs in combos.suppress.values() for c in cs}
    for sentence_rule in combos.sentence_rules:
        named |= sentence_rule.classes()
    if named - known:
        raise ValueError(f"combinations.yml suppress / sentence_rules: unknown classes {sorted(named - known)}")
    for fid, rules in combos.findings.items():
        for rule in rules:
            unknown = (set(rule.all) | ({rule.not_near} if rule.not_near else set())) - known
            if unknown:
                raise ValueError(f"combinations.yml {fid}: unknown classes {sorted(unknown)}")
    return combos


def combine(
    mentions: Sequence[Mention],
    combos: Combinations,
    sentences: Iterable[Tuple[int, int]],
    is_barrier: Any,
) -> List[Combined]:
    """Findings made by the class mentions of each sentence.

    Every class of a combination must be said in the same sentence, the whole within the scope, and
    no barrier word ("not", "but") may stand between its mentions outside them.
    """
    out: List[Combined] = []
    mentions = suppressed(mentions, combos.suppress)
    for s_start, s_end in sentences:
        here = [m for m in mentions if s_start <= m.start and m.end <= s_end]
        by_class: Dict[str, List[Mention]] = {}
        for m in here:
            by_class.setdefault(m.cls, []).append(m)
        for fid, rules in combos.findings.items():
            for rule in rules:
                within = rule.within or combos.within
                pools = [by_class.get(c, []) for c in rule.all]
                if not all(pools):
                    continue
                for picked in itertools.product(*pools):
                    start = min(m.start for m in picked)
                    end = max(m.end for m in picked)
                    if end - start > within or _overlap(picked):
                        continue
                    own = {i for m in picked for i in range(m.start, m.end)}
                    if any(is_barrier(i) for i in range(start, end) if i not in own):
                        continue
                    if rule.not_near and _near(picked, by_class.get(rule.not_near, []), rule.distance):
                        continue
                    out.append(Combined(fid, start, end))
    return out


def sentence_rule_applies(
    start: int, end: int, mentions: Sequence[Mention], sentences: Iterable[Tuple[int, int]], rule: SentenceRule
) -> bool:
    """Whether tokens [start, end) are told in a sentence the rule speaks of, with no stop word between."""
    for s_start, s_end in sentences:
        if not (s_start <= start < s_end):
            continue
        here = [m for m in mentions if s_start <= m.start and m.end <= s_end]
        stops = [m for m in here if m.cls == rule.stop]
        for m in here:
            if m.cls in rule.before and m.end <= start:
                lo, hi = m.end, start
            elif (m.cls in rule.after or (m.cls in rule.near_after and m.start - end <= rule.near)) and m.start >= end:
                lo, hi = end, m.start
            else:
                continue
            if not any(lo <= n.start and n.end <= hi for n in stops):
                return True
    return False


def suppressed(mentions: Sequence[Mention], suppress: Dict[str, List[str]]) -> List[Mention]:
    """The mentions without those another class covers ("the bottom of my foot" is not the saddle)."""
    kept = []
    for m in mentions:
        over = suppress.get(m.cls, [])
        if any(o.cls in over and o.start <= m.start and m.end <= o.end for o in mentions):
            continue
        kept.append(m)
    return kept


def _near(picked: Sequence[Mention], others: Sequence[Mention], distance: int) -> bool:
    """A mention of ``others`` (not one of the combination's own words) within ``distance`` tokens."""
    own = {i for m in picked for i in range(m.start, m.end)}
    for o in others:
        if own & set(range(o.start, o.end)):
            continue
        for m in picked:
            if o.start < m.end + distance and m.start - distance < o.end:
                return True
    return False


def _overlap(picked: Sequence[Mention]) -> bool:
    """Two of the mentions share a token (one phrase cannot say two classes at once)."""
    seen: set = set()
    for m in picked:
        idx = set(range(m.start, m.end))
        if idx & seen:
            return True
        seen |= idx
    return False
