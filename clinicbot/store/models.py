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
