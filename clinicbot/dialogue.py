"""The conversation's clinical state, turn by turn: plain Python the Rasa actions call.

A turn's entities (from the NLU component) and, during the screening interview, a yes/no answer
to the question asked update the findings; the engine then re-assesses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional

from clinicbot.assessment import merge
from clinicbot.content import advice, clinic
from clinicbot.triage.engine import Observation, TriageResult, assess
from clinicbot.triage.rules import load_rules
from clinicbot.vocabulary import ABSENT, HYPOTHETICAL, PRESENT, vocabulary

SCREEN_PREFIX = "screen_"
UNCLEAR = "unclear"
ANSWERED = "answered"
UNKNOWN = "unknown"  # a ranking question the visitor could not or would not answer
TRUNCATED_ENTITY = "message_truncated"
VALUE_IDS = ("age", "duration_days", "pain_side", "trigger_exercise")
# Ranking questions of the interview, after the safety screen.
AGE, PREVIOUS, SIDE, AGGRAVATING = "age", "previous_episode", "pain_side", "aggravating"
AGGRAVATING_FINDINGS = (
    "worse_sitting",
    "worse_flexion",
    "worse_cough_sneeze",
    "worse_extension",
    "worse_rotation",
    "worse_single_leg_loading",
    "better_walking_lying",
    "better_flexion",
)
_BARE_AGE = re.compile(r"^\s*(?:i\s*(?:am|'m)\s*)?(\d{2})\s*(?:years?|yrs?|y/?o)?\s*(?:old)?\s*\.?\s*$", re.I)
_BARE_SIDE = re.compile(r"^\s*(?:on\s+)?(?:the\s+|my\s+)?(left|right|both)\b", re.I)


def encode(findings: Mapping[str, Observation]) -> Dict[str, List[str]]:
    """Findings as a JSON-friendly slot value."""
    return {k: [v.status, v.span] for k, v in findings.items()}


def decode(value: Any) -> Dict[str, Observation]:
    """The findings slot's value back as observations."""
    out: Dict[str, Observation] = {}
    for k, v in (value or {}).items():
        if isinstance(v, (list, tuple)) and v:
            out[k] = Observation(str(v[0]), str(v[1]) if len(v) > 1 else "")
    return out


@dataclass
class TurnState:
    """Everything the conversation knows after one user turn."""

    findings: Dict[str, Observation]
    values: Dict[str, Any]
    result: TriageResult
    screen: Dict[str, Optional[str]]
    notices: List[str] = field(default_factory=list)


def screening_questions() -> List[str]:
    """The interview's questions in order: red flags (most dangerous first), then ranking ones."""
    return [SCREEN_PREFIX + f for f in load_rules().screening_order] + [
        SCREEN_PREFIX + q for q in (AGE, PREVIOUS, SIDE, AGGRAVATING)
    ]


def read_entities(entities: Iterable[Mapping[str, Any]]) -> tuple:
    """Findings, values and the cut length from a message's entities."""
    vocab = vocabulary()
    found: Dict[str, Observation] = {}
    values: Dict[str, Any] = {}
    cut = 0
    for e in entities:
        kind = e.get("entity")
        if kind in vocab.findings and e.get("role") in vocab.statuses:
            cur = found.get(kind)
            if cur is None or cur.status != PRESENT:  # present wins within one message
                found[kind] = Observation(str(e["role"]), str(e.get("value", "")))
        elif kind in VALUE_IDS:
            value = _value(kind, e.get("value"))
            if value is not None:
                values[kind] = value
        elif kind == TRUNCATED_ENTITY:
            cut = int(e.get("value") or 0)
    return found, values, cut


def _value(kind: str, raw: Any) -> Any:
    """A value of the right type (ints for age and days, a known id otherwise), or None."""
    allowed = vocabulary().values[kind]
    if allowed == "int":
        try:
            number = int(raw)
        except (TypeError, ValueError):
            return None
        return number if 0 <= number <= 36500 else None
    return raw if isinstance(allowed, list) and raw in allowed else None


def _answer(
    requested: Optional[str], intent: str, text: str, new: Dict[str, Observation], new_values: Dict[str, Any]
) -> None:
    """Reads a direct answer to the question just asked into ``new`` / ``new_values``."""
    if not requested or not requested.startswith(SCREEN_PREFIX):
        return
    topic = requested[len(SCREEN_PREFIX) :]
    yes_no = {"affirm": PRESENT, "deny": ABSENT}.get(intent)
    if topic in vocabulary().findings:
        if yes_no and topic not in new:
            new[topic] = Observation(yes_no, text)
    elif topic == PREVIOUS:
        if yes_no and "previous_gym_back_pain" not in new:
            new["previous_gym_back_pain"] = Observation(yes_no, text)
    elif topic == AGE and "age" not in new_values:
        m = _BARE_AGE.match(text)
        if m:
            new_values["age"] = int(m.group(1))
    elif topic == SIDE and "pain_side" not in new_values:
        m = _BARE_SIDE.match(text)
        if m:
            new_values["pain_side"] = m.group(1).lower()


def _screen(
    findings: Mapping[str, Observation],
    values: Mapping[str, Any],
    result: TriageResult,
    requested: Optional[str],
    intent: str,
) -> Dict[str, Optional[str]]:
    unanswered = set(result.unanswered_screening)
    screen: Dict[str, Optional[str]] = {}
    for fid in load_rules().screening_order:
        if fid not in unanswered:
            screen[SCREEN_PREFIX + fid] = PRESENT if fid in result.red_flags else ABSENT
    if "age" in values:
        screen[SCREEN_PREFIX + AGE] = str(values["age"])
    prev = findings.get("previous_gym_back_pain")
    if prev and prev.status in (PRESENT, ABSENT):
        screen[SCREEN_PREFIX + PREVIOUS] = prev.status
    if "pain_side" in values:
        screen[SCREEN_PREFIX + SIDE] = str(values["pain_side"])
    if any(f in findings for f in AGGRAVATING_FINDINGS) or (
        requested == SCREEN_PREFIX + AGGRAVATING and intent not in ("nlu_fallback", "out_of_scope")
    ):
        screen[SCREEN_PREFIX + AGGRAVATING] = ANSWERED
    if requested and requested.startswith(SCREEN_PREFIX) and requested not in screen:
        # The safety questions are asked until answered; the ranking ones may stay unknown.
        safety = requested[len(SCREEN_PREFIX) :] in load_rules().screening_order
        screen[requested] = UNCLEAR if safety or faq_answer(intent) else UNKNOWN
    return screen


def update(
    previous: Mapping[str, Observation],
    previous_values: Mapping[str, Any],
    entities: Iterable[Mapping[str, Any]],
    intent: str,
    text: str,
    requested: Optional[str] = None,
    read_values: bool = True,
    announce: bool = False,
) -> TurnState:
    """The state after one user turn.

    ``read_values`` is False for an answer to a booking question: its dates and numbers are not the
    visitor's age or how long the pain has lasted. ``announce``: say at once what a red flag that
    appears this turn means (when no outcome is about to be given, e.g. after an FAQ).
    """
    new, new_values, cut = read_entities(entities)
    if not read_values:
        new_values = {}
    _answer(requested, intent, text, new, new_values)
    findings = merge(previous, new)
    values = {**previous_values, **new_values}
    result = assess(findings, values)
    notices = []
    worries = [f for f, o in new.items() if o.status == HYPOTHETICAL and vocabulary().findings[f].kind == "red_flag"]
    if worries:
        labels = " or ".join(vocabulary().findings[f].label for f in worries)
        notices.append(advice().hypothetical.format(flags=labels))
    if cut:
        notices.append(advice().truncated.format(kept=clinic().max_message_chars, cut=cut))
    if announce:
        before = set(assess(previous, previous_values).red_flags) if previous or previous_values else set()
        fresh = [f for f in result.red_flags if f not in before]
        if fresh:
            explain = [
                line for line in result.explanation[1:] if any(vocabulary().findings[f].label in line for f in fresh)
            ]
            notices.append("\n\n".join([advice().levels[result.level], *explain]))
    return TurnState(findings, values, result, _screen(findings, values, result, requested, intent), notices)


def outcome_message(result: TriageResult) -> str:
    """The outcome: level, reasons, the clinic's advice, the disclaimer and (not in an emergency) the booking offer."""
    a = advice()
    parts = [a.levels[result.level]]
    parts += result.explanation[1:]
    top = result.likely_causes[0].id if result.likely_causes else None
    if top and result.level != "emergency":
        parts.append(a.causes[top])
    parts.append(a.disclaimer)
    if result.level != "emergency":
        parts.append(a.offer_booking["urgent" if result.level == "urgent" else "other"])
    return "\n\n".join(parts)


def faq_answer(intent: str) -> Optional[str]:
    """The clinic's answer to an FAQ intent."""
    return advice().faq.get(intent)
