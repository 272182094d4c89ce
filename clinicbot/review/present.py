"""What the review pages show, as plain data: labels, the transcript as the visitor saw it (button
presses by their titles, each highlight on the finding it answered), the explanation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from pydantic import BaseModel, root_validator

from clinicbot.content import clinic
from clinicbot.datafiles import load_yaml
from clinicbot.vocabulary import vocabulary

LABELS = Path(__file__).parent / "labels.yml"


class Labels(BaseModel, extra="forbid"):
    """The staff app's words for ids (labels.yml), each table with exactly the ids it names."""

    source: str
    levels: Dict[str, str]
    channels: Dict[str, str]
    legal_bases: Dict[str, str]
    review_statuses: Dict[str, str]
    finding_statuses: Dict[str, str]
    values: Dict[str, str]

    @root_validator(skip_on_failure=True)
    def _exactly_the_ids(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        from clinicbot.store.escalations import LEGAL_BASES
        from clinicbot.store.models import REVIEW_STATUSES

        vocab = vocabulary()
        expected = {
            "levels": set(vocab.levels),
            "legal_bases": set(LEGAL_BASES),
            "review_statuses": set(REVIEW_STATUSES),
            "finding_statuses": set(vocab.statuses),
            "values": set(vocab.values),
        }
        for key, ids in expected.items():
            if set(values[key]) != ids:
                raise ValueError(f"labels.yml {key}: needs exactly {sorted(ids)}, has {sorted(values[key])}")
        return values


@cache
def labels() -> Labels:
    """The validated labels (read once)."""
    return Labels.parse_obj(load_yaml(LABELS))


def _plain(value: str) -> str:
    """An id as words, for ids no table names: "good_morning" -> "good morning"."""
    return value.replace("_", " ")


def level_name(level: Optional[str]) -> str:
    """A level's short name for badges and lists ("Self-care")."""
    return labels().levels.get(level or "", _plain(level or "not known"))


def language_label(language: str) -> str:
    """A conversation's language as staff know it ("Hinglish (Hindi in Latin letters)")."""
    return LANGUAGE_NAMES.get(language or "en", _plain(language))


def channel_label(channel: str) -> str:
    """A channel's name as staff know it ("Website chat")."""
    return labels().channels.get(channel, _plain(channel))


def legal_basis_label(basis: str) -> str:
    """The ground personal data was kept on, in plain words."""
    return labels().legal_bases.get(basis, _plain(basis))


def review_status_label(status: Optional[str]) -> str:
    """A follow-up status in words ("Appointment booked")."""
    return labels().review_statuses.get(status or "", _plain(status or ""))


def finding_status_label(status: str) -> str:
    """What a finding's status means ("does not have it")."""
    return labels().finding_statuses.get(status, _plain(status))


def value_label(key: str) -> str:
    """The name of a clinical value ("Age")."""
    return labels().values.get(key, _plain(key))


def value_text(value: Any) -> str:
    """A clinical value as words ("good morning", "34")."""
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    return _plain(str(value))


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
            + (f"; the visitor's answer: {finding_status_label(told)}." if told else "; not answered.")
        )
    for qid, count in (record.get("unsure") or {}).items():
        q = questions.get(qid)
        fid = q.finding if q is not None and q.finding else qid
        after = " (counted as present)" if statuses.get(fid) == "present" else ""
        lines.append(f"Not sure about {finding_label(fid)}, {count} time(s){after}.")
    for qid, answer in (record.get("answers") or {}).items():
        if answer == "unknown":
            q = questions.get(qid)
            label = question_label(q) if q is not None else _plain(qid)
            lines.append(f"Did not answer: {label}" + ("" if label.endswith(("?", ".")) else "."))
    return lines


def question_label(q: Any) -> str:
    """What an interview question asks about, in the staff's words: its finding, its value, or its text."""
    if q.finding and q.kind == "flag":
        return finding_label(q.finding)
    if q.kind == "value":
        return value_label(q.value)
    return str(q.text)


# -- the transcript as the visitor saw it --------------------------------------------------------

YES, NO = "/affirm", "/deny"  # the payloads of the yes / no buttons (records before titles were stored hold them)
PLAIN_TITLES = {YES: "Yes", NO: "No"}


@dataclass(frozen=True)
class Asked:
    """A question the assistant asked, as recognised in its message: what it was about and its buttons."""

    qid: str
    label: str
    findings: Tuple[str, ...] = ()
    buttons: Dict[str, str] = field(default_factory=dict)  # payload -> title, as offered to the visitor


@dataclass(frozen=True)
class Line:
    """One message of the transcript as the staff page shows it."""

    sender: str
    timestamp: Optional[datetime]
    segments: List[Segment]
    pressed: bool = False  # a button press, shown by the button's title
    asked: Optional[Asked] = None  # the question this visitor's message answers
    answered: str = ""  # the finding it was read as the answer to
    answer_status: str = ""  # that finding's status, or the interview's "unknown" / "unsure"


@cache
def _questions() -> List[Tuple[str, Asked]]:
    """Every question's words in every language with what it asks, longest words first."""
    from clinicbot.conversation.interview import interview
    from clinicbot.conversation.wording import LANGUAGES, wording

    out: List[Tuple[str, Asked]] = []
    for language in LANGUAGES:
        w = wording(language)
        yes_no = {YES: w.buttons["yes"], NO: w.buttons["no"]}
        for q in interview().questions:
            findings = (q.finding,) if q.finding else tuple(q.findings)
            if q.choices:
                answers = {"yes": YES, "no": NO}
                buttons = {answers.get(c.answer, c.reply): w.choice(q.id, c.id) for c in q.choices}
            else:
                buttons = dict(yes_no) if q.kind == "flag" else {}
            asked = Asked(q.id, question_label(q), findings, buttons)
            out += [(w.question(q.id), asked)] + ([(w.question(q.id, True), asked)] if q.concrete else [])
        for flag, words in w.suspect_questions.items():
            out.append((words, Asked(f"suspect:{flag}", finding_label(flag), (flag,), dict(yes_no))))
        out.append((w.text("check_on_you"), Asked("contact", "a number to call back on", (), {NO: w.text("no_thanks")})))
    return sorted(out, key=lambda item: -len(item[0]))


def asked_in(bot_text: str) -> Optional[Asked]:
    """The question a bot message asks, when it holds one of the interview's questions in any language."""
    return next((asked for words, asked in _questions() if words in bot_text), None)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _said(text: str, asked: Optional[Asked]) -> Tuple[str, bool, set]:
    """What a visitor's message shows (a payload as its button's title), whether it was a button press, and
    the forms the message had when it was read (the payload behind a stored title, and the reverse)."""
    forms = {_norm(text)}
    buttons = asked.buttons if asked else {}
    for payload, title in buttons.items():
        if _norm(title) == _norm(text):
            forms.add(_norm(payload))
    if text in buttons:
        return buttons[text], text.startswith("/"), forms
    if text in PLAIN_TITLES:
        return PLAIN_TITLES[text], True, forms
    return text, False, forms


def transcript_lines(messages: Sequence[Any], outcome: Dict[str, Any]) -> List[Line]:
    """The transcript as the visitor saw it, each highlight on the finding it was read from.

    A visitor's message is read against the question the assistant asked just before it: a whole-message
    answer ("nahi", a pressed "No") goes to that question's finding only, never to another finding that
    was answered with the same word; words found by the extractor are highlighted wherever they were said.
    """
    findings = [f for f in outcome.get("findings") or [] if isinstance(f.get("span"), str) and f.get("id")]
    answers = (outcome.get("interview") or {}).get("answers") or {}
    asked: Optional[Asked] = None
    read: List[Tuple[Any, Optional[Asked], str, bool, set]] = []
    for m in messages:
        if m.sender == "user":
            shown, pressed, forms = _said(m.text, asked)
            read.append((m, asked, shown, pressed, forms))
            asked = None
        else:
            asked = asked_in(m.text) or asked
            read.append((m, None, m.text, False, set()))
    # A whole-message answer belongs to the last message that answered its finding's question.
    claimed: Dict[str, int] = {}
    for i, (_m, q, _, _, forms) in enumerate(read):
        for f in findings:
            if q is not None and f["id"] in q.findings and _norm(f["span"]) in forms:
                claimed[str(f["id"])] = i
    lines: List[Line] = []
    for i, (m, q, shown, pressed, forms) in enumerate(read):
        if m.sender != "user":
            lines.append(Line(m.sender, m.timestamp, [Segment(shown)]))
            continue
        mine = [f for f in findings if claimed.get(str(f["id"])) == i]
        others = [
            f
            for f in findings
            if str(f["id"]) not in claimed
            # a bare answer ("nahi") to one question is no finding's words for another
            and not (q is not None and _norm(f["span"]) in forms and f["id"] not in q.findings)
        ]
        segments = highlight(shown, others)
        answered, status = "", ""
        if mine:
            answered, status = str(mine[0]["id"]), str(mine[0].get("status") or "")
            if all(not seg.finding for seg in segments):
                segments = [Segment(shown, answered, status)]
        elif q is not None and answers.get(q.qid) in ("unknown", "unsure"):
            status = str(answers[q.qid])
        lines.append(Line(m.sender, m.timestamp, segments, pressed, q, answered, status))
    return lines
