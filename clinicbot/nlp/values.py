"""Values read from free text with the regular expressions of values.yml: age, duration, side, exercise."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, Optional

from clinicbot.nlp.rules import ValueRules, load_values

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ValueReader:
    """Reads age, duration_days, pain_side and trigger_exercise from a message."""

    def __init__(self, rules: Optional[ValueRules] = None):
        self.rules = rules or load_values()
        r = self.rules
        flags = re.IGNORECASE
        self._age = [re.compile(p, flags) for p in r.age.patterns]
        tens, ones = "|".join(r.age.tens), "|".join(r.age.ones)
        self._age_words = re.compile(rf"\b({tens})(?:[\s-]*({ones}))?\b|\b({'|'.join(r.age.teens)})\b", flags)
        self._quantity = re.compile(r.duration.quantity, flags)
        self._before = re.compile(r.duration.before, flags)
        self._after = re.compile(r.duration.after, flags)
        self._fixed = [(re.compile(f.pattern, flags), f.days) for f in r.duration.fixed]
        self._weekday = re.compile(r.duration.weekdays, flags)
        self._sides = [(re.compile(s.pattern, flags), s.side) for s in r.pain_side]
        self._exercises = [(re.compile(e.pattern, flags), e.exercise) for e in r.trigger_exercise]
        self._not_after = [w.lower() for w in r.duration.not_after_words]

    def read(self, text: str, today: Optional[dt.date] = None) -> Dict[str, Any]:
        """All values found in ``text``."""
        out: Dict[str, Any] = {}
        age = self.age(text)
        if age is not None:
            out["age"] = age
        days = self.duration_days(text, today)
        if days is not None:
            out["duration_days"] = days
        side = self.first(self._sides, text)
        if side:
            out["pain_side"] = side
        exercise = self.first(self._exercises, text)
        if exercise:
            out["trigger_exercise"] = exercise
        return out

    def age(self, text: str) -> Optional[int]:
        """The visitor's age, if stated (digits or words)."""
        text = self._age_words.sub(self._digits, text)
        for rx in self._age:
            for m in rx.finditer(text):
                value = int(m.group(1))
                if self.rules.age.min <= value <= self.rules.age.max:
                    return value
        return None

    def duration_days(self, text: str, today: Optional[dt.date] = None) -> Optional[int]:
        """Days since the pain started, if stated."""
        d = self.rules.duration
        for m in self._quantity.finditer(text):
            head = text[: m.start()]
            tail = text[m.end() :]
            if not (self._before.search(head) or self._after.match(tail)):
                continue
            window = head[-40:].lower()
            if any(w in window for w in self._not_after):
                continue
            qty = m.group(1).lower()
            n = float(qty) if qty[0].isdigit() else d.numbers.get(qty, d.numbers.get(qty.replace(" of", ""), 1))
            return int(n * d.units[m.group(2).lower()])
        for rx, days in self._fixed:
            if rx.search(text):
                return days
        wm = self._weekday.search(text)
        if wm:
            today = today or dt.date.today()
            wd = WEEKDAYS.index(wm.group(1).lower()[:3])
            delta = (today.weekday() - wd) % 7
            return delta or 7
        return None

    def _digits(self, m: re.Match[str]) -> str:
        a = self.rules.age
        if m.group(3):
            return str(a.teens[m.group(3).lower()])
        return str(a.tens[m.group(1).lower()] + (a.ones[m.group(2).lower()] if m.group(2) else 0))

    @staticmethod
    def first(table: list, text: str) -> Optional[str]:
        """The label of the first pattern in ``table`` that matches."""
        for rx, label in table:
            if rx.search(text):
                return label
        return None
