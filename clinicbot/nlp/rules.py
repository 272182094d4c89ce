"""The extractor's rule files (targets, ConText modifiers, normalisation, values), validated on load.

Plain Python: no spaCy pipeline is built here, only the data is read and checked.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Dict, List, Literal, Optional, Union

from pydantic import BaseModel, root_validator, validator

from clinicbot.datafiles import load_yaml
from clinicbot.vocabulary import vocabulary

DATA = Path(__file__).parent / "data"

GAP_ONE = "*"
GAP_MANY = "**"
GAP_MANY_LEN = 4
REGEX_PREFIX = "re:"
# Punctuation a gap never crosses (brackets and quotes it may).
GAP_BREAKS = [",", ";", ":", "!", "?", ".", "\n"]


class FixedStatus(BaseModel, extra="forbid"):
    """Wording that itself says a finding is present or absent."""

    absent: List[str] = []
    present: List[str] = []


class TargetSpec(BaseModel, extra="forbid"):
    """How one finding is worded."""

    priority: int
    patterns: List[str] = []
    mentions: List[str] = []
    history_is_present: bool = False
    fixed_status: FixedStatus = FixedStatus()
    overrides: List[str] = []
    shares_words_with: List[str] = []


class Targets(BaseModel, extra="forbid"):
    """targets.yml."""

    source: str
    ignore: List[str]
    gap_stop: List[str]
    lexicon: Dict[str, List[str]]
    findings: Dict[str, TargetSpec]

    @root_validator(skip_on_failure=True)
    def _check(cls, values: dict) -> dict:
        vocab = vocabulary()
        lexicon = values["lexicon"]
        for fid, spec in values["findings"].items():
            vocab.check_finding(fid, "targets.yml")
            every = spec.patterns + spec.mentions + spec.fixed_status.absent + spec.fixed_status.present
            if not every:
                raise ValueError(f"targets.yml: {fid} has no patterns")
            for pat in every:
                check_pattern(pat, lexicon, f"targets.yml {fid}")
            for other in spec.overrides + spec.shares_words_with:
                vocab.check_finding(other, f"targets.yml {fid} overrides")
        for pat in values["ignore"]:
            check_pattern(pat, lexicon, "targets.yml ignore")
        for group, words in lexicon.items():
            for w in words:
                if " " in w or w != w.lower():
                    raise ValueError(f"targets.yml lexicon {group}: {w!r} must be one lower-case word")
        return values


class ContextRuleSpec(BaseModel, extra="forbid"):
    """One ConText modifier."""

    pattern: str
    category: Literal[
        "NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HYPOTHETICAL", "HISTORICAL", "FAMILY", "OTHER_PERSON", "PSEUDO", "TERMINATE"
    ]
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    max_scope: Optional[int] = None
    applies_to: Optional[Literal["red_flags", "red_flags_and_leg"]] = None


class ContextRules(BaseModel, extra="forbid"):
    """context.yml."""

    source: str
    leg_features: List[str] = []
    rules: List[ContextRuleSpec]


class Fuzzy(BaseModel, extra="forbid"):
    """Edit-distance correction settings."""

    min_length: int
    long_word: int
    never_correct: List[str]


class Normalisation(BaseModel, extra="forbid"):
    """normalise.yml."""

    source: str
    spelling: Dict[str, str]
    split: Dict[str, List[str]]
    fuzzy: Fuzzy


class AgeRules(BaseModel, extra="forbid"):
    """Age patterns with the plausible range."""

    min: int
    max: int
    tens: Dict[str, int]
    ones: Dict[str, int]
    teens: Dict[str, int]
    patterns: List[str]

    @validator("patterns", each_item=True)
    def _compiles(cls, p: str) -> str:
        re.compile(p)
        return p


class FixedDuration(BaseModel, extra="forbid"):
    """A phrase with a known number of days."""

    pattern: str
    days: int


class DurationRules(BaseModel, extra="forbid"):
    """How the duration of the pain is read."""

    numbers: Dict[str, int]
    units: Dict[str, int]
    quantity: str
    before: str
    after: str
    not_after_words: List[str]
    fixed: List[FixedDuration]
    weekdays: str


class SideRule(BaseModel, extra="forbid"):
    """A pattern giving the side of the pain."""

    pattern: str
    side: Literal["left", "right", "both"]


class ExerciseRule(BaseModel, extra="forbid"):
    """A pattern naming the exercise that set the pain off."""

    pattern: str
    exercise: str

    @validator("exercise")
    def _known(cls, v: str) -> str:
        if v not in vocabulary().values["trigger_exercise"]:
            raise ValueError(f"unknown trigger exercise {v!r}")
        return v


class ValueRules(BaseModel, extra="forbid"):
    """values.yml."""

    source: str
    age: AgeRules
    duration: DurationRules
    pain_side: List[SideRule]
    trigger_exercise: List[ExerciseRule]


def pattern_tokens(pattern: str) -> List[str]:
    """The elements of a rule pattern."""
    return pattern.split()


def check_pattern(pattern: str, lexicon: Dict[str, List[str]], where: str) -> None:
    """Raise if ``pattern`` names an unknown lexicon group or is empty."""
    elements = pattern_tokens(pattern)
    if not elements or all(e in (GAP_ONE, GAP_MANY) for e in elements):
        raise ValueError(f"{where}: empty pattern {pattern!r}")
    for e in elements:
        if e.startswith(REGEX_PREFIX):
            re.compile(e[len(REGEX_PREFIX) :])
            continue
        name = e.rstrip("?")
        if name.startswith("{"):
            if not name.endswith("}") or name[1:-1] not in lexicon:
                raise ValueError(f"{where}: unknown lexicon group in {pattern!r}")


PatternElement = Union[str, List[str]]


@cache
def load_targets(path: Path = DATA / "targets.yml") -> Targets:
    """targets.yml, validated."""
    return Targets.parse_obj(load_yaml(path))


@cache
def load_context(path: Path = DATA / "context.yml") -> ContextRules:
    """context.yml, validated."""
    return ContextRules.parse_obj(load_yaml(path))


@cache
def load_normalisation(path: Path = DATA / "normalise.yml") -> Normalisation:
    """normalise.yml, validated."""
    return Normalisation.parse_obj(load_yaml(path))


@cache
def load_values(path: Path = DATA / "values.yml") -> ValueRules:
    """values.yml, validated."""
    return ValueRules.parse_obj(load_yaml(path))
