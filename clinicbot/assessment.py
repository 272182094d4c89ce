"""One place that turns text into a triage result: the extractor, the merge of turns, the engine.

The CLI, the Rasa actions and the benchmarks all go through here, so they agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from clinicbot.nlp.extractor import Extraction, Extractor, default_extractor
from clinicbot.nlp.second_opinion import SecondOpinion, default_second_opinion
from clinicbot.triage.engine import Observation, TriageResult, assess
from clinicbot.vocabulary import ABSENT, PRESENT, vocabulary

# Control characters other than tab and newline are dropped before anything reads a message.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def clean_text(text: Optional[str], max_chars: int) -> Tuple[str, int]:
    """The message without control characters, cut to ``max_chars``; also the length cut off."""
    text = unicodedata.normalize("NFC", text or "")
    text = _CONTROL.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text, 0
    cut = text.rfind(" ", 0, max_chars)
    cut = cut if cut > max_chars // 2 else max_chars
    return text[:cut].rstrip(), len(text) - cut


def observations(extraction: Extraction) -> Dict[str, Observation]:
    """The extraction's findings as the engine's observations."""
    return {fid: Observation(f.status, f.span) for fid, f in extraction.statuses().items()}


def merge(previous: Mapping[str, Observation], new: Mapping[str, Observation]) -> Dict[str, Observation]:
    """Findings across turns.

    A later plain statement (present or absent) replaces an earlier one: that is a correction
    ("actually it's both legs", "no, no numbness"). A worry, a relative's or a past mention never
    replaces what the visitor said of themselves now, so it cannot cancel a red flag.
    """
    merged = dict(previous)
    for fid, obs in new.items():
        old = merged.get(fid)
        if obs.status in (PRESENT, ABSENT) or old is None or old.status not in (PRESENT, ABSENT):
            merged[fid] = obs
    return merged


@dataclass
class TextTriage:
    """The extractor's reading of one message and the triage result over it."""

    extraction: Extraction
    result: TriageResult
    suspected: List[str] = field(default_factory=list)

    def to_json(self) -> Dict[str, Any]:
        """The object `clinicbot triage` prints (interfaces.md)."""
        return {
            "text": self.extraction.text,
            "level": self.result.level,
            "red_flags": self.result.red_flags,
            "likely_causes": self.result.cause_ids,
            "findings": [{"id": f.id, "status": f.status, "span": f.span} for f in self.extraction.findings],
            "values": self.extraction.values,
            "explanation": self.result.explanation,
            "unanswered_screening": self.result.unanswered_screening,
            "rules_version": self.result.rules_version,
            "suspected_red_flags": self.suspected,
        }


def triage_text(
    text: str, extractor: Optional[Extractor] = None, second_opinion: Optional[SecondOpinion] = None
) -> TextTriage:
    """Extract findings from one message and triage them; the second opinion adds suspicions only."""
    extraction = (extractor or default_extractor()).extract(text)
    result = assess(observations(extraction), extraction.values)
    return TextTriage(extraction, result, suspected_flags(text, extraction, result, second_opinion))


def suspected_flags(
    text: str, extraction: Extraction, result: TriageResult, second_opinion: Optional[SecondOpinion] = None
) -> List[str]:
    """Emergency red flags the second opinion suspects that the rules did not hear at all.

    Nothing is suspected once the rules found an emergency (the visitor is already sent on), nor a
    flag the rules read in any status (heard and decided: denied, a worry, a relative's).
    """
    if result.level == vocabulary().level_order[0] or not text.strip():
        return []
    model = second_opinion or default_second_opinion()
    return model.suspects(text, heard={f.id for f in extraction.findings})
