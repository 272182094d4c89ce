"""The Rasa adapter: the domain's names, a tracker read as a turn, steps dispatched, records stored."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import conversation as adapter
from clinicbot.conversation import Button, Kind, Say, Step
from clinicbot.store.db import make_engine
from clinicbot.store.models import BookingRequest, Escalation, Message, TriageOutcome

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
RULES = yaml.safe_load((ROOT / "data" / "rules.yml").read_text())


def test_every_intent_is_a_kind_of_turn_and_goes_to_the_one_action():
    for intent in [*DOMAIN["intents"], "nlu_fallback"]:
        assert intent.startswith(adapter.FAQ_PREFIX) or intent in adapter.KINDS, intent
    ruled = {r["steps"][0]["intent"]: r["steps"][1]["action"] for r in RULES["rules"]}
    assert ruled == {i: adapter.ACTION_CONVERSE for i in [*DOMAIN["intents"], "nlu_fallback"]}
    assert DOMAIN["actions"] == [adapter.ACTION_CONVERSE]
    assert set(adapter.SLOTS) == set(DOMAIN["slots"])
    assert {adapter.TRUNCATED_ENTITY, adapter.SUSPECTED_ENTITY} <= {
        e if isinstance(e, str) else next(iter(e)) for e in DOMAIN["entities"]
    }


def test_only_the_one_action_is_registered():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == {adapter.ACTION_CONVERSE}


@pytest.mark.parametrize(
    ("intent", "kind", "faq"),
    [
        ("affirm", Kind.YES, ""),
        ("faq_xray", Kind.FAQ, "faq_xray"),
        ("nlu_fallback", Kind.UNCLEAR, ""),
        ("", Kind.UNCLEAR, ""),
    ],
)
def test_read_turn_kinds(intent, kind, faq):
    turn = adapter.read_turn({"text": "x", "intent": {"name": intent}})
    assert (turn.kind, turn.faq) == (kind, faq)


def test_read_turn_entities():
    turn = adapter.read_turn(
        {
            "text": "numb down there, 34",
            "intent": {"name": "emergency"},
            "entities": [
                {"entity": "saddle_numbness", "role": "present", "value": "numb down there"},
                {"entity": "fever", "role": "absent", "value": "fever"},
                {"entity": "not_a_finding", "role": "present", "value": "x"},
                {"entity": "age", "value": 34},
                {"entity": "age", "value": "old"},
                {"entity": adapter.TRUNCATED_ENTITY, "value": 120},
                {"entity": adapter.SUSPECTED_ENTITY, "value": "sexual_dysfunction"},
            ],
        }
    )
    assert {k: o.status for k, o in turn.findings.items()} == {"saddle_numbness": "present", "fever": "absent"}
    assert turn.values == {"age": 34} and turn.cut == 120 and turn.suspected == ["sexual_dysfunction"]


def test_dispatch_gives_buttons_as_payloads_and_the_extras_as_custom_json():
    d = CollectingDispatcher()
    says = [Say("Q?", [Button("Yes", Kind.YES), Button("Noida", None, "noida")], expects="place"), Say("!", card="emergency")]
    adapter.dispatch(Step(says), d, "hi")
    assert d.messages[0]["buttons"] == [{"title": "Yes", "payload": "/affirm"}, {"title": "Noida", "payload": "noida"}]
    assert d.messages[0]["custom"] == {"language": "hi", "expects": "place"}
    assert d.messages[1]["text"] == "!" and not d.messages[1]["buttons"]
    assert d.messages[1]["custom"] == {"language": "hi", "card": "emergency"}


class Chat:
    """Runs the action as Rasa would, keeping the slots and the events between turns."""

    def __init__(self) -> None:
        self.slots = {name: None for name in DOMAIN["slots"]}
        self.events: list = []

    def say(self, text: str, intent: str = "describe_symptoms", entities=()) -> str:
        self.events.append({"event": "user", "text": text, "timestamp": 1700000000.0 + len(self.events)})
        tracker = Tracker(
            "test",
            dict(self.slots),
            {"text": text, "intent": {"name": intent}, "entities": list(entities)},
            list(self.events),
            False,
            None,
            {},
            "action_listen",
        )
        d = CollectingDispatcher()
        for e in adapter.ActionConverse().run(d, tracker, DOMAIN):
            self.slots[e["name"]] = e["value"]
        for m in d.messages:  # one bot event per message, with its buttons, as Rasa stores them
            when = 1700000000.0 + len(self.events)
            self.events.append({"event": "bot", "text": m["text"], "data": {"buttons": m["buttons"]}, "timestamp": when})
        self.messages = d.messages
        return "\n".join(m["text"] for m in d.messages)


def stored(url):
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            escs = [(e.level, e.legal_basis, e.explanation) for e in s.scalars(select(Escalation))]
            outcomes = [(o.level, o.explanation, o.clinical_values) for o in s.scalars(select(TriageOutcome))]
            bookings = [b.phone for b in s.scalars(select(BookingRequest))]
            messages = [m.text for m in s.scalars(select(Message))]
        return escs, outcomes, bookings, messages
    finally:
        engine.dispose()


SADDLE = {"entity": "saddle_numbness", "role": "present", "value": "numb down there"}


def test_an_emergency_sets_the_slots_and_is_recorded_with_what_the_visitor_was_told(store_db):
    chat = Chat()
    reply = chat.say("numb down there", "emergency", [SADDLE])
    assert "112" in reply
    assert chat.slots["triage_level"] == "emergency" and chat.slots["red_flags"] == ["saddle_numbness"]
    escs, _, _, messages = stored(store_db)
    assert escs[0][:2] == ("emergency", "vital_interest")
    assert any('"numb down there"' in line for line in escs[0][2])
    assert messages == ["numb down there", *(m["text"] for m in chat.messages)]  # the replies of the turn too
    assert chat.messages[0]["custom"]["card"] == "emergency"


def test_a_button_press_is_stored_as_its_title_and_nothing_twice(store_db):
    chat = Chat()
    chat.say("numb down there", "emergency", [SADDLE])
    (no_thanks,) = chat.messages[-1]["buttons"]
    chat.say(no_thanks["payload"], "deny")
    chat.say("ok going", "affirm")
    messages = stored(store_db)[3]
    assert no_thanks["title"] in messages and no_thanks["payload"] not in messages
    # visitor, card, offer; the press, the card; "ok going", the card: each once, though appended every turn
    assert len(messages) == 7 and messages[3] == no_thanks["title"] and messages[5] == "ok going"


def test_a_booking_is_stored_with_its_outcome_lines_and_values(store_db):
    chat = Chat()
    chat.say("i want to book", "request_booking")
    chat.say("Ravi Kumar")
    chat.say("98765 43210")
    chat.say("noida")
    chat.say("next monday at 11am")
    chat.say("yes", "affirm")
    assert "Your request has been sent" in chat.say("yes", "affirm")
    _, outcomes, bookings, messages = stored(store_db)
    assert bookings == ["+919876543210"] and len(outcomes) == 1
    assert "Ravi Kumar" in messages and any("Your request has been sent" in m for m in messages)
    chat.say("thanks", "thanks")
    assert "thanks" in stored(store_db)[3]  # later messages join the stored record


def test_nothing_said_yet_has_no_level():
    chat = Chat()
    chat.say("hello", "greet")
    assert chat.slots["triage_level"] is None and not chat.slots["likely_causes"]
