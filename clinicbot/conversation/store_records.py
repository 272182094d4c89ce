"""The conversation's records in the clinic store: escalations, bookings and their transcripts."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, List, Sequence

from clinicbot.conversation.records import BookingRequest, Outcome, Saved

_BUILDING = threading.Lock()  # two threads' first use must not migrate the database at once


@cache
def sessions() -> Any:
    """The store's session factory, migrated to the newest schema (built on first use)."""
    from clinicbot.store.db import make_engine, session_factory, upgrade, writer

    with _BUILDING:
        engine = make_engine()
        upgrade(engine)
        return session_factory(writer(engine))  # every transaction here writes


@cache
def alert_config() -> Any:
    """The alert settings from the environment (read once)."""
    from clinicbot.alerts.config import load

    return load()


TICK = dt.timedelta(microseconds=1)


def retime(messages: Sequence[Any], said: Sequence[str] = ()) -> List[Any]:
    """The transcript as stored: each bot message timed a microsecond after the one before it, counting
    from the visitor's message it answers, so a reply stored in its own turn (from `said`) and read again
    from the tracker later is the same record, never a second one."""
    from clinicbot.store.service import TranscriptMessage

    out: List[Any] = []
    last: Any = None
    for m in list(messages) + [TranscriptMessage("bot", text, 0.0) for text in said]:
        if m.sender == "user" or last is None:
            when = m.timestamp if isinstance(m.timestamp, dt.datetime) else _aware(float(m.timestamp))
        else:
            when = last + TICK
        last = when
        out.append(TranscriptMessage(m.sender, m.text, when))
    return out


def _aware(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)


@dataclass
class StoreRecorder:
    """Records one conversation (its channel, sender and a way to read its transcript so far)."""

    channel: str
    sender_id: str
    transcript: Callable[[], List[Any]]  # TranscriptMessage objects, oldest first

    def messages(self, said: Sequence[str] = ()) -> List[Any]:
        """The transcript so far and this turn's replies, timed as stored (see `retime`)."""
        return retime(self.transcript(), said)

    def escalation(self, level: str, outcome: Outcome, consented: bool) -> None:
        """Records a red-flag escalation with its pending alerts in one transaction (once per level).

        An emergency is stored with the transcript so far; an urgent escalation holds only the codes
        until the visitor consents in the booking form (the booking then stores the transcript).
        """
        from clinicbot.store.escalations import EscalationInput, record_escalation
        from clinicbot.store.retry import retry_busy

        data = EscalationInput(
            channel=self.channel,
            sender_id=self.sender_id,
            level=level,
            red_flags=list(outcome.red_flags),
            likely_causes=list(outcome.likely_causes),
            findings=list(outcome.findings),
            rules_version=outcome.rules_version,
            transcript=self.messages(),
            consented=consented,
            explanation=list(outcome.explanation),
            values=dict(outcome.values),
            interview=dict(outcome.interview),
        )
        kinds = alert_config().kinds_for(level)

        def record() -> None:
            with sessions()() as session, session.begin():
                record_escalation(session, data, kinds)

        retry_busy(record)  # exactly once however often it runs: the unique constraint decides

    def booking(self, request: BookingRequest, outcome: Outcome) -> Saved:
        """Stores the booking, its outcome and the transcript in one transaction (exactly once)."""
        from clinicbot.store.escalations import record_consent
        from clinicbot.store.retry import retry_busy
        from clinicbot.store.service import BookingInput, record_booking, reference

        data = BookingInput(
            channel=self.channel,
            sender_id=self.sender_id,
            name=request.name,
            phone=request.phone,
            location=request.location,
            preferred_time=request.preferred_time,
            consent_at=request.consent_at,
            triage=outcome.to_dict(),
            transcript=self.messages(),
        )

        def record() -> Saved:
            with sessions()() as session, session.begin():
                booking, created = record_booking(session, data)
                record_consent(session, data.channel, data.sender_id)
                return Saved(created, booking.preferred_time, reference(booking.id))

        return retry_busy(record)  # the alert worker also writes to the store: SQLite may be busy

    def append(self, said: Sequence[str]) -> None:
        """Adds this conversation's new messages, this turn's replies too, to its stored record."""
        from clinicbot.store.service import append_messages

        with sessions()() as session, session.begin():
            append_messages(session, self.channel, self.sender_id, self.messages(said))

    def contact(self, phone: str) -> None:
        """Keeps the number the visitor left after an emergency on its escalation."""
        from clinicbot.store.escalations import record_contact
        from clinicbot.store.retry import retry_busy

        def record() -> None:
            with sessions()() as session, session.begin():
                if not record_contact(session, self.channel, self.sender_id, phone):
                    raise LookupError("no emergency escalation on record")

        retry_busy(record)
