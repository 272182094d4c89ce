"""The triage rule set: a versioned data file, validated on load against the vocabulary."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Dict, List, Optional

from pydantic import BaseModel, Field, root_validator

from clinicbot.datafiles import load_yaml
from clinicbot.vocabulary import vocabulary

DATA = Path(__file__).parent / "data" / "rules.yml"
# The interview table: its red-flag questions, in order, are the screening order (declared once).
INTERVIEW = Path(__file__).resolve().parent.parent / "data" / "interview.yml"


class Threshold(BaseModel, extra="forbid"):
    """A number with its source."""

    value: int
    source: str


class DerivedAny(BaseModel, extra="forbid"):
    """A red flag present when any of ``from_`` is present."""

    from_: List[str] = Field(alias="from")
    answered_absent_by: List[str] = []
    source: str


class RedFlagCause(BaseModel, extra="forbid"):
    """A cause put first when any of the red flags is present."""

    cause: str
    when_any: List[str]
    source: str


class AgeAdjustment(BaseModel, extra="forbid"):
    """Add to a cause's score when age is below or above a bound."""

    below: Optional[int] = None
    above: Optional[int] = None
    add: float
    source: str

    def applies(self, age: int) -> bool:
        """Whether this adjustment applies to ``age``."""
        if self.below is not None and not age < self.below:
            return False
        if self.above is not None and not age > self.above:
            return False
        return True


class CauseRule(BaseModel, extra="forbid"):
    """Weights of evidence for one cause."""

    prior: float
    source: str
    supports: Dict[str, float] = {}
    conflicts: Dict[str, float] = {}
    triggers: Dict[str, float] = {}
    age: List[AgeAdjustment] = []


class Thresholds(BaseModel, extra="forbid"):
    """The configurable numbers of clinical.md."""

    young_age: Threshold
    older_age: Threshold
    long_duration_days: Threshold
    strain_recovery_days: Threshold


class RuleSet(BaseModel, extra="forbid"):
    """The whole rule file."""

    version: str
    source: str
    thresholds: Thresholds
    assume_first_episode_when_unknown: bool
    derived_any: Dict[str, DerivedAny]
    screening_order: List[str]
    red_flag_causes: List[RedFlagCause]
    soon_causes: List[str]
    not_improving_causes: List[str]
    causes: Dict[str, CauseRule]
    min_score: float
    min_listed: int

    @root_validator(skip_on_failure=True)
    def _ids_exist(cls, values: dict) -> dict:
        vocab = vocabulary()
        for flag, rule in values["derived_any"].items():
            vocab.check_finding(flag, "derived_any")
            for fid in rule.from_ + rule.answered_absent_by:
                vocab.check_finding(fid, f"derived_any.{flag}")
        for fid in values["screening_order"]:
            vocab.check_finding(fid, "screening_order")
        for rfc in values["red_flag_causes"]:
            vocab.check_cause(rfc.cause, "red_flag_causes")
            for fid in rfc.when_any:
                vocab.check_finding(fid, "red_flag_causes")
        for cid in values["soon_causes"] + values["not_improving_causes"]:
            vocab.check_cause(cid, "soon_causes")
        triggers = vocab.values["trigger_exercise"]
        for cid, rule in values["causes"].items():
            vocab.check_cause(cid, "causes")
            for fid in list(rule.supports) + list(rule.conflicts):
                vocab.check_finding(fid, f"causes.{cid}")
            for trig in rule.triggers:
                if trig not in triggers:
                    raise ValueError(f"causes.{cid}: unknown trigger exercise {trig!r}")
        return values


def screening_order(interview: Path = INTERVIEW) -> List[str]:
    """The red flags the interview table asks about as safety questions, in its order."""
    vocab = vocabulary()
    return [
        str(q["finding"])
        for q in load_yaml(interview)["questions"]
        if q.get("kind") == "flag"
        and not q.get("ranking")
        and q.get("finding") in vocab.findings
        and vocab.findings[q["finding"]].kind == "red_flag"
    ]


@cache
def load_rules(path: Path = DATA, interview: Path = INTERVIEW) -> RuleSet:
    """The validated rule set (cached per path), with the screening order of the interview table."""
    return RuleSet.parse_obj({**load_yaml(path), "screening_order": screening_order(interview)})
