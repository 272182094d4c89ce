"""The consultation: what is known so far, and how one turn changes it (`Consultation.apply`).

The interview asks the safety questions first, most dangerous first, then the ranking ones; a red
flag in any wording at any point interrupts whatever was going on; doubt about a red flag errs
towards the more urgent level; after the emergency message every turn repeats its essentials.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from clinicbot import booking
from clinicbot.assessment import merge
from clinicbot.booking import parse_phone, show_phone
from clinicbot.content import clinic
from clinicbot.conversation import clinic_questions, words
from clinicbot.conversation.booking_form import TIME, BookingForm, yes_no
from clinicbot.conversation.cards import EMERGENCY_CARD, emergency_card
from clinicbot.conversation.escalation import escalation_level
from clinicbot.conversation.interview import Question, interview
from clinicbot.conversation.kinds import Kind, Level, Mode
from clinicbot.conversation.language import follow, requested
from clinicbot.conversation.records import Outcome, Recorder
from clinicbot.conversation.step import Button, Say, Step
from clinicbot.conversation.turn import Turn
from clinicbot.conversation.wording import ENGLISH, LANGUAGES, Wording, wording
from clinicbot.triage.engine import Observation, TriageResult, assess
from clinicbot.triage.explain import explain
from clinicbot.triage.rules import load_rules
from clinicbot.vocabulary import ABSENT, HYPOTHETICAL, PRESENT, vocabulary

logger = logging.getLogger(__name__)

UNSURE, UNKNOWN, ANSWERED = "unsure", "unknown", "answered"
SUSPECT = "suspect:"  # prefix of a question asked because the second opinion suspects a flag
CONTACT = "contact"  # after the emergency card: a number the clinic may call back on, if the visitor leaves one
_BARE_AGE = re.compile(r"^\s*(?:i\s*(?:am|'m)\s*)?(\d{1,3})\s*(?:years?|yrs?|y/?o|saal)?\s*(?:old)?\s*\.?\s*$", re.I)
_BARE_SIDE = re.compile(r"^\s*(?:on\s+)?(?:the\s+|my\s+)?(left|right|both)\b", re.I)
# Turns that say something else than an answer: they never answer the pending question.
_ASIDES = (Kind.FAQ, Kind.BOT_QUESTION, Kind.CLINIC, Kind.CANCEL, Kind.GREET, Kind.THANKS, Kind.GOODBYE, Kind.BOOK)


@dataclass
class Consultation:
    """Findings, values, answers and the level so far, and where the conversation is."""

    findings: Dict[str, Observation] = field(default_factory=dict)
    values: Dict[str, Any] = field(default_factory=dict)
    answers: Dict[str, str] = field(default_factory=dict)  # question id -> present/absent/unsure/unknown/answered
    unsure: Dict[str, int] = field(default_factory=dict)  # question id -> unsure answers so far
    suspected: List[str] = field(default_factory=list)  # red flags to ask about at once
    mode: Mode = Mode.IDLE
    pending: Optional[str] = None  # the question asked (interview)
    level: Optional[str] = None  # the level so far (None until something is known)
    form: BookingForm = field(default_factory=BookingForm)
    booking_saved: bool = False
    outcome: Optional[Outcome] = None  # the last outcome the visitor was told
    language: Optional[str] = None  # en, hi-Latn or hi: replies follow it (None until the first message)

    @property
    def w(self) -> Wording:
        """What the visitor reads, in their language."""
        return wording(self.language or ENGLISH)

    # -- state ---------------------------------------------------------------------------------

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready form (kept in one slot)."""
        return {
            "findings": {k: [v.status, v.span] for k, v in self.findings.items()},
            "values": dict(self.values),
            "answers": dict(self.answers),
            "unsure": dict(self.unsure),
            "suspected": list(self.suspected),
            "mode": self.mode.value,
            "pending": self.pending,
            "level": self.level,
            "form": self.form.to_dict(),
            "booking_saved": self.booking_saved,
            "outcome": self.outcome.to_dict() if self.outcome else None,
            "language": self.language,
        }

    @classmethod
    def from_dict(cls, data: Optional[Dict[str, Any]]) -> Consultation:
        """The inverse of `to_dict`; anything unreadable starts afresh."""
        data = data or {}
        vocab = vocabulary()
        findings = {
            k: Observation(str(v[0]), str(v[1]) if len(v) > 1 else "")
            for k, v in (data.get("findings") or {}).items()
            if k in vocab.findings and isinstance(v, (list, tuple)) and v and v[0] in vocab.statuses
        }
        try:
            mode = Mode(data.get("mode") or Mode.IDLE.value)
        except ValueError:
            mode = Mode.IDLE
        outcome = data.get("outcome")
        return cls(
            findings=findings,
            values=dict(data.get("values") or {}),
            answers=dict(data.get("answers") or {}),
            unsure={k: int(v) for k, v in (data.get("unsure") or {}).items()},
            suspected=list(data.get("suspected") or []),
            mode=mode,
            pending=data.get("pending"),
            level=data.get("level"),
            form=BookingForm.from_dict(data.get("form")),
            booking_saved=bool(data.get("booking_saved")),
            outcome=Outcome.from_dict(outcome) if isinstance(outcome, dict) else None,
            language=data.get("language") if data.get("language") in LANGUAGES else None,
        )

    # -- assessment ----------------------------------------------------------------------------

    def result(self) -> TriageResult:
        """The engine's result over what is known."""
        return assess(self.findings, self.values)

    def _floor(self) -> Optional[Question]:
        """An emergency question answered unsure once: the level is at least urgent until it is clear."""
        for qid, count in self.unsure.items():
            question = self._question(qid) if count and self.answers.get(qid) == UNSURE else None
            if question is not None:
                return question
        return None

    def _level(self, result: TriageResult) -> str:
        level = result.level
        if self._floor() is not None:
            level = vocabulary().more_urgent(level, Level.URGENT.value)
        return level

    def _outcome(self, result: TriageResult, lines: List[str]) -> Outcome:
        return Outcome(
            level=self._level(result),
            red_flags=list(result.red_flags),
            likely_causes=result.cause_ids,
            explanation=lines,
            rules_version=result.rules_version,
            findings=[{"id": k, "status": v.status, "span": v.span} for k, v in self.findings.items()],
            values=dict(self.values),
            interview={
                "suspected": list(self.suspected),
                "answers": dict(self.answers),
                "unsure": dict(self.unsure),
                "language": self.language or ENGLISH,
            },
        )

    def current(self) -> Outcome:
        """The outcome as it stands (the lines of the last told outcome, when there is one)."""
        result = self.result()
        lines = list(self.outcome.explanation) if self.outcome else list(result.explanation)
        return self._outcome(result, lines)

    # -- questions -----------------------------------------------------------------------------

    @staticmethod
    def _question(qid: Optional[str]) -> Optional[Question]:
        if not qid or qid.startswith(SUSPECT):
            return None
        return next((q for q in interview().questions if q.id == qid), None)

    def _answered(self, q: Question, result: TriageResult) -> bool:
        if self.answers.get(q.id) not in (None, UNSURE):
            return True
        if q.kind == "flag":
            if q.finding in load_rules().screening_order:
                return q.finding not in result.unanswered_screening
            o = self.findings.get(q.finding)
            return o is not None and o.status in (PRESENT, ABSENT)
        if q.kind == "sides":
            o = self.findings.get(q.finding)
            return o is not None and o.status in (PRESENT, ABSENT)
        if q.kind == "value":
            return q.value in self.values
        return any(f in self.findings for f in q.findings)

    def _next(self, result: TriageResult) -> Optional[str]:
        """The next question to ask, or None when the outcome can be given."""
        if result.level == Level.EMERGENCY.value:
            return None
        for flag in self.suspected:
            o = self.findings.get(flag)
            if o is None or o.status not in (PRESENT, ABSENT):
                q = interview().asking(flag)
                if q is None or not self._answered(q, result):
                    return q.id if q else SUSPECT + flag
        for q in interview().questions:
            if self._answered(q, result):
                continue
            if q.ask_when_present and not self._present(q.ask_when_present, result):
                continue
            return q.id
        return None

    def _present(self, fid: str, result: TriageResult) -> bool:
        o = self.findings.get(fid)
        return fid in result.red_flags or (o is not None and o.status == PRESENT)

    def _ask(self, qid: str) -> Say:
        w = self.w
        if qid.startswith(SUSPECT):
            return Say(w.suspect_questions[qid[len(SUSPECT) :]], yes_no(w))
        q = interview().question(qid)
        concrete = self.answers.get(qid) == UNSURE and bool(q.concrete)
        if q.choices:
            answers = {"yes": Kind.YES, "no": Kind.NO}
            buttons = [Button(w.choice(qid, c.id), answers.get(c.answer), c.reply) for c in q.choices]
        else:
            buttons = yes_no(w) if q.kind == "flag" else []
        return Say(w.question(qid, concrete), buttons)

    # -- reading an answer ---------------------------------------------------------------------

    def _read_answer(self, turn: Turn, new: Dict[str, Observation], values: Dict[str, Any], says: List[Say]) -> bool:
        """Reads the reply to the pending question into ``new`` / ``values``; True when it answered it."""
        qid = self.pending
        if not qid or turn.kind in _ASIDES:
            return False
        if qid.startswith(SUSPECT):
            flag = qid[len(SUSPECT) :]
            return self._yes_no(qid, flag, turn, new, says, concrete=False)
        q = interview().question(qid)
        if q.kind == "flag":
            return self._yes_no(q.id, q.finding, turn, new, says, concrete=bool(q.concrete), ranking=q.ranking)
        if q.kind == "sides":
            if q.finding in new:
                return True
            if words.says_both(turn.text):
                new[q.finding] = Observation(PRESENT, turn.text)
                return True
            if words.says_one(turn.text) or words.yes_no(turn.text) is Kind.NO:
                new[q.finding] = Observation(ABSENT, turn.text)
                return True
            if words.yes_no(turn.text) is Kind.UNSURE:
                new[q.finding] = Observation(PRESENT, turn.text)
                says.append(Say(self.w.text("unsure_counted", label=self.w.labels[q.finding])))
                return True
            return False
        if q.kind == "value":
            if q.value in values:
                return True
            m = (_BARE_AGE if q.reads == "number" else _BARE_SIDE).match(turn.text) if q.reads else None
            if m:
                values[q.value] = int(m.group(1)) if q.reads == "number" else m.group(1).lower()
                return True
            if turn.kind is not Kind.UNCLEAR and not new:
                self.answers[q.id] = UNKNOWN  # a ranking question may stay unknown
                return True
            return False
        if any(f in new for f in q.findings) or turn.kind is not Kind.UNCLEAR:
            self.answers[q.id] = ANSWERED
            return True
        return False

    def _yes_no(
        self,
        qid: str,
        finding: str,
        turn: Turn,
        new: Dict[str, Observation],
        says: List[Say],
        concrete: bool,
        ranking: bool = False,
    ) -> bool:
        """A yes/no question: the findings heard, else the words; doubt errs towards present."""
        heard = new.get(finding)
        if heard is not None and heard.status in (PRESENT, ABSENT):
            return True
        reading = words.read(turn.text)
        kind = reading.kind
        if any(o.status in (PRESENT, ABSENT) for o in new.values()):
            if not reading.qualified:
                return False  # it speaks of something else: each answer answers only its own question
            merged = assess(merge(self.findings, new), self.values)
            if finding in merged.red_flags or (kind is Kind.NO and finding not in merged.unanswered_screening):
                return True  # what it adds answers the question itself ("no, but it tingles down my leg")
        if kind is None and turn.kind in (Kind.YES, Kind.NO, Kind.UNSURE):
            kind = turn.kind
        if kind is Kind.YES:
            new[finding] = Observation(PRESENT, turn.text)
        elif kind is Kind.NO:
            new[finding] = Observation(ABSENT, turn.text)
        elif kind is Kind.UNSURE:
            if ranking:
                self.answers[qid] = UNKNOWN
                return True
            self.unsure[qid] = self.unsure.get(qid, 0) + 1
            level = vocabulary().findings[finding].level
            if level == Level.EMERGENCY.value and concrete and self.unsure[qid] == 1:
                self.answers[qid] = UNSURE  # the level is at least urgent now; one concrete question
                says.append(Say(self.w.text("unsure_emergency")))
                return False
            new[finding] = Observation(PRESENT, turn.text)
            says.append(Say(self.w.text("unsure_counted", label=self.w.labels[finding])))
        else:
            return False
        self.answers.pop(qid, None)
        return True

    def _both_legs(self, turn: Turn, new: Dict[str, Observation]) -> None:
        """ "Both" said about a one-sided leg finding (a correction, or asked about the legs)."""
        table = interview()
        pending = self._question(self.pending)
        leg_findings = set(table.both_legs) | set(table.both_legs.values())
        leg_question = pending is not None and pending.finding in leg_findings
        if not words.says_both(turn.text) or not (words.is_correction(turn.text) or leg_question):
            return
        back = table.both_sides_of_the_back
        if back["finding"] in new or back["value"] in turn.values:
            return  # "both sides" of the back
        result = assess(merge(self.findings, new), self.values)
        for source, target in interview().both_legs.items():
            if self._present(source, result) or (source in new and new[source].status == PRESENT):
                if target not in new or new[target].status != PRESENT:
                    new[target] = Observation(PRESENT, turn.text)

    # -- the turn ------------------------------------------------------------------------------

    def apply(self, turn: Turn, recorder: Optional[Recorder] = None, now: Optional[dt.datetime] = None) -> Step:
        """One visitor turn: what to say, and the state the channels show."""
        says: List[Say] = []
        turn = _plain_kind(self._about_clinic(turn, now))
        asked = requested(turn.text)
        self.language = follow(self.language, turn.text)
        if asked and not _speaks(turn):
            return self._switched(says)
        if turn.cut:
            says.append(Say(self.w.advice.truncated.format(kept=clinic().max_message_chars, cut=turn.cut)))
        before = self.result()
        new = dict(turn.findings)
        values = dict(turn.values) if self.mode is not Mode.BOOKING else {}
        answered = False
        if self.mode is Mode.INTERVIEW:
            answered = self._read_answer(turn, new, values, says)
        self._both_legs(turn, new)
        for flag in turn.suspected:
            if flag not in self.suspected:
                self.suspected.append(flag)
        self.findings = merge(self.findings, new)
        self.values.update(values)
        result = self.result()
        level = self._level(result) if (self.findings or self.values or self.answers) else None
        step = Step(says, level, list(result.red_flags), result.cause_ids if level else [])
        escalated = escalation_level(self.level, level, result.red_flags)
        self.level = level
        worries = [
            f for f, o in new.items() if o.status == HYPOTHETICAL and vocabulary().findings[f].kind == "red_flag"
        ]

        if self.mode is Mode.EMERGENCY:
            self._after_emergency(turn, result, says, recorder)
        elif level == Level.EMERGENCY.value:
            self._tell_outcome(result, says)
        else:
            if worries:
                labels = " / ".join(self.w.labels[f] for f in worries)
                says.append(Say(self.w.advice.hypothetical.format(flags=labels)))
            fresh = [f for f in result.red_flags if f not in before.red_flags]
            self._route(turn, result, answered, fresh, says, recorder, now)
        if escalated and recorder is not None:
            outcome = self._outcome(result, self.outcome.explanation if self.outcome else result.explanation)
            if _quietly("recording an escalation", recorder.escalation, escalated, outcome, self.booking_saved):
                step.escalation = escalated
        if recorder is not None and (self.booking_saved or self.mode is Mode.EMERGENCY):
            # a conversation on record keeps every message, this turn's replies too
            _quietly("appending to a stored conversation", recorder.append, [say.text for say in says])
        return step

    def _switched(self, says: List[Say]) -> Step:
        """The visitor asked for another language: say so in it, then the pending question again."""
        says.append(Say(self.w.text("switched")))
        if self.mode is Mode.INTERVIEW and self.pending:
            says.append(self._ask(self.pending))
        elif self.mode is Mode.BOOKING and self.form.pending:
            says.append(self.form.ask(self.level == Level.URGENT.value, self.w))
        elif self.mode is Mode.EMERGENCY:
            says.append(Say(self.w.text("emergency_go"), card=EMERGENCY_CARD))
        result = self.result()
        return Step(says, self.level, list(result.red_flags), result.cause_ids if self.level else [])

    def _route(
        self,
        turn: Turn,
        result: TriageResult,
        answered: bool,
        fresh: List[str],
        says: List[Say],
        recorder: Optional[Recorder],
        now: Optional[dt.datetime],
    ) -> None:
        """Below an emergency: the interview, the booking form or a free turn."""
        speaks = _speaks(turn) or bool(turn.suspected)
        if self.mode is Mode.INTERVIEW:
            if turn.kind is Kind.CANCEL:
                self._stop(result, says)
            elif turn.kind is Kind.GOODBYE and not answered:
                self.mode, self.pending = Mode.IDLE, None
                says.append(Say(self.w.text("goodbye")))
            elif turn.kind is Kind.BOOK and not speaks:
                says.extend([Say(self.w.text("book_after_questions")), self._ask(str(self.pending))])
            elif answered or speaks or self._asked_elsewhere(result):
                self._continue(result, says)
            else:
                if not self._aside(turn, says) and not says:
                    says.append(Say(self.w.text("reask" if self._is_safety(self.pending) else "unclear")))
                says.append(self._ask(str(self.pending)))
            return
        if self.mode is Mode.BOOKING:
            self._booking(turn, result, fresh, says, recorder, now)
            return
        offered = self.mode is Mode.OUTCOME and not speaks
        if turn.kind is Kind.BOOK or (turn.kind is Kind.YES and offered):
            self._start_booking(says)
        elif turn.kind is Kind.NO and offered:
            self.mode = Mode.IDLE
            says.append(Say(self.w.text("anything_else")))
        elif turn.kind is Kind.CANCEL:
            self.mode = Mode.IDLE
            says.append(Say(self.w.text("cancelled")))
        elif turn.kind in (Kind.FAQ, Kind.BOT_QUESTION, Kind.CLINIC, Kind.GOODBYE):
            self._aside(turn, says)
            if fresh:
                self._announce(result, fresh, says)
        elif speaks or turn.kind is Kind.SYMPTOMS:
            self._continue(result, says)
        elif not self._aside(turn, says) and not says:
            says.append(Say(self.w.text("out_of_scope" if turn.kind is Kind.OUT_OF_SCOPE else "unclear")))

    def _asked_elsewhere(self, result: TriageResult) -> bool:
        q = self._question(self.pending)
        return q is not None and self._answered(q, result)

    def _is_safety(self, qid: Optional[str]) -> bool:
        q = self._question(qid)
        return bool(qid and (qid.startswith(SUSPECT) or (q is not None and (q.safety or q.kind == "sides"))))

    def _aside(self, turn: Turn, says: List[Say]) -> bool:
        """Answers a turn that is not an answer: an FAQ, a question about the bot, a greeting."""
        w = self.w
        answer = {
            Kind.FAQ: w.advice.faq.get(turn.faq, ""),
            Kind.BOT_QUESTION: w.text("about_bot"),
            # in an emergency the answer is the emergency department, not the clinic's hours or number
            Kind.CLINIC: clinic_questions.answer(turn.faq, w) if self.mode is not Mode.EMERGENCY else "",
            Kind.GREET: w.text("greet") if self.mode is Mode.IDLE else "",
            Kind.THANKS: w.text("thanks") if self.mode is not Mode.INTERVIEW else "",
            Kind.GOODBYE: w.text("goodbye"),
        }.get(turn.kind, "")
        if answer:
            says.append(Say(answer))
        return bool(answer) or turn.kind in (Kind.GREET, Kind.THANKS)

    def _about_clinic(self, turn: Turn, now: Optional[dt.datetime]) -> Turn:
        """A question about the clinic (hours, fees, another problem, a person) is an aside, whatever its
        intent, unless it answers the pending question or tells a red flag (then it is read as that)."""
        question = clinic_questions.asked(turn.text, now)
        if question is None or turn.suspected or words.read(turn.text).leads:
            return turn  # an answer first: "nahi, ghutne mein dard hai"
        if any(vocabulary().findings[f].kind == "red_flag" for f in turn.findings):
            return turn
        if self.mode is Mode.INTERVIEW and _speaks_findings(turn):
            return turn
        if self.mode is Mode.BOOKING and self.form.pending == TIME:
            if not turn.text.rstrip().endswith("?") and booking.parse_time(turn.text, now).problem is None:
                return turn  # a time: "monday after you open"
        return replace(turn, kind=Kind.CLINIC, faq=question, findings={}, values={})

    def _continue(self, result: TriageResult, says: List[Say]) -> None:
        """The next question, or the outcome when none is left."""
        qid = self._next(result)
        if qid is None:
            self._tell_outcome(result, says)
            return
        self.mode, self.pending = Mode.INTERVIEW, qid
        says.append(self._ask(qid))

    def _stop(self, result: TriageResult, says: List[Say]) -> None:
        """The visitor stops the questions: the outcome if it is urgent already, else the safety advice."""
        self.pending = None
        if self._level(result) in (Level.EMERGENCY.value, Level.URGENT.value):
            self._tell_outcome(result, says)
        else:
            self.mode = Mode.IDLE
            says.append(Say(self.w.advice.stopped))

    def _tell_outcome(self, result: TriageResult, says: List[Say]) -> None:
        """The outcome in at most three messages (what to do and how soon; why; the clinic's advice),
        then the booking offer with buttons. An emergency is one card instead, with no other causes."""
        w = self.w
        a = w.advice
        level = self._level(result)
        lines = [a.explain.level.format(level_text=w.levels[level]), *self._explanation(result)[1:]]
        floor = self._floor()
        if floor is not None and level != result.level:
            lines.append(w.text("explain_unsure", label=w.labels[floor.finding], level_text=w.levels[level]))
        self.outcome = self._outcome(result, lines)
        if level == Level.EMERGENCY.value:
            self.mode, self.pending = Mode.EMERGENCY, CONTACT
            says.append(self._card(result, a.levels[level]))
            says.append(Say(w.text("check_on_you"), [Button(w.text("no_thanks"), Kind.NO)], expects="phone"))
            return
        self.mode, self.pending = Mode.OUTCOME, None
        top = result.likely_causes[0].id if result.likely_causes else None
        told = [a.levels[level], "\n".join(lines[1:]), a.causes[top] if top else ""]
        told = [text for text in told if text]
        for i, text in enumerate(told):
            says.append(Say(text, footnote=a.disclaimer if i == len(told) - 1 else ""))
        says.append(Say(a.offer_booking[Level.URGENT.value if level == Level.URGENT.value else "other"], yes_no(w)))

    def _card(self, result: TriageResult, opening: str, closing: str = "") -> Say:
        """The emergency card over what is known (cards.py)."""
        return emergency_card(result, self.findings, self.values, self.w, opening, closing)

    def _after_emergency(
        self, turn: Turn, result: TriageResult, says: List[Say], recorder: Optional[Recorder]
    ) -> None:
        """Every turn after the emergency: the card again, plainly; a number left to be called back is kept."""
        w = self.w
        phone = parse_phone(turn.text) if self.pending == CONTACT else None
        if phone is not None:
            self.pending = None
            if recorder is not None and _quietly("keeping a number to call back", recorder.contact, phone):
                says.append(Say(w.text("check_on_you_kept", phone=show_phone(phone))))
            else:
                says.append(Say(w.text("check_on_you_failed", phone=clinic().phone)))
            says.append(Say(w.text("emergency_go"), card=EMERGENCY_CARD))
            return
        if self.pending == CONTACT and turn.kind is Kind.NO and not _speaks(turn):
            self.pending = None
            says.append(Say(w.text("emergency_go"), card=EMERGENCY_CARD))
            return
        self._aside(turn, says)
        if turn.kind in (Kind.YES, Kind.THANKS, Kind.GOODBYE):
            says.append(Say(w.text("emergency_go"), card=EMERGENCY_CARD))
        else:  # "can I come tomorrow?", "is it that serious?", anything else: no, and why, and go now
            opening = w.text("emergency_no_booking" if turn.kind is Kind.BOOK else "emergency_again")
            says.append(self._card(result, opening, w.text("emergency_go")))

    def _announce(self, result: TriageResult, fresh: List[str], says: List[Say]) -> None:
        """A red flag that appears outside the interview: what it means, at once."""
        labels = [self.w.labels[f] for f in fresh]
        lines = [line for line in self._explanation(result)[1:] if any(label in line for label in labels)]
        says.append(Say("\n\n".join([self.w.advice.levels[self._level(result)], *lines])))

    def _explanation(self, result: TriageResult) -> List[str]:
        """The engine's reasons in the visitor's language."""
        if self.w.language == ENGLISH:
            return list(result.explanation)
        return explain(result, self.findings, self.values, result.level_reason, self.w.explain_words())

    # -- booking -------------------------------------------------------------------------------

    def _start_booking(self, says: List[Say]) -> None:
        self.mode, self.pending, self.form = Mode.BOOKING, None, BookingForm()
        says.append(self.form.ask(self.level == Level.URGENT.value, self.w))

    def _booking(
        self,
        turn: Turn,
        result: TriageResult,
        fresh: List[str],
        says: List[Say],
        recorder: Optional[Recorder],
        now: Optional[dt.datetime],
    ) -> None:
        if fresh:
            self._announce(result, fresh, says)
        urgent = self.level == Level.URGENT.value
        if turn.kind in (Kind.FAQ, Kind.BOT_QUESTION, Kind.CLINIC) and self._aside(turn, says):
            says.append(self.form.ask(urgent, self.w))
            return
        says.extend(self.form.answer(turn.kind, turn.text, urgent, self.w, now))
        if self.form.pending:
            says.append(self.form.ask(urgent, self.w))
            return
        self.mode = Mode.IDLE
        if self.form.ended:
            if self.form.ended != "aborted":
                says.append(Say(self.w.booking_text(self.form.ended)))
            return
        says.append(Say(self._save(recorder)))

    def _save(self, recorder: Optional[Recorder]) -> str:
        """Stores the confirmed request; the visitor gets the clinic's number if that fails."""
        request = self.form.request()
        try:
            if recorder is None:
                raise RuntimeError("no recorder")
            saved = recorder.booking(request, self.current())
        except Exception as exc:  # the visitor gets the phone number; the log gets no personal data
            logger.error("saving a booking failed: %s", type(exc).__name__)
            return self.w.booking_text("store_down")
        self.booking_saved = True
        if not saved.created:  # this conversation already has a request: say so, never claim a new one
            local = saved.preferred_time.astimezone(ZoneInfo(clinic().hours.timezone))
            return self.w.booking_text("already", time=self.w.say_time(local))
        return self.w.booking_text(
            "saved",
            reference=saved.reference,
            phone=show_phone(request.phone),
            location=clinic().location_name(request.location),
            time=self.w.say_time(request.preferred_time),
        )


def _speaks(turn: Turn) -> bool:
    """The turn tells something of the visitor: a finding stated present or absent, or a value."""
    return bool(turn.values) or any(o.status in (PRESENT, ABSENT) for o in turn.findings.values())


def _speaks_findings(turn: Turn) -> bool:
    return any(o.status in (PRESENT, ABSENT) for o in turn.findings.values())


def _plain_kind(turn: Turn) -> Turn:
    """A statement or an unclear turn that says yes, no or unsure in words is that answer."""
    if turn.kind in (Kind.SYMPTOMS, Kind.STATEMENT, Kind.UNCLEAR) and not _speaks(turn):
        said = words.yes_no(turn.text)
        if said is not None:
            return replace(turn, kind=said)
    return turn


def _quietly(what: str, call: Any, *args: Any) -> bool:
    """Runs a store call; a failure is logged (its type only) and never breaks the chat."""
    try:
        call(*args)
        return True
    except Exception as exc:
        logger.error("%s failed: %s", what, type(exc).__name__)
        return False
