"""Saving to the clinic store from a tracker: the transcript, the triage outcome and the booking."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Dict, List

from rasa_sdk import Tracker

from actions import names
from clinicbot import dialogue


@cache
def _sessions() -> Any:
    """The store's session factory, migrated to the newest schema (built on first use)."""
    from clinicbot.store.db import make_engine, session_factory, upgrade, writer

    engine = make_engine()
    upgrade(engine)
    return session_factory(writer(engine))  # every transaction here writes


def transcript(tracker: Tracker) -> List[Any]:
    """Every user and bot message of the conversation with its time."""
    from clinicbot.store.service import TranscriptMessage

    out = []
    for e in tracker.events:
        if e.get("event") in ("user", "bot") and e.get("text"):
            when = dt.datetime.fromtimestamp(float(e.get("timestamp") or 0), tz=dt.timezone.utc)
            out.append(TranscriptMessage("user" if e["event"] == "user" else "bot", str(e["text"]), when))
    return out


def _channel(tracker: Tracker) -> str:
    return str(tracker.get_latest_input_channel() or "rest")


@cache
def _alert_config() -> Any:
    """The alert settings from the environment (read once)."""
    from clinicbot.alerts.config import load

    return load()


def save_escalation(tracker: Tracker, level: str, state: Any) -> Dict[str, Any]:
    """Records a red-flag escalation with its pending alerts in one transaction (once per conversation and level).

    An emergency is stored with the transcript so far; an urgent escalation holds only the codes until
    the visitor consents in the booking form (then `save_booking` stores the transcript).
    """
    from clinicbot.store.escalations import EscalationInput, record_escalation
    from clinicbot.store.retry import retry_busy

    data = EscalationInput(
        channel=_channel(tracker),
        sender_id=tracker.sender_id,
        level=level,
        red_flags=list(state.result.red_flags),
        likely_causes=list(state.result.cause_ids),
        findings=[{"id": k, "status": v.status, "span": v.span} for k, v in state.findings.items()],
        rules_version=state.result.rules_version,
        transcript=transcript(tracker),
        consented=bool(tracker.get_slot(names.BOOKING_SAVED)),
    )
    kinds = _alert_config().kinds_for(level)

    def record() -> Dict[str, Any]:
        with _sessions()() as session, session.begin():
            esc, created = record_escalation(session, data, kinds)
            return {"id": esc.id, "created": created, "level": esc.level}

    return retry_busy(record)  # exactly once however often it runs: the unique constraint decides


def save_booking(tracker: Tracker) -> Dict[str, Any]:
    """Stores the confirmed booking, its triage outcome and the transcript in one transaction (exactly once).

    Returns the stored request's id, whether this call created it, and its preferred time.
    """
    from clinicbot.store.escalations import record_consent
    from clinicbot.store.retry import retry_busy
    from clinicbot.store.service import BookingInput, record_booking

    state = dialogue.update(
        dialogue.decode(tracker.get_slot(names.FINDINGS)), tracker.get_slot(names.VALUES) or {}, [], "", ""
    )
    findings = [{"id": k, "status": v.status, "span": v.span} for k, v in state.findings.items()]
    data = BookingInput(
        channel=_channel(tracker),
        sender_id=tracker.sender_id,
        name=str(tracker.get_slot(names.B_NAME)),
        phone=str(tracker.get_slot(names.B_PHONE)),
        location=str(tracker.get_slot(names.B_LOCATION)),
        preferred_time=dt.datetime.fromisoformat(str(tracker.get_slot(names.B_TIME))),
        consent_at=dt.datetime.fromisoformat(str(tracker.get_slot(names.B_CONSENT))),
        triage={
            "level": state.result.level,
            "red_flags": state.result.red_flags,
            "likely_causes": state.result.cause_ids,
            "findings": findings,
            "rules_version": state.result.rules_version,
        },
        transcript=transcript(tracker),
    )

    def record() -> Dict[str, Any]:
        with _sessions()() as session, session.begin():
            booking, created = record_booking(session, data)
            record_consent(session, data.channel, data.sender_id)
            return {"id": booking.id, "created": created, "preferred_time": booking.preferred_time}

    return retry_busy(record)  # the alert worker also writes to the store: SQLite may be busy a moment


def append_to_saved(tracker: Tracker) -> int:
    """Adds this conversation's new messages to its stored record."""
    from clinicbot.store.service import append_messages

    with _sessions()() as session, session.begin():
        return int(append_messages(session, _channel(tracker), tracker.sender_id, transcript(tracker)))
