"""Findings -> urgency level, red flags, ranked likely causes and the reasons. A pure function."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from clinicbot.triage.rules import RuleSet, load_rules
from clinicbot.vocabulary import ABSENT, PRESENT, Vocabulary, vocabulary


@dataclass(frozen=True)
class Observation:
    """What is known of one finding: its assertion status and the words it came from."""

    status: str
    span: str = ""


@dataclass
class CauseAssessment:
    """One likely cause with the evidence for and against it."""

    id: str
    score: float
    supporting: List[str] = field(default_factory=list)
    conflicting: List[str] = field(default_factory=list)


@dataclass
class TriageResult:
    """The outcome of triage, with the rule-set version that produced it."""

    level: str
    red_flags: List[str]
    likely_causes: List[CauseAssessment]
    explanation: List[str]
    unanswered_screening: List[str]
    rules_version: str
    reasons: Dict[str, str] = field(default_factory=dict)
    level_reason: str = ""  # which level rule applied ("duration", "not_improving", ...), for the explanation

    @property
    def cause_ids(self) -> List[str]:
        """Likely cause ids, most likely first."""
        return [c.id for c in self.likely_causes]

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready form."""
        return {
            "level": self.level,
            "red_flags": self.red_flags,
            "likely_causes": self.cause_ids,
            "causes": [c.__dict__ for c in self.likely_causes],
            "explanation": self.explanation,
            "unanswered_screening": self.unanswered_screening,
            "rules_version": self.rules_version,
        }


# Causes that follow from a red flag rank above every scored cause.
RED_FLAG_CAUSE_SCORE = 100.0

Findings = Mapping[str, Union[Observation, str]]


def _normalise(findings: Findings) -> Dict[str, Observation]:
    return {k: v if isinstance(v, Observation) else Observation(str(v)) for k, v in findings.items()}


class _Assessor:
    """One assessment: state shared by the small steps of ``assess``."""

    def __init__(self, findings: Findings, values: Mapping[str, Any], rules: RuleSet, vocab: Vocabulary):
        self.obs = _normalise(findings)
        self.values = values
        self.rules = rules
        self.vocab = vocab
        self.reasons: Dict[str, str] = {}

    def present(self, fid: str) -> bool:
        o = self.obs.get(fid)
        return o is not None and o.status == PRESENT

    def said(self, fid: str) -> str:
        o = self.obs.get(fid)
        return o.span if o is not None and o.span else ""

    def red_flags(self) -> List[str]:
        flags: List[str] = []
        for fid in self.vocab.red_flags:
            if self.present(fid):
                flags.append(fid)
                self.reasons[fid] = self.said(fid)
                continue
            derived = self.rules.derived_any.get(fid)
            if derived:
                hit = next((f for f in derived.from_ if self.present(f)), None)
                if hit:
                    flags.append(fid)
                    self.reasons[fid] = self.said(hit)
        if self._first_episode_at_risky_age():
            flags.append("age_first_episode")
            self.reasons["age_first_episode"] = f"age {self.values['age']}"
        return [f for f in self.vocab.red_flags if f in flags]

    def _first_episode_at_risky_age(self) -> bool:
        age = self.values.get("age")
        if age is None or self.present("age_first_episode"):
            return False
        t = self.rules.thresholds
        if not (int(age) < t.young_age.value or int(age) > t.older_age.value):
            return False
        prev = self.obs.get("previous_gym_back_pain")
        if prev is None or prev.status not in (PRESENT, ABSENT):
            return self.rules.assume_first_episode_when_unknown
        return prev.status == ABSENT

    def rank(self) -> List[CauseAssessment]:
        ranked: List[CauseAssessment] = []
        age = self.values.get("age")
        trigger = self.values.get("trigger_exercise")
        for cid, rule in self.rules.causes.items():
            ca = CauseAssessment(cid, rule.prior)
            for fid, w in rule.supports.items():
                if self.present(fid):
                    ca.score += w
                    ca.supporting.append(fid)
            for fid, w in rule.conflicts.items():
                if self.present(fid):
                    ca.score -= w
                    ca.conflicting.append(fid)
            if trigger in rule.triggers:
                ca.score += rule.triggers[trigger]
                ca.supporting.append(f"trigger_exercise:{trigger}")
            if age is not None:
                for adj in rule.age:
                    if adj.applies(int(age)):
                        ca.score += adj.add
                        (ca.supporting if adj.add > 0 else ca.conflicting).append(f"age:{age}")
            ca.score = round(ca.score, 3)
            ranked.append(ca)
        order = list(self.rules.causes)
        ranked.sort(key=lambda c: (-c.score, order.index(c.id)))
        keep = [c for i, c in enumerate(ranked) if c.score >= self.rules.min_score or i < self.rules.min_listed]
        return keep

    def with_red_flag_causes(self, ranked: List[CauseAssessment], flags: List[str]) -> List[CauseAssessment]:
        front = [
            CauseAssessment(rfc.cause, RED_FLAG_CAUSE_SCORE, [f for f in rfc.when_any if f in flags])
            for rfc in self.rules.red_flag_causes
            if any(f in flags for f in rfc.when_any)
        ]
        return front + ranked

    def level(self, flags: List[str], ranked: List[CauseAssessment]) -> Tuple[str, str]:
        levels = {self.vocab.findings[f].level for f in flags}
        for lvl in ("emergency", "urgent"):
            if lvl in levels:
                return lvl, "red_flag"
        t = self.rules.thresholds
        days: Optional[int] = self.values.get("duration_days")
        top = ranked[0].id if ranked else None
        if top in self.rules.soon_causes:
            return "soon", "cause"
        if days is not None and days > t.long_duration_days.value:
            return "soon", "duration"
        if (
            top in self.rules.not_improving_causes
            and days is not None
            and days > t.strain_recovery_days.value
            and not self.present("improving")
        ):
            return "soon", "not_improving"
        return "self_care", "default"

    def unanswered(self) -> List[str]:
        out = []
        for fid in self.rules.screening_order:
            if self._answered(fid):
                continue
            out.append(fid)
        return out

    def _answered(self, fid: str) -> bool:
        o = self.obs.get(fid)
        if o is not None and o.status in (PRESENT, ABSENT):
            return True
        derived = self.rules.derived_any.get(fid)
        if derived is None:
            return False
        if any(self.present(f) for f in derived.from_):
            return True
        return any(self.obs.get(f, Observation("")).status == ABSENT for f in derived.answered_absent_by)


def assess(
    findings: Findings,
    values: Optional[Mapping[str, Any]] = None,
    rules: Optional[RuleSet] = None,
) -> TriageResult:
    """Triage ``findings`` (id -> status or Observation) and ``values`` (age, duration_days, ...)."""
    from clinicbot.triage.explain import explain

    vocab = vocabulary()
    rules = rules or load_rules()
    a = _Assessor(findings, values or {}, rules, vocab)
    flags = a.red_flags()
    ranked = a.rank()
    level, why = a.level(flags, ranked)
    causes = a.with_red_flag_causes(ranked, flags)
    result = TriageResult(
        level=level,
        red_flags=flags,
        likely_causes=causes,
        explanation=[],
        unanswered_screening=a.unanswered(),
        rules_version=rules.version,
        reasons=a.reasons,
        level_reason=why,
    )
    result.explanation = explain(result, a.obs, dict(values or {}), why)
    return result
