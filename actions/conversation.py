"""The one Rasa adapter: a tracker becomes a turn, the core's step becomes messages and slot events.

Only this module knows the domain's slot, intent and entity names; the conversation itself lives in
clinicbot.conversation, which does not know Rasa.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from clinicbot.conversation import Consultation, Kind, Step, StoreRecorder, Turn
from clinicbot.conversation.turn import add_finding, clean_value
from clinicbot.store.service import TranscriptMessage
from clinicbot.vocabulary import vocabulary

ACTION_CONVERSE = "action_converse"
# Slots: the consultation itself, and the three the interfaces promise (interfaces.md).
CONSULTATION, TRIAGE_LEVEL, RED_FLAGS, LIKELY_CAUSES = "consultation", "triage_level", "red_flags", "likely_causes"
LANGUAGE = "language"  # en, hi-Latn or hi: the visitor's language (issue 16)
SLOTS = (CONSULTATION, TRIAGE_LEVEL, RED_FLAGS, LIKELY_CAUSES, LANGUAGE)
FAQ_PREFIX = "faq_"
# What each intent of domain.yml is, as a kind of turn (a test checks every intent is here).
KINDS: Dict[str, Kind] = {
    "affirm": Kind.YES,
    "deny": Kind.NO,
    "describe_symptoms": Kind.SYMPTOMS,
    "emergency": Kind.SYMPTOMS,
    "request_booking": Kind.BOOK,
    "cancel": Kind.CANCEL,
    "bot_challenge": Kind.BOT_QUESTION,
    "greet": Kind.GREET,
    "goodbye": Kind.GOODBYE,
    "thanks": Kind.THANKS,
    "out_of_scope": Kind.OUT_OF_SCOPE,
    "nlu_fallback": Kind.UNCLEAR,
}
PAYLOADS = {Kind.YES: "/affirm", Kind.NO: "/deny"}
TRUNCATED_ENTITY = "message_truncated"
SUSPECTED_ENTITY = "suspected_red_flag"


def read_turn(message: Mapping[str, Any]) -> Turn:
    """The latest user message (Rasa's parse data) as the core's turn."""
    intent = str((message.get("intent") or {}).get("name") or "")
    kind = Kind.FAQ if intent.startswith(FAQ_PREFIX) else KINDS.get(intent, Kind.UNCLEAR)
    findings: Dict[str, Any] = {}
    values: Dict[str, Any] = {}
    cut, suspected = 0, []
    statuses = vocabulary().statuses
    for e in message.get("entities") or []:
        name, role = e.get("entity"), e.get("role")
        if name == TRUNCATED_ENTITY:
            cut = int(e.get("value") or 0)
        elif name == SUSPECTED_ENTITY and e.get("value") in vocabulary().findings:
            suspected.append(str(e["value"]))
        elif role in statuses:
            add_finding(findings, str(name), str(role), str(e.get("value", "")))
        elif (value := clean_value(str(name), e.get("value"))) is not None:
            values[str(name)] = value
    text = str(message.get("text") or "")
    return Turn(text, kind, intent if kind is Kind.FAQ else "", findings, values, cut, suspected)


def transcript(tracker: Tracker) -> List[TranscriptMessage]:
    """Every user and bot message of the conversation with its time; a button press as the button's title."""
    out = []
    titles: Dict[str, str] = {}
    for e in tracker.events:
        if e.get("event") not in ("user", "bot") or not e.get("text"):
            continue
        when = dt.datetime.fromtimestamp(float(e.get("timestamp") or 0), tz=dt.timezone.utc)
        text = str(e["text"])
        if e["event"] == "user":
            out.append(TranscriptMessage("user", titles.get(text, text), when))
        else:
            buttons = (e.get("data") or {}).get("buttons") or []
            titles = {str(b.get("payload")): str(b.get("title")) for b in buttons if isinstance(b, dict)}
            out.append(TranscriptMessage("bot", text, when))
    return out


# The channels that keep the disclaimer in view themselves (the website widget pins it).
PINNED_DISCLAIMER = {"socketio"}


def dispatch(step: Step, dispatcher: CollectingDispatcher, language: str, channel: str = "") -> None:
    """Says the step's messages, with their quick replies as Rasa buttons.

    Each message carries, as Rasa's `custom` JSON, the visitor's language and, where the core gave them,
    its card and what it expects; the channels' outputs send it with the text as one message. A footnote
    (the disclaimer) follows the text except where the channel pins it.
    """
    for say in step.says:
        buttons = [
            {"title": b.title, "payload": PAYLOADS.get(b.kind, b.reply) if b.kind else b.reply} for b in say.buttons
        ]
        text = say.text if not say.footnote or channel in PINNED_DISCLAIMER else f"{say.text}\n\n{say.footnote}"
        extra = {"language": language, "card": say.card, "expects": say.expects}
        dispatcher.utter_message(text=text, buttons=buttons or None, json_message={k: v for k, v in extra.items() if v})


class ActionConverse(Action):
    """Runs after every user message: adapt, call the core, dispatch, keep the slots current."""

    def name(self) -> str:
        return ACTION_CONVERSE

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        consultation = Consultation.from_dict(tracker.get_slot(CONSULTATION))
        channel = str(tracker.get_latest_input_channel() or "rest")
        recorder = StoreRecorder(channel, tracker.sender_id, lambda: transcript(tracker))
        step = consultation.apply(read_turn(tracker.latest_message or {}), recorder)
        dispatch(step, dispatcher, consultation.w.language, channel)
        slots = {
            CONSULTATION: consultation.to_dict(),
            TRIAGE_LEVEL: step.level,
            RED_FLAGS: step.red_flags,
            LIKELY_CAUSES: step.likely_causes,
            LANGUAGE: consultation.language,
        }
        # Only what changed: every event is stored and replayed with the tracker.
        return [SlotSet(k, v) for k, v in slots.items() if tracker.get_slot(k) != v]
