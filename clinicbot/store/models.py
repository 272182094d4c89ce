"""The store's tables: conversation, message, triage outcome, booking request."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

SENDERS = ("user", "bot")


def utcnow() -> datetime:
    """The current time, tz-aware UTC."""
    return datetime.now(timezone.utc)


def text_hash(text: str) -> str:
    """SHA-256 hex digest of a message text (part of the message dedup key)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class UTCDateTime(TypeDecorator):
    """A tz-aware datetime stored as UTC; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        """Normalise to UTC (naive for SQLite, which has no time zones)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: the store needs tz-aware times")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        """Return tz-aware UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Conversation(Base):
    """One conversation: a channel and a keyed hash of the sender id."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "sender_hash"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_hash = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)

    messages = relationship(
        "Message",
        back_populates="conversation",
        order_by="(Message.timestamp, Message.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    outcomes = relationship(
        "TriageOutcome", back_populates="conversation", cascade="all, delete-orphan", passive_deletes=True
    )
    booking = relationship(
        "BookingRequest",
        back_populates="conversation",
        uselist=False,
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Message(Base):
    """One user or bot message of a conversation."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "sender", "timestamp", "text_hash"),
        CheckConstraint("sender IN ('user', 'bot')", name="sender"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    sender = Column(String(8), nullable=False)
    text = Column(Text, nullable=False)
    timestamp = Column(UTCDateTime(), nullable=False)
    text_hash = Column(String(64), nullable=False)

    conversation = relationship("Conversation", back_populates="messages")


class TriageOutcome(Base):
    """The triage outcome a booking was made with."""

    __tablename__ = "triage_outcomes"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    level = Column(String(32), nullable=True)
    red_flags = Column(JSON, nullable=False)
    likely_causes = Column(JSON, nullable=False)
    findings = Column(JSON, nullable=False)
    rules_version = Column(String(64), nullable=True)
    explanation = Column(JSON, nullable=True)  # the lines the visitor was shown (None before 0003)
    clinical_values = Column(JSON, nullable=True)  # age, duration, side, trigger
    interview = Column(JSON, nullable=True)  # suspected flags asked about, direct answers, doubts
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)

    conversation = relationship("Conversation", back_populates="outcomes")


class BookingRequest(Base):
    """A booking request: exactly one per conversation."""

    __tablename__ = "booking_requests"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, unique=True)
    triage_outcome_id = Column(
        Integer, ForeignKey("triage_outcomes.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name = Column(String(200), nullable=False)
    phone = Column(String(20), nullable=False)
    location = Column(String(64), nullable=False)
    preferred_time = Column(UTCDateTime(), nullable=False)
    consent_at = Column(UTCDateTime(), nullable=False)
    status = Column(String(16), nullable=False, default="new", server_default="new")
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)

    conversation = relationship("Conversation", back_populates="booking")
    triage_outcome = relationship("TriageOutcome")


# Statuses staff give a booking or an escalation (interfaces: the review app).
REVIEW_STATUSES = ("new", "contacted", "appointment_booked", "closed", "no_answer")
STAFF_ROLES = ("reviewer", "admin")
SUBJECTS = ("booking", "escalation")
ALERT_KINDS = ("email", "webhook")
ALERT_STATES = ("pending", "sent", "failed")


class Escalation(Base):
    """A red-flag escalation to `emergency` or `urgent`: one per conversation and level."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("conversation_id", "level"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    level = Column(String(32), nullable=False)
    red_flags = Column(JSON, nullable=False)
    likely_causes = Column(JSON, nullable=False)
    findings = Column(JSON, nullable=False)
    rules_version = Column(String(64), nullable=True)
    explanation = Column(JSON, nullable=True)  # the lines shown; None without words (codes only)
    clinical_values = Column(JSON, nullable=True)
    interview = Column(JSON, nullable=True)
    contact_phone = Column(String(20), nullable=True)  # left by the visitor after an emergency, to be called back
    legal_basis = Column(String(32), nullable=False)
    status = Column(String(24), nullable=False, default="new", server_default="new")
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)

    conversation = relationship("Conversation")
    alerts = relationship("Alert", back_populates="escalation", cascade="all, delete-orphan", passive_deletes=True)


class Alert(Base):
    """An alert to the clinic about an escalation, sent from an outbox so none is lost on restart."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("escalation_id", "kind"),)

    id = Column(Integer, primary_key=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(16), nullable=False)
    state = Column(String(16), nullable=False, default="pending", server_default="pending")
    attempts = Column(Integer, nullable=False, default=0, server_default="0")
    next_attempt_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    last_error = Column(String(200), nullable=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    sent_at = Column(UTCDateTime(), nullable=True)

    escalation = relationship("Escalation", back_populates="alerts")


class StaffUser(Base):
    """A staff account of the review app (no default account ever ships)."""

    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False, default="reviewer", server_default="reviewer")
    active = Column(Integer, nullable=False, default=1, server_default="1")
    failed_logins = Column(Integer, nullable=False, default=0, server_default="0")
    locked_until = Column(UTCDateTime(), nullable=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    last_login_at = Column(UTCDateTime(), nullable=True)
    # Part of every session's id: moving it on (a password reset) ends the account's open sessions.
    session_generation = Column(Integer, nullable=False, default=0, server_default="0")


class StatusChange(Base):
    """One status change of a booking or an escalation: who, when, from what to what, and a note."""

    __tablename__ = "status_changes"
    __table_args__ = (Index("ix_status_changes_subject_subject_id", "subject", "subject_id"),)

    id = Column(Integer, primary_key=True)
    subject = Column(String(16), nullable=False)
    subject_id = Column(Integer, nullable=False)
    old_status = Column(String(24), nullable=True)
    new_status = Column(String(24), nullable=False)
    note = Column(Text, nullable=False, default="")
    staff_user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True)
    username = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)


class AuditEvent(Base):
    """An audit record: sign-ins (failed ones too), views, exports and status changes."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    username = Column(String(64), nullable=False)
    action = Column(String(32), nullable=False)
    target = Column(String(64), nullable=False, default="")
    detail = Column(String(500), nullable=False, default="")
    remote_addr = Column(String(64), nullable=False, default="")


class InboundMessage(Base):
    """A message id a channel gave (Telegram update_id, Twilio MessageSid, a widget or REST message id),
    seen once for its sender: a repeat is acknowledged and not processed again (issue 17). REST keeps
    the bot messages the original got, so a client that resends sees its answer."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "sender_hash", "message_id"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(16), nullable=False)
    sender_hash = Column(String(64), nullable=False)
    message_id = Column(String(128), nullable=False)
    replies = Column(JSON, nullable=True)  # None while the original is being handled
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
