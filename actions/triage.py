"""Actions of the triage conversation: thin glue around clinicbot.dialogue."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.names import latest_intent as _intent
from clinicbot import dialogue
from clinicbot.content import advice
from clinicbot.store.escalations import escalation_level

logger = logging.getLogger(__name__)


class ActionUpdateTriage(Action):
    """Runs after every user turn (custom slot mapping): findings, values, level, red flags, causes."""

    def name(self) -> str:
        return names.ACTION_UPDATE_TRIAGE

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        msg = tracker.latest_message or {}
        state = dialogue.update(
            dialogue.decode(tracker.get_slot(names.FINDINGS)),
            tracker.get_slot(names.VALUES) or {},
            msg.get("entities") or [],
            _intent(tracker),
            msg.get("text") or "",
            tracker.get_slot(names.REQUESTED_SLOT)
            if tracker.active_loop_name in (names.SCREENING_FORM, names.BOOKING_FORM)
            else None,
            read_values=tracker.active_loop_name != names.BOOKING_FORM,
            announce=_intent(tracker) not in names.OUTCOME_INTENTS and tracker.active_loop_name != names.SCREENING_FORM,
        )
        for notice in state.notices:
            dispatcher.utter_message(text=notice)
        if tracker.get_slot(names.BOOKING_SAVED):
            _append_quietly(tracker)
        known = bool(state.findings or state.values)  # nothing said yet: no level (interfaces.md: null)
        escalated = escalation_level(tracker.get_slot(names.TRIAGE_LEVEL), state.result.level, state.result.red_flags)
        if escalated:
            _record_quietly(tracker, escalated, state)
        slots = {
            names.FINDINGS: dialogue.encode(state.findings),
            names.VALUES: state.values,
            names.TRIAGE_LEVEL: state.result.level if known else None,
            names.RED_FLAGS: state.result.red_flags,
            names.LIKELY_CAUSES: state.result.cause_ids if known else [],
            names.RULES_VERSION: state.result.rules_version,
            **state.screen,
        }
        # Only what changed: every event is stored and replayed with the tracker.
        return [SlotSet(k, v) for k, v in slots.items() if tracker.get_slot(k) != v]


def _append_quietly(tracker: Tracker) -> None:
    """Adds new messages to a stored booking's transcript; a store failure never breaks the chat."""
    from actions.store import append_to_saved

    try:
        append_to_saved(tracker)
    except Exception as exc:
        logger.error("appending messages to a stored conversation failed: %s", type(exc).__name__)


def _record_quietly(tracker: Tracker, level: str, state: Any) -> None:
    """Records a red-flag escalation; a store failure never delays or breaks the visitor's reply."""
    from actions.store import save_escalation

    try:
        save_escalation(tracker, level, state)
    except Exception as exc:
        logger.error("recording an escalation (%s) failed: %s", level, type(exc).__name__)


class ValidateScreeningForm(FormValidationAction):
    """Asks only what is still unanswered; stops at once for an emergency; re-asks unclear answers."""

    def name(self) -> str:
        return names.VALIDATE_SCREENING_FORM

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        if tracker.get_slot(names.TRIAGE_LEVEL) == names.EMERGENCY or tracker.get_slot(names.SCREENING_STOPPED):
            return []
        return dialogue.screening_questions()

    @staticmethod
    def check_answer(slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        """An unclear answer is re-asked (after answering an FAQ, if that is what was asked); cancel stops."""
        if _intent(tracker) == names.INTENT_CANCEL:
            return {slot: None, names.SCREENING_STOPPED: True}
        if value != dialogue.UNCLEAR:
            return {slot: value}
        faq = dialogue.faq_answer(_intent(tracker))
        dispatcher.utter_message(text=faq if faq else advice().reask)
        return {slot: None}


def _validator(slot: str) -> Any:
    async def validate(
        self: ValidateScreeningForm, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self.check_answer(slot, value, dispatcher, tracker)

    validate.__doc__ = f"Validates {slot}."
    return validate


for _slot in dialogue.screening_questions():
    setattr(ValidateScreeningForm, f"validate_{_slot}", _validator(_slot))


class ActionTriageOutcome(Action):
    """Says the outcome; in an emergency, ends any form and gives the emergency message only."""

    def name(self) -> str:
        return names.ACTION_TRIAGE_OUTCOME

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot(names.SCREENING_STOPPED) and tracker.get_slot(names.TRIAGE_LEVEL) not in (
            names.EMERGENCY,
            names.URGENT,
        ):
            dispatcher.utter_message(text=advice().stopped)
            return [SlotSet(names.SCREENING_STOPPED, None)]
        state = dialogue.update(
            dialogue.decode(tracker.get_slot(names.FINDINGS)), tracker.get_slot(names.VALUES) or {}, [], "", ""
        )
        dispatcher.utter_message(text=dialogue.outcome_message(state.result))
        events: List[EventType] = (
            [SlotSet(names.SCREENING_STOPPED, None)] if tracker.get_slot(names.SCREENING_STOPPED) else []
        )
        if state.result.level == names.EMERGENCY and tracker.active_loop_name:
            events += [ActiveLoop(None), SlotSet(names.REQUESTED_SLOT, None)]
        return events


class ActionAnswerFaq(Action):
    """Answers the article's FAQs from the clinic's own text."""

    def name(self) -> str:
        return names.ACTION_ANSWER_FAQ

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        answer = dialogue.faq_answer(_intent(tracker))
        dispatcher.utter_message(text=answer) if answer else dispatcher.utter_message(response=names.UTTER_DEFAULT)
        return []


class ActionFallback(Action):
    """Unclear input: a helpful answer that keeps a pending screening question open."""

    def name(self) -> str:
        return names.ACTION_FALLBACK

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response=names.UTTER_DEFAULT)
        requested = tracker.get_slot(names.REQUESTED_SLOT)
        if tracker.active_loop_name == names.SCREENING_FORM and requested:
            dispatcher.utter_message(response=names.UTTER_REPEAT_PREFIX + requested)
        return []
