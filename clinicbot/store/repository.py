"""Queries and inserts of the store on a caller-owned session (the caller owns the transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from clinicbot.store.models import (
    Alert,
    BookingRequest,
    Conversation,
    Escalation,
    Message,
    StatusChange,
    TriageOutcome,
    text_hash,
    utcnow,
)

MessageKey = Tuple[str, datetime, str]
_CHUNK = 500


class StoreRepository:
    """Data access for conversations, messages, triage outcomes and booking requests."""

    def __init__(self, session: Session) -> None:
        """Work on `session`; never commits or rolls back the outer transaction."""
        self.session = session

    def conversation(self, channel: str, sender_hash: str) -> Optional[Conversation]:
        """The conversation of (channel, sender hash), if any."""
        stmt = select(Conversation).where(Conversation.channel == channel, Conversation.sender_hash == sender_hash)
        return self.session.scalars(stmt).first()

    def get_or_create_conversation(
        self, channel: str, sender_hash: str, now: Optional[datetime] = None
    ) -> Conversation:
        """The conversation of (channel, sender hash), created if missing (race-safe)."""
        found = self.conversation(channel, sender_hash)
        if found is not None:
            return found
        now = now or utcnow()
        conv = Conversation(channel=channel, sender_hash=sender_hash, created_at=now, updated_at=now)
        try:
            with self.session.begin_nested():
                self.session.add(conv)
        except IntegrityError:  # created concurrently: use that one
            found = self.conversation(channel, sender_hash)
            if found is None:
                raise
            return found
        return conv

    def booking_for(self, conversation_id: int) -> Optional[BookingRequest]:
        """The booking request of a conversation, if any."""
        stmt = select(BookingRequest).where(BookingRequest.conversation_id == conversation_id)
        return self.session.scalars(stmt).first()

    def message_keys(self, conversation_id: int) -> Set[MessageKey]:
        """The dedup keys (sender, timestamp, text hash) of a conversation's stored messages."""
        stmt = select(Message.sender, Message.timestamp, Message.text_hash).where(
            Message.conversation_id == conversation_id
        )
        return {(s, t, h) for s, t, h in self.session.execute(stmt)}

    def add_messages(self, conversation: Conversation, messages: Iterable[Tuple[str, str, datetime]]) -> int:
        """Insert the (sender, text, timestamp) messages not stored yet; return how many were added."""
        batch = list(messages)
        for attempt in range(2):
            known = self.message_keys(conversation.id) if conversation.id is not None else set()
            new: List[Message] = []
            for sender, text, ts in batch:
                key = (sender, ts, text_hash(text))
                if key in known:
                    continue
                known.add(key)
                new.append(
                    Message(conversation_id=conversation.id, sender=sender, text=text, timestamp=ts, text_hash=key[2])
                )
            if not new:
                return 0
            try:
                with self.session.begin_nested():
                    self.session.add_all(new)
            except IntegrityError:  # the same messages were appended concurrently
                if attempt:
                    raise
                continue
            return len(new)
        return 0  # pragma: no cover

    def add_outcome(self, outcome: TriageOutcome) -> TriageOutcome:
        """Insert a triage outcome and flush it."""
        self.session.add(outcome)
        self.session.flush()
        return outcome

    def add_booking(self, booking: BookingRequest) -> BookingRequest:
        """Insert a booking request and flush it."""
        self.session.add(booking)
        self.session.flush()
        return booking

    def bookings(self, since: Optional[datetime] = None) -> Sequence[BookingRequest]:
        """Booking requests (created at or after `since`), oldest first, with conversation, outcome and messages."""
        stmt = (
            select(BookingRequest)
            .options(
                joinedload(BookingRequest.conversation).selectinload(Conversation.messages),
                joinedload(BookingRequest.triage_outcome),
            )
            .order_by(BookingRequest.created_at, BookingRequest.id)
        )
        if since is not None:
            stmt = stmt.where(BookingRequest.created_at >= since)
        return self.session.scalars(stmt).all()

    def export_rows(
        self, since: Optional[datetime] = None, ids: Optional[Sequence[int]] = None
    ) -> Tuple[List[Row], Dict[int, List[Row]]]:
        """Booking rows (with channel and outcome) and each conversation's messages: two queries, no ORM objects."""
        where: List[Any] = [BookingRequest.created_at >= since] if since is not None else []
        if ids is not None:
            where.append(BookingRequest.id.in_(list(ids)))
        bookings = self.session.execute(
            select(
                BookingRequest.id,
                BookingRequest.created_at,
                BookingRequest.conversation_id,
                Conversation.channel,
                BookingRequest.name,
                BookingRequest.phone,
                BookingRequest.location,
                BookingRequest.preferred_time,
                BookingRequest.status,
                BookingRequest.consent_at,
                TriageOutcome.level,
                TriageOutcome.red_flags,
                TriageOutcome.likely_causes,
                TriageOutcome.findings,
                TriageOutcome.rules_version,
            )
            .join(Conversation, Conversation.id == BookingRequest.conversation_id)
            .join(TriageOutcome, TriageOutcome.id == BookingRequest.triage_outcome_id)
            .where(*where)
            .order_by(BookingRequest.created_at, BookingRequest.id)
        ).all()
        booked = select(BookingRequest.conversation_id).where(*where)
        messages: Dict[int, List[Row]] = {}
        for m in self.session.execute(
            select(Message.conversation_id, Message.sender, Message.text, Message.timestamp)
            .where(Message.conversation_id.in_(booked))
            .order_by(Message.conversation_id, Message.timestamp, Message.id)
        ):
            messages.setdefault(m.conversation_id, []).append(m)
        return bookings, messages

    def stale_conversation_ids(self, cutoff: datetime) -> List[int]:
        """Ids of the conversations last updated before `cutoff`."""
        return list(self.session.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff)))

    def delete_conversations(self, ids: Sequence[int]) -> Dict[str, int]:
        """Delete these conversations with their bookings, outcomes, messages, escalations and alerts; counts per table."""
        counts = {
            "status_changes": 0,
            "alerts": 0,
            "escalations": 0,
            "booking_requests": 0,
            "triage_outcomes": 0,
            "messages": 0,
            "conversations": 0,
        }
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            bookings = select(BookingRequest.id).where(BookingRequest.conversation_id.in_(chunk))
            escalations = select(Escalation.id).where(Escalation.conversation_id.in_(chunk))
            for table, stmt in (
                (
                    "status_changes",  # staff notes may name the patient: they go with the record
                    delete(StatusChange).where(
                        or_(
                            and_(StatusChange.subject == "booking", StatusChange.subject_id.in_(bookings)),
                            and_(StatusChange.subject == "escalation", StatusChange.subject_id.in_(escalations)),
                        )
                    ),
                ),
                ("alerts", delete(Alert).where(Alert.escalation_id.in_(escalations))),
                ("escalations", delete(Escalation).where(Escalation.conversation_id.in_(chunk))),
                ("booking_requests", delete(BookingRequest).where(BookingRequest.conversation_id.in_(chunk))),
                ("triage_outcomes", delete(TriageOutcome).where(TriageOutcome.conversation_id.in_(chunk))),
                ("messages", delete(Message).where(Message.conversation_id.in_(chunk))),
                ("conversations", delete(Conversation).where(Conversation.id.in_(chunk))),
            ):
                result = self.session.execute(stmt.execution_options(synchronize_session=False))
                counts[table] += int(result.rowcount or 0)
        return counts
