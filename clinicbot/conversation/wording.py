"""Everything the visitor reads, in their language: English from its source files, Hinglish and
Hindi from clinicbot/content/lang/<language>.yml, validated against the English on load.

A translation has exactly the English keys, the same placeholders in each text, and 112 and 108
wherever the English has them; a file that does not is refused at start, not at the bedside.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

from clinicbot.content import Advice, advice, clinic
from clinicbot.conversation.interview import interview
from clinicbot.conversation.texts import texts
from clinicbot.datafiles import load_yaml
from clinicbot.triage.explain import ExplainWords
from clinicbot.vocabulary import vocabulary

LANG_DIR = Path(__file__).resolve().parent.parent / "content" / "lang"
ENGLISH, HINGLISH, HINDI = "en", "hi-Latn", "hi"
LANGUAGES = (ENGLISH, HINGLISH, HINDI)
_NUMBERS = ("112", "108")


@dataclass(frozen=True)
class Wording:
    """One language's texts, shaped like the English sources."""

    language: str
    texts: Mapping[str, str]
    advice: Advice
    booking: Mapping[str, str]
    questions: Mapping[str, Mapping[str, Any]]
    suspect_questions: Mapping[str, str]
    levels: Mapping[str, str]
    labels: Mapping[str, str]
    causes: Mapping[str, str]
    buttons: Mapping[str, str]
    weekdays: List[str]
    months: List[str]
    time_format: str

    def text(self, key: str, **kwargs: Any) -> str:
        """A conversation text (texts.yml), filled in."""
        return self.texts[key].format(**kwargs) if kwargs else self.texts[key]

    def booking_text(self, key: str, **kwargs: Any) -> str:
        """A booking text, filled in (the clinic's phone unless given)."""
        return self.booking[key].format(phone=kwargs.pop("phone", clinic().phone), **kwargs)

    def question(self, qid: str, concrete: bool = False) -> str:
        """The words of an interview question (its concrete re-ask when asked for and there is one)."""
        q = self.questions[qid]
        return (q.get("concrete") or q["text"]) if concrete else q["text"]

    def choice(self, qid: str, choice_id: str) -> str:
        """The title of a closed question's choice."""
        return str(self.questions[qid]["choices"][choice_id])

    def say_time(self, when: dt.datetime) -> str:
        """A time read back to the visitor, e.g. "Tuesday 2 December at 11:00"."""
        return self.time_format.format(
            weekday=self.weekdays[when.weekday()], day=when.day, month=self.months[when.month - 1], time=when.strftime("%H:%M")
        )

    def explain_words(self) -> ExplainWords:
        """The words the triage explanation is made of."""
        return ExplainWords(self.advice.explain, self.levels, self.labels, self.causes)


def _question_tree(q: Any) -> Dict[str, Any]:
    """A question's words: its text, its concrete re-ask, its choices' titles."""
    out: Dict[str, Any] = {"text": q.text}
    if q.concrete:
        out["concrete"] = q.concrete
    if q.choices:
        out["choices"] = {c.id: c.title for c in q.choices}
    return out


def english_tree() -> Dict[str, Any]:
    """The English texts in the shape a translation file has."""
    a, t, iv, v = advice(), texts(), interview(), vocabulary()
    return {
        "texts": {k: getattr(t, k) for k in t.__fields__ if k != "source"},
        "advice": {k: (val.dict() if hasattr(val, "dict") else val) for k, val in a if k != "source"},
        "booking": dict(clinic().booking.texts),
        "questions": {q.id: _question_tree(q) for q in iv.questions},
        "suspect_questions": dict(iv.suspect_questions),
        "levels": dict(v.levels),
        "labels": {k: f.label for k, f in v.findings.items()},
        "causes": dict(v.causes),
        "buttons": {"yes": "Yes", "no": "No"},
        "time_format": "{weekday} {day} {month} at {time}",
        "weekdays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
    }


def leaves(tree: Any, path: Tuple[str, ...] = ()) -> Dict[Tuple[str, ...], Any]:
    """Every text of a tree of texts by its path of keys."""
    if isinstance(tree, dict):
        out: Dict[Tuple[str, ...], Any] = {}
        for k, v in tree.items():
            out.update(leaves(v, (*path, str(k))))
        return out
    return {path: tree}


def _placeholders(text: str) -> List[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def check(english: Dict[str, Any], translated: Dict[str, Any], where: str) -> None:
    """Raises unless ``translated`` has the English keys, placeholders and emergency numbers."""
    en, tr = leaves(english), leaves(translated)
    if set(en) != set(tr):
        missing = sorted(".".join(k) for k in set(en) - set(tr))
        extra = sorted(".".join(k) for k in set(tr) - set(en))
        raise ValueError(f"{where}: keys differ from the English (missing {missing[:5]}, extra {extra[:5]})")
    for key, text in en.items():
        other = tr[key]
        name = ".".join(key)
        if isinstance(text, list):
            if not isinstance(other, list) or len(other) != len(text):
                raise ValueError(f"{where}: {name} must be a list of {len(text)}")
            continue
        if not isinstance(other, str) or not other.strip():
            raise ValueError(f"{where}: {name} is empty")
        if _placeholders(text) != _placeholders(other):
            raise ValueError(f"{where}: {name} has placeholders {_placeholders(other)}, the English {_placeholders(text)}")
        for number in _NUMBERS:
            if re.search(rf"\b{number}\b", text) and not re.search(rf"\b{number}\b", other):
                raise ValueError(f"{where}: {name} must keep the emergency number {number}")


@cache
def wording(language: str = ENGLISH) -> Wording:
    """The validated wording of a language (English when the language is unknown)."""
    tree = english_tree()
    if language in LANGUAGES and language != ENGLISH:
        path = LANG_DIR / f"{language}.yml"
        data = load_yaml(path)
        translated = {k: v for k, v in data.items() if k not in ("language", "source", "translated_from")}
        check(tree, translated, path.name)
        tree = translated
    else:
        language = ENGLISH
    return Wording(
        language=language,
        texts=tree["texts"],
        advice=Advice.parse_obj({"source": "", **tree["advice"]}),
        booking=tree["booking"],
        questions=tree["questions"],
        suspect_questions=tree["suspect_questions"],
        levels=tree["levels"],
        labels=tree["labels"],
        causes=tree["causes"],
        buttons=tree["buttons"],
        weekdays=list(tree["weekdays"]),
        months=list(tree["months"]),
        time_format=tree["time_format"],
    )
