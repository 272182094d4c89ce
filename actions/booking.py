"""The booking form and saving a confirmed request: thin glue around clinicbot.booking and the store."""

from __future__ import annotations

import datetime as dt
import logging
import re
from abc import ABC, abstractmethod
from typing import Any, Callable, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.names import latest_intent as _intent
from actions.store import save_booking
from clinicbot import booking, dialogue
from clinicbot.content import clinic

logger = logging.getLogger(__name__)

FORM_SLOTS = [names.B_NAME, names.B_PHONE, names.B_LOCATION, names.B_TIME, names.B_CONSENT, names.B_CONFIRM]
ENDED = (names.STATUS_DECLINED, names.STATUS_ABORTED, names.STATUS_CANCELLED)
# Free-text answers: the parser, and the clinic.yml text that re-asks with an example.
# Words at the summary that name the field to ask again.
CHANGE_WORDS = (
    ("name", names.B_NAME),
    ("number", names.B_PHONE),
    ("mobile", names.B_PHONE),
    ("phone", names.B_PHONE),
    ("place", names.B_LOCATION),
    ("location", names.B_LOCATION),
    ("time", names.B_TIME),
    ("day", names.B_TIME),
    ("date", names.B_TIME),
)
READERS: Dict[str, Tuple[Callable[[str], Optional[str]], str]] = {
    names.B_NAME: (booking.parse_name, "bad_name"),
    names.B_PHONE: (booking.parse_phone, "bad_phone"),
    names.B_LOCATION: (booking.match_location, "bad_location"),
}


def _text(key: str, **kwargs: Any) -> str:
    c = clinic()
    return c.booking.texts[key].format(phone=kwargs.pop("phone", c.phone), **kwargs)


class ValidateBookingForm(FormValidationAction):
    """Name, mobile, place, time, consent, confirmation; the red flag always wins."""

    def name(self) -> str:
        return names.VALIDATE_BOOKING_FORM

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        if tracker.get_slot(names.TRIAGE_LEVEL) == names.EMERGENCY or tracker.get_slot(names.B_STATUS) in ENDED:
            return []
        return FORM_SLOTS

    def _side_step(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Dict[str, Any]]:
        """Cancel, FAQ or a correction of an earlier answer instead of an answer to this question."""
        intent = _intent(tracker)
        if intent == names.INTENT_CANCEL:
            return {slot: None, names.B_STATUS: names.STATUS_CANCELLED}
        faq = dialogue.faq_answer(intent)
        if faq:
            dispatcher.utter_message(text=faq)
            return {slot: None}
        text = tracker.latest_message.get("text") or ""
        if slot != names.B_PHONE and tracker.get_slot(names.B_PHONE):
            phone = booking.parse_phone(text)
            if phone:
                return {slot: None, names.B_PHONE: phone}
        return None

    def _fail(self, slot: str, key: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        tries = dict(tracker.get_slot(names.B_TRIES) or {})
        tries[slot] = tries.get(slot, 0) + 1
        if tries[slot] >= clinic().booking.max_tries:
            dispatcher.utter_message(text=_text("too_many_tries"))
            return {slot: None, names.B_TRIES: tries, names.B_STATUS: names.STATUS_ABORTED}
        dispatcher.utter_message(text=_text(key))
        return {slot: None, names.B_TRIES: tries}

    def _read(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        """A free-text answer read by its parser, or re-asked with an example."""
        side = self._side_step(slot, dispatcher, tracker)
        if side is not None:
            return side
        parse, problem = READERS[slot]
        parsed = parse(str(value or ""))
        return {slot: parsed} if parsed else self._fail(slot, problem, dispatcher, tracker)

    async def validate_booking_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A person's name."""
        return self._read(names.B_NAME, value, dispatcher, tracker)

    async def validate_booking_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A valid mobile number, as E.164."""
        return self._read(names.B_PHONE, value, dispatcher, tracker)

    async def validate_booking_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """One of the clinic's two locations."""
        return self._read(names.B_LOCATION, value, dispatcher, tracker)

    async def validate_booking_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A future time in opening hours; an urgent visitor may take the earliest slot."""
        side = self._side_step(names.B_TIME, dispatcher, tracker)
        if side is not None:
            return side
        if _intent(tracker) == names.INTENT_AFFIRM and tracker.get_slot(names.TRIAGE_LEVEL) == names.URGENT:
            when: Optional[dt.datetime] = booking.earliest_slot()
        else:
            answer = booking.parse_time(str(value or ""))
            if answer.problem:
                return self._fail(names.B_TIME, f"bad_time_{answer.problem}", dispatcher, tracker)
            when = answer.when
        assert when is not None
        dispatcher.utter_message(text=_text("read_back", time=booking.say_time(when)))
        return {names.B_TIME: when.isoformat()}

    async def validate_booking_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Explicit consent; without it nothing is stored."""
        side = self._side_step(names.B_CONSENT, dispatcher, tracker)
        if side is not None:
            return side
        intent = _intent(tracker)
        if intent == names.INTENT_AFFIRM:
            return {names.B_CONSENT: dt.datetime.now(dt.timezone.utc).isoformat()}
        if intent == names.INTENT_DENY:
            return {names.B_CONSENT: None, names.B_STATUS: names.STATUS_DECLINED}
        return self._fail(names.B_CONSENT, "yes_no", dispatcher, tracker)

    async def validate_booking_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Yes sends the request; anything else is read as a change."""
        side = self._side_step(names.B_CONFIRM, dispatcher, tracker)
        if side is not None:
            return side
        if _intent(tracker) == names.INTENT_AFFIRM:
            return {names.B_CONFIRM: "yes"}
        text = str(value or "")
        changes = _changes(text)
        if not changes:
            dispatcher.utter_message(text=_text("what_change"))
        return {names.B_CONFIRM: None, **changes}


def _changes(text: str) -> Dict[str, Any]:
    """What a visitor wants changed at the summary: a new value, or the field to ask again."""
    out: Dict[str, Any] = {}
    phone = booking.parse_phone(text)
    if phone:
        out[names.B_PHONE] = phone
    loc = booking.match_location(text)
    if loc:
        out[names.B_LOCATION] = loc
    words = set(re.findall(r"[a-z]+", text.lower()))
    for word, slot in CHANGE_WORDS:
        if word in words and slot not in out:
            out[slot] = None
    if not out:
        answer = booking.parse_time(text)
        if answer.when and not answer.problem:
            out[names.B_TIME] = answer.when.isoformat()
    return out


class ActionAskBookingTime(Action):
    """Asks for a time; urgent outcomes are offered the earliest slot."""

    def name(self) -> str:
        return names.ACTION_ASK_BOOKING_TIME

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot(names.TRIAGE_LEVEL) == names.URGENT:
            dispatcher.utter_message(text=_text("ask_time_urgent", earliest=booking.say_time(booking.earliest_slot())))
        else:
            dispatcher.utter_message(text=_text("ask_time"))
        return []


class ActionAskBookingConsent(Action):
    """The privacy notice and the consent question."""

    def name(self) -> str:
        return names.ACTION_ASK_BOOKING_CONSENT

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        months = max(1, round(clinic().booking.retention_days / 30))
        dispatcher.utter_message(text=_text("consent", months=months), buttons=_yes_no())
        return []


class ActionAskBookingConfirm(Action):
    """Reads the request back for confirmation."""

    def name(self) -> str:
        return names.ACTION_ASK_BOOKING_CONFIRM

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        when = tracker.get_slot(names.B_TIME)
        text = _text(
            "summary",
            name=tracker.get_slot(names.B_NAME),
            phone=tracker.get_slot(names.B_PHONE),
            location=clinic().location_name(str(tracker.get_slot(names.B_LOCATION))),
            time=booking.say_time(dt.datetime.fromisoformat(when)) if when else "",
        )
        dispatcher.utter_message(text=text, buttons=_yes_no())
        return []


def _yes_no() -> List[Dict[str, str]]:
    return [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


class ActionFinishBooking(Action):
    """After the form: the emergency message, or the saved / declined / cancelled / aborted answer."""

    def name(self) -> str:
        return names.ACTION_FINISH_BOOKING

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        reset = [SlotSet(s, None) for s in FORM_SLOTS] + [SlotSet(names.B_TRIES, None), SlotSet(names.B_STATUS, None)]
        if tracker.get_slot(names.TRIAGE_LEVEL) == names.EMERGENCY:
            state = dialogue.update(
                dialogue.decode(tracker.get_slot(names.FINDINGS)), tracker.get_slot(names.VALUES) or {}, [], "", ""
            )
            dispatcher.utter_message(text=dialogue.outcome_message(state.result))
            return [ActiveLoop(None), *reset]
        status = tracker.get_slot(names.B_STATUS)
        if status in (names.STATUS_DECLINED, names.STATUS_CANCELLED):
            dispatcher.utter_message(text=_text(status))
            return reset
        if status == names.STATUS_ABORTED or tracker.get_slot(names.B_CONFIRM) != "yes":
            return reset
        try:
            saved = save_booking(tracker)
        except Exception as exc:  # the visitor gets the phone number; the log gets no personal data
            logger.error("saving a booking failed: %s", type(exc).__name__)
            dispatcher.utter_message(text=_text("store_down"))
            return reset
        if not saved["created"]:  # this conversation already has a request: say so, never claim a new one
            when_before = booking.say_time(saved["preferred_time"].astimezone(ZoneInfo(clinic().hours.timezone)))
            dispatcher.utter_message(text=_text("already", time=when_before))
            return [*reset, SlotSet(names.BOOKING_SAVED, True)]
        when = dt.datetime.fromisoformat(str(tracker.get_slot(names.B_TIME)))
        dispatcher.utter_message(
            text=_text(
                "saved",
                phone=tracker.get_slot(names.B_PHONE),
                location=clinic().location_name(str(tracker.get_slot(names.B_LOCATION))),
                time=booking.say_time(when),
            )
        )
        return [*reset, SlotSet(names.BOOKING_SAVED, True)]


class _AskFromClinicText(Action, ABC):
    """Asks a booking question worded in clinic.yml (abstract: rasa-sdk registers only the subclasses)."""

    text_key = ""
    buttons: List[Dict[str, str]] = []

    @property
    @abstractmethod
    def slot(self) -> str:
        """The form slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text=_text(self.text_key), buttons=self.buttons)
        return []


class ActionAskBookingName(_AskFromClinicText):
    """Asks for the visitor's name."""

    slot, text_key = names.B_NAME, "ask_name"


class ActionAskBookingPhone(_AskFromClinicText):
    """Asks for the mobile number."""

    slot, text_key = names.B_PHONE, "ask_phone"


class ActionAskBookingLocation(_AskFromClinicText):
    """Asks which location, with a button for each."""

    slot, text_key = names.B_LOCATION, "ask_location"

    @property
    def buttons(self) -> List[Dict[str, str]]:  # type: ignore[override]
        return [{"title": loc.name, "payload": loc.aliases[0]} for loc in clinic().locations]
