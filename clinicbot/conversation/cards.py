"""The emergency card: what to do now and the warning signs the visitor gave, nothing else."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, Mapping

from clinicbot.conversation.step import Say
from clinicbot.conversation.wording import Wording
from clinicbot.triage.engine import Observation, TriageResult
from clinicbot.triage.explain import explain

EMERGENCY_CARD = "emergency"


def emergency_card(
    result: TriageResult,
    findings: Mapping[str, Observation],
    values: Dict[str, Any],
    w: Wording,
    opening: str,
    closing: str = "",
) -> Say:
    """One message: ``opening``, a "because you said" line per red flag, ``closing``; no causes."""
    flags_only = replace(result, likely_causes=[])
    reasons = explain(flags_only, findings, values, "", w.explain_words())[1:]
    return Say("\n".join([opening, *reasons, *([closing] if closing else [])]), card=EMERGENCY_CARD)
