"""What the review pages show, as plain data: labels, highlighted transcript segments, the explanation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from clinicbot.content import clinic
from clinicbot.vocabulary import vocabulary


@dataclass(frozen=True)
class Segment:
    """A piece of a message: plain text, or the words a finding was read from (with its id and status)."""

    text: str
    finding: str = ""
    status: str = ""


def level_label(level: Optional[str]) -> str:
    """The plain words of a level id."""
    if not level:
        return "not known"
    return vocabulary().levels.get(level, level)


def finding_label(fid: str) -> str:
    """The plain words of a finding or red-flag id."""
    f = vocabulary().findings.get(fid)
    return f.label if f else fid


def finding_statuses() -> List[str]:
    """The assertion statuses of the clinical vocabulary (present, absent, ...), for the legend."""
    return list(vocabulary().statuses)


def cause_label(cid: str) -> str:
    """The plain words of a cause id."""
    return vocabulary().causes.get(cid, cid)


def location_label(loc_id: str) -> str:
    """The name of a clinic location id."""
    return clinic().location_name(loc_id)


def _spans(findings: Iterable[Dict[str, Any]]) -> List[Tuple[str, str, str]]:
    """(words, finding id, status) of the findings that carry their words, longest first."""
    out = []
    for f in findings:
        span = f.get("span")
        if isinstance(span, str) and span.strip() and f.get("id"):
            out.append((span.strip(), str(f["id"]), str(f.get("status") or "")))
    return sorted(out, key=lambda s: -len(s[0]))


def highlight(text: str, findings: Sequence[Dict[str, Any]]) -> List[Segment]:
    """Split a user's message into segments, marking the words each finding was read from."""
    marks: List[Tuple[int, int, str, str]] = []
    for words, fid, status in _spans(findings):
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words.split()) + r"(?!\w)", re.IGNORECASE)
        for m in pattern.finditer(text):
            if all(m.end() <= s or m.start() >= e for s, e, _, _ in marks):
                marks.append((m.start(), m.end(), fid, status))
    segments: List[Segment] = []
    pos = 0
    for start, end, fid, status in sorted(marks):
        if start > pos:
            segments.append(Segment(text[pos:start]))
        segments.append(Segment(text[start:end], fid, status))
        pos = end
    if pos < len(text) or not segments:
        segments.append(Segment(text[pos:]))
    return segments


def explanation(outcome: Dict[str, Any]) -> List[str]:
    """The explanation lines the visitor was shown, as stored with the outcome (never re-derived)."""
    return [str(line) for line in outcome.get("explanation") or []]


LANGUAGE_NAMES = {"en": "English", "hi-Latn": "Hinglish (Hindi in Latin letters)", "hi": "Hindi (Devanagari)"}


def interview_lines(outcome: Dict[str, Any]) -> List[str]:
    """How the interview went, in words: flags asked about on the second opinion's suspicion, doubts."""
    from clinicbot.conversation.interview import interview

    record = outcome.get("interview") or {}
    statuses = {str(f.get("id")): str(f.get("status") or "") for f in outcome.get("findings") or []}
    questions = {q.id: q for q in interview().questions}
    lines = []
    language = LANGUAGE_NAMES.get(str(record.get("language") or ""))
    if language:
        lines.append(f"The conversation was in {language}; the transcript is as written.")
    for flag in record.get("suspected") or []:
        told = statuses.get(flag)
        lines.append(
            f"Asked at once because the statistical second opinion suspected {finding_label(flag)}"
            + (f"; the visitor's answer: {told}." if told else "; not answered.")
        )
    for qid, count in (record.get("unsure") or {}).items():
        q = questions.get(qid)
        fid = q.finding if q is not None and q.finding else qid
        after = " (counted as present)" if statuses.get(fid) == "present" else ""
        lines.append(f"Not sure about {finding_label(fid)}, {count} time(s){after}.")
    for qid, answer in (record.get("answers") or {}).items():
        if answer == "unknown":
            lines.append(f"Did not answer: {qid.replace('_', ' ')}.")
    return lines
