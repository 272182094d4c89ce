"""The booking form: name, mobile, place, time, consent, confirmation, asked one at a time.

Plain Python over clinicbot.booking's readers; the texts are the clinic's (data/clinic.yml).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from clinicbot import booking
from clinicbot.content import clinic
from clinicbot.conversation import words
from clinicbot.conversation.kinds import Kind
from clinicbot.conversation.records import BookingRequest
from clinicbot.conversation.step import Button, Say
from clinicbot.conversation.wording import Wording

NAME, PHONE, LOCATION, TIME, CONSENT, CONFIRM = "name", "phone", "location", "time", "consent", "confirm"
FIELDS = (NAME, PHONE, LOCATION, TIME, CONSENT, CONFIRM)
# What each question asks for, so a channel's input can follow (Say.expects).
EXPECTS = {NAME: "name", PHONE: "phone", LOCATION: "place", TIME: "time"}
# How the form ended, when it did not send a request.
DECLINED, ABORTED, CANCELLED = "declined", "aborted", "cancelled"
READERS: Dict[str, Tuple[Callable[[str], Optional[str]], str]] = {
    NAME: (booking.parse_name, "bad_name"),
    PHONE: (booking.parse_phone, "bad_phone"),
    LOCATION: (booking.match_location, "bad_location"),
}


def yes_no(w: Wording) -> List[Button]:
    """Yes and No quick replies in the visitor's language."""
    return [Button(w.buttons["yes"], Kind.YES), Button(w.buttons["no"], Kind.NO)]


@dataclass
class BookingForm:
    """The answers so far and the tries per question."""

    answers: Dict[str, Optional[str]] = field(default_factory=dict)
    tries: Dict[str, int] = field(default_factory=dict)
    ended: Optional[str] = None  # DECLINED, ABORTED or CANCELLED

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready form."""
        return {"answers": dict(self.answers), "tries": dict(self.tries), "ended": self.ended}

    @classmethod
    def from_dict(cls, data: Optional[Dict[str, Any]]) -> BookingForm:
        """The inverse of `to_dict`."""
        data = data or {}
        return cls(dict(data.get("answers") or {}), dict(data.get("tries") or {}), data.get("ended"))

    @property
    def pending(self) -> Optional[str]:
        """The next question to ask, or None when the form is complete or ended."""
        if self.ended:
            return None
        return next((f for f in FIELDS if not self.answers.get(f)), None)

    def ask(self, urgent: bool, w: Wording) -> Say:
        """The pending question."""
        f = self.pending
        if f == TIME:
            if urgent:
                earliest = w.say_time(booking.earliest_slot())
                return Say(w.booking_text("ask_time_urgent", earliest=earliest), yes_no(w)[:1], expects=TIME)
            return Say(w.booking_text("ask_time"), expects=TIME)
        if f == CONSENT:
            months = max(1, round(clinic().booking.retention_days / 30))
            return Say(w.booking_text("consent", months=months), yes_no(w))
        if f == CONFIRM:
            when = self.answers.get(TIME)
            return Say(
                w.booking_text(
                    "summary",
                    name=self.answers.get(NAME),
                    phone=booking.show_phone(str(self.answers.get(PHONE))),
                    location=clinic().location_name(str(self.answers.get(LOCATION))),
                    time=w.say_time(dt.datetime.fromisoformat(when)) if when else "",
                ),
                yes_no(w),
            )
        if f == LOCATION:
            buttons = [Button(loc.name, None, loc.aliases[0]) for loc in clinic().locations]
            return Say(w.booking_text("ask_location"), buttons, expects=EXPECTS[LOCATION])
        return Say(w.booking_text(f"ask_{f}"), expects=EXPECTS.get(str(f), ""))

    def answer(
        self, kind: Kind, said: str, urgent: bool, w: Wording, now: Optional[dt.datetime] = None
    ) -> List[Say]:
        """Reads a reply to the pending question; what to say before the next question."""
        f = self.pending
        if f is None:
            return []
        if kind is Kind.CANCEL:
            self.ended = CANCELLED
            return []
        if f != PHONE and self.answers.get(PHONE):
            phone = booking.parse_phone(said)
            if phone and f != CONFIRM:
                self.answers[PHONE] = phone  # a corrected number, said while another question is open
                return []
        if f in READERS:
            parse, problem = READERS[f]
            parsed = parse(said)
            if parsed:
                self.answers[f] = parsed
                return []
            return self._fail(f, problem, w)
        if f == TIME:
            return self._time(kind, said, urgent, w, now)
        if f == CONSENT:
            if kind is Kind.YES:
                self.answers[CONSENT] = (now or dt.datetime.now(dt.timezone.utc)).isoformat()
                return []
            if kind is Kind.NO:
                self.ended = DECLINED
                return []
            return self._fail(CONSENT, "yes_no", w)
        return self._confirm(kind, said, w, now)

    def _confirm(self, kind: Kind, said: str, w: Wording, now: Optional[dt.datetime]) -> List[Say]:
        """At the summary: an edit ("actually make it 11am thursday") changes it, a yes sends it."""
        when = self.answers.get(TIME)
        changes, problem = _changes(said, dt.datetime.fromisoformat(when) if when else None, now)
        if kind is Kind.YES and not changes:
            self.answers[CONFIRM] = "yes"
            return []
        self.answers.update(changes)
        if problem:
            return [Say(w.booking_text(f"bad_time_{problem}"))]
        return [] if changes else [Say(w.booking_text("what_change"))]

    def _time(self, kind: Kind, said: str, urgent: bool, w: Wording, now: Optional[dt.datetime]) -> List[Say]:
        if kind is Kind.YES and urgent:
            when: Optional[dt.datetime] = booking.earliest_slot()
        else:
            parsed = booking.parse_time(said, now)
            if parsed.problem:
                return self._fail(TIME, f"bad_time_{parsed.problem}", w)
            when = parsed.when
        assert when is not None
        self.answers[TIME] = when.isoformat()
        return [Say(w.booking_text("read_back", time=w.say_time(when)))]

    def _fail(self, f: str, key: str, w: Wording) -> List[Say]:
        self.tries[f] = self.tries.get(f, 0) + 1
        if self.tries[f] >= clinic().booking.max_tries:
            self.ended = ABORTED
            return [Say(w.booking_text("too_many_tries"))]
        return [Say(w.booking_text(key))]

    def request(self) -> BookingRequest:
        """The confirmed request."""
        a = self.answers
        return BookingRequest(
            name=str(a[NAME]),
            phone=str(a[PHONE]),
            location=str(a[LOCATION]),
            preferred_time=dt.datetime.fromisoformat(str(a[TIME])),
            consent_at=dt.datetime.fromisoformat(str(a[CONSENT])),
        )


def _changes(
    said: str, when: Optional[dt.datetime] = None, now: Optional[dt.datetime] = None
) -> Tuple[Dict[str, Optional[str]], Optional[str]]:
    """What a visitor wants changed at the summary: new values, or the fields to ask again; and why a
    new time cannot be used ("closed_day"...), when it cannot."""
    out: Dict[str, Optional[str]] = {}
    phone = booking.parse_phone(said)
    if phone:
        out[PHONE] = phone
    name = booking.parse_name(said, asked=False)
    if name:
        out[NAME] = name
    loc = booking.match_location(said) if not name else None
    if loc:
        out[LOCATION] = loc
    problem: Optional[str] = None
    if not phone and not name:
        parsed = booking.parse_time(booking.without_places(said), now, keep=when)
        if parsed.when and not parsed.problem:
            out[TIME] = parsed.when.isoformat()
        elif parsed.problem and parsed.problem != "unparsed":
            out[TIME], problem = None, parsed.problem  # said, but not a time the clinic can take: asked again
    named = set(words.tokens(said))
    for f, names in clinic().booking.change_words.items():
        if f not in out and named & {n.lower() for n in names}:
            out[f] = None
    return out, problem
