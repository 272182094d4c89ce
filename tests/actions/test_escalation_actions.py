"""Escalations from the triage action: recorded once per conversation and level; a store failure never hurts."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import names
from actions import store as store_actions
from actions.triage import ActionUpdateTriage
from clinicbot.store.db import make_engine
from clinicbot.store.models import Alert, Escalation, Message

from .test_triage_actions import DOMAIN, make_tracker, slots_of

SADDLE = {"entity": "saddle_numbness", "role": "present", "value": "numb down there"}
LEG = {"entity": "leg_radiation", "role": "present", "value": "pain down my leg"}


def events_for(text: str, sender: str = "test"):
    return [
        {"event": "user", "text": "I am Ravi, 98765 43210", "timestamp": 1700000000.0},
        {"event": "bot", "text": "Tell me about your back.", "timestamp": 1700000001.0},
        {"event": "user", "text": text, "timestamp": 1700000002.0},
    ]


def turn(text, entities, slots=None, events=None):
    tracker = make_tracker(text, entities=entities, slots=slots)
    tracker.events = events if events is not None else events_for(text)
    tracker.latest_message["text"] = text
    return slots_of(ActionUpdateTriage().run(CollectingDispatcher(), tracker, DOMAIN))


def stored(url):
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            escs = [
                (e.level, e.legal_basis, list(e.red_flags))
                for e in s.scalars(select(Escalation).order_by(Escalation.id))
            ]
            alerts = [(a.escalation_id, a.kind) for a in s.scalars(select(Alert))]
            messages = [m.text for m in s.scalars(select(Message))]
        return escs, alerts, messages
    except Exception:
        return [], [], []
    finally:
        engine.dispose()


def test_emergency_is_recorded_with_the_transcript_so_far(store_db):
    s = turn("numb down there", [SADDLE])
    assert s[names.TRIAGE_LEVEL] == "emergency"
    escs, alerts, messages = stored(store_db)
    assert escs == [("emergency", "vital_interest", ["saddle_numbness"])]
    assert alerts == []  # no alert configured
    assert messages == ["I am Ravi, 98765 43210", "Tell me about your back.", "numb down there"]


def test_retried_turn_records_once(store_db):
    turn("numb down there", [SADDLE])
    turn("numb down there", [SADDLE])  # the same turn again: the slot still says the old level
    assert len(stored(store_db)[0]) == 1


def test_staying_at_the_level_records_nothing_new(store_db):
    turn("numb down there", [SADDLE])
    turn("still numb", [SADDLE], slots={names.TRIAGE_LEVEL: "emergency"})
    assert len(stored(store_db)[0]) == 1


def test_urgent_then_emergency_adds_a_record_and_alerts_when_configured(store_db, monkeypatch):
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setenv("ALERT_WEBHOOK_SECRET", "k")
    store_actions._alert_config.cache_clear()
    assert turn("pain down my leg", [LEG])[names.TRIAGE_LEVEL] == "urgent"
    escs, alerts, messages = stored(store_db)
    assert escs == [("urgent", "codes_only", ["leg_symptoms"])]
    assert alerts == [] and messages == []  # urgent: no alert by default, no words without consent
    findings = {names.FINDINGS: {"leg_symptoms": ["present", "pain down my leg"]}, names.TRIAGE_LEVEL: "urgent"}
    assert turn("numb down there", [SADDLE], slots=findings)[names.TRIAGE_LEVEL] == "emergency"
    escs, alerts, messages = stored(store_db)
    assert [e[0] for e in escs] == ["urgent", "emergency"]
    assert [k for _, k in alerts] == ["webhook"]
    assert len(messages) == 3


def test_no_escalation_without_a_red_flag(store_db):
    turn("my back is sore after squats", [{"entity": "pain_after_exercise", "role": "present", "value": "squats"}])
    assert stored(store_db)[0] == []


def test_store_failure_never_breaks_the_reply(monkeypatch, caplog):
    def broken(*a, **k):
        raise ConnectionError("db down: Ravi 98765 43210")

    monkeypatch.setattr(store_actions, "save_escalation", broken)
    s = turn("numb down there", [SADDLE])
    assert s[names.TRIAGE_LEVEL] == "emergency"
    assert "recording an escalation (emergency) failed: ConnectionError" in caplog.text
    assert "Ravi" not in caplog.text and "98765" not in caplog.text


def test_booking_consent_attaches_the_transcript_to_an_urgent_escalation(store_db):
    turn("pain down my leg", [LEG])
    assert stored(store_db)[0] == [("urgent", "codes_only", ["leg_symptoms"])]
    tracker = make_tracker(
        "yes",
        "affirm",
        slots={
            names.FINDINGS: {"leg_symptoms": ["present", "pain down my leg"]},
            names.B_NAME: "Ravi Kumar",
            names.B_PHONE: "+919876543210",
            names.B_LOCATION: "noida_sector_47",
            names.B_TIME: "2030-01-08T11:00:00+05:30",
            names.B_CONSENT: "2030-01-01T10:00:00+00:00",
        },
    )
    tracker.events = events_for("pain down my leg")
    assert store_actions.save_booking(tracker)["created"]
    escs, _, messages = stored(store_db)
    assert escs == [("urgent", "consent", ["leg_symptoms"])]
    assert len(messages) == 3
