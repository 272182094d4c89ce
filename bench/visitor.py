"""Section 10: what the visitor sees (issue 18), over whole conversations through the conversation core.

Every vignette and every red-flag corpus message opens a conversation; each question is answered the
way a patient taps it (the "No" or the first choice; an age for "How old are you?") until an outcome
or the emergency card. Measured: messages before the booking offer, the emergency card (first, alone,
with 112 / 108 and no benign cause), push-back after it ("can I come tomorrow instead?"), closed
questions without buttons, and advice said twice in one outcome (five words in a row in two of its messages). The core is driven directly (the
NLU's intent is taken as "describes symptoms"; the extractor reads the words), so the figures are the
conversation's, not the NLU's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import yaml

from bench.common import ROOT, Figure, SectionResult, Target
from bench.redflags import load_corpus

VIGNETTES = ROOT / "tests" / "vignettes"
MAX_TURNS = 16
NOW = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.timezone.utc)


@dataclass
class Record:
    """An in-memory recorder: the conversation core's port, nothing stored."""

    contacts: List[str] = field(default_factory=list)

    def escalation(self, level: str, outcome: Any, consented: bool) -> None:
        """Nothing to keep."""

    def booking(self, request: Any, outcome: Any) -> Any:
        raise RuntimeError("no bookings in this benchmark")

    def append(self, said: List[str]) -> None:
        """Nothing to keep."""

    def contact(self, phone: str) -> None:
        self.contacts.append(phone)


@dataclass
class Seen:
    """What one conversation showed."""

    end: str = ""  # outcome, emergency or none
    before_offer: int = 0
    repeated: bool = False
    unbuttoned: int = 0
    asked: int = 0
    card_first: bool = False
    card_clean: bool = False
    pushback_card: bool = False


def openers() -> List[str]:
    """The vignettes' and the red-flag corpus's messages, each the start of a conversation."""
    texts: List[str] = []
    for path in sorted(VIGNETTES.glob("*.yml")):
        texts += [str(v["text"]) for v in yaml.safe_load(path.read_text(encoding="utf-8"))]
    texts += [str(item["text"]) for item in load_corpus()]
    return texts


SHINGLE = 5  # words: a run this long said in two lines is the same thing said twice


def repeats(texts: List[str]) -> List[str]:
    """Runs of SHINGLE words that appear in two of the messages (what to do, why, the clinic's
    advice): the rest-and-heat advice said by the level and again by the cause. Within one message
    the reasons share their template ("because you said ...") by design."""
    seen: Dict[str, int] = {}
    twice: List[str] = []
    for i, line in enumerate(texts):
        words = re.findall(r"[^\s.,;:!?\u0964\"()]+", line.lower())
        for j in range(len(words) - SHINGLE + 1):
            run = " ".join(words[j : j + SHINGLE])
            if seen.setdefault(run, i) != i and run not in twice:
                twice.append(run)
    return twice


def converse(opener: str) -> Seen:
    """One conversation, answered as a patient taps through it."""
    from clinicbot.assessment import observations
    from clinicbot.conversation import Consultation, Kind, Mode, Turn
    from clinicbot.conversation.interview import interview
    from clinicbot.conversation.turn import clean_value
    from clinicbot.conversation.wording import wording
    from clinicbot.nlp.extractor import default_extractor
    from clinicbot.vocabulary import vocabulary

    extractor = default_extractor()

    def turn(text: str, kind: Any) -> Any:
        e = extractor.extract(text)
        values = {k: clean_value(k, v) for k, v in e.values.items() if clean_value(k, v) is not None}
        return Turn(text, kind, "", observations(e), values, 0, [])

    c, rec, seen = Consultation(), Record(), Seen()
    step = c.apply(turn(opener, Kind.SYMPTOMS), rec, NOW)
    for _ in range(MAX_TURNS):
        if c.mode is Mode.INTERVIEW and c.pending:
            q = interview().question(c.pending) if not c.pending.startswith("suspect:") else None
            seen.asked += 1
            open_question = q is not None and q.kind == "value" and not q.choices
            if not open_question and not step.says[-1].buttons:
                seen.unbuttoned += 1
            if open_question:
                answer = turn("34" if q is not None and q.reads == "number" else "not sure", Kind.STATEMENT)
            else:
                button = next((b for b in step.says[-1].buttons if b.kind is Kind.NO), step.says[-1].buttons[0])
                answer = turn(button.reply or button.title, button.kind or Kind.SYMPTOMS)
            step = c.apply(answer, rec, NOW)
            continue
        break
    w = wording(c.language or "en")
    if c.mode is Mode.EMERGENCY:
        seen.end = "emergency"
        first = step.says[0]
        seen.card_first = first.card == "emergency"
        benign = [w.causes[k] for k in vocabulary().causes if k != "cauda_equina_syndrome"]
        seen.card_clean = "112" in first.text and "108" in first.text and not any(b in first.text for b in benign)
        after = c.apply(turn("can I just come to the clinic tomorrow instead?", Kind.BOOK), rec, NOW)
        seen.pushback_card = len(after.says) == 1 and after.says[0].card == "emergency" and "112" in after.says[0].text
    elif c.mode is Mode.OUTCOME:
        seen.end = "outcome"
        offers = [i for i, s in enumerate(step.says) if s.buttons]
        seen.before_offer = offers[-1] if offers else len(step.says)
        told = [s.text for s in step.says[: seen.before_offer]]
        seen.repeated = bool(repeats(told))
    else:
        seen.end = "none"
    return seen


def run() -> SectionResult:
    """Every opener through the core; figures against issue 18's targets."""
    seen = [converse(t) for t in openers()]
    outcomes = [s for s in seen if s.end == "outcome"]
    emergencies = [s for s in seen if s.end == "emergency"]
    most = max((s.before_offer for s in outcomes), default=0)
    figs = [
        Figure(
            "visitor_outcome_messages_max",
            "Messages before the booking offer, most in any outcome",
            float(most),
            n=len(outcomes),
            target=Target("<=", 3.0, "<= 3"),
        ),
        Figure(
            "visitor_outcome_repeats",
            "Outcomes that say something twice (5 words in two messages)",
            float(sum(s.repeated for s in outcomes)),
            k=sum(s.repeated for s in outcomes),
            n=len(outcomes),
            target=Target("<=", 0.0, "0"),
        ),
        Figure(
            "visitor_emergency_card_first",
            "Emergency replies that open with the card (112 / 108, no benign cause)",
            sum(s.card_first and s.card_clean for s in emergencies) / max(1, len(emergencies)),
            k=sum(s.card_first and s.card_clean for s in emergencies),
            n=len(emergencies),
            target=Target(">=", 1.0, "all"),
        ),
        Figure(
            "visitor_pushback_card",
            "Push-back after the emergency answered with the card alone",
            sum(s.pushback_card for s in emergencies) / max(1, len(emergencies)),
            k=sum(s.pushback_card for s in emergencies),
            n=len(emergencies),
            target=Target(">=", 1.0, "all"),
        ),
        Figure(
            "visitor_closed_questions_without_buttons",
            "Closed questions asked without buttons",
            float(sum(s.unbuttoned for s in seen)),
            k=sum(s.unbuttoned for s in seen),
            n=sum(s.asked for s in seen),
            target=Target("<=", 0.0, "0"),
        ),
    ]
    ends: Dict[str, int] = {}
    for s in seen:
        ends[s.end] = ends.get(s.end, 0) + 1
    notes = [f"{len(seen)} conversations (vignettes and the red-flag corpus): {ends}"]
    return SectionResult(figs, {"ends": ends}, notes)


def main(argv: Optional[List[str]] = None) -> None:  # pragma: no cover - a quick look without the table
    for f in run().figures:
        print(f.key, f.value, f.k, f.n)


if __name__ == "__main__":  # pragma: no cover
    main()
