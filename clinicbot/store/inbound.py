"""Inbound message ids seen per sender, in the database, so a message is processed once (issue 17).

A channel claims a message id before handling it; the claim is the database's unique constraint, so
two replicas, or a retry racing the original, cannot both win. A claim released (the message was not
taken in, the conversation's database being down) lets the resend through. REST keeps the replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, List, Optional

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clinicbot.store.keys import sender_hash
from clinicbot.store.models import InboundMessage, utcnow

MAX_ID_CHARS = 128
KEEP_DAYS = 7  # `clinicbot purge` forgets ids older than this: providers retry for minutes, not weeks


@dataclass(frozen=True)
class Claim:
    """Whether this call claimed the message (first seen), and the replies kept for an earlier one."""

    first: bool
    replies: Optional[List[Any]] = None


def _key(channel: str, sender_id: str, message_id: str) -> Any:
    if not message_id or len(message_id) > MAX_ID_CHARS:
        raise ValueError(f"a message id is 1 to {MAX_ID_CHARS} characters")
    return (
        InboundMessage.channel == channel,
        InboundMessage.sender_hash == sender_hash(sender_id),
        InboundMessage.message_id == message_id,
    )


def claim(session: Session, channel: str, sender_id: str, message_id: str) -> Claim:
    """Claims a message id for this sender; not first when it was seen before (with its replies, if kept)."""
    where = _key(channel, sender_id, message_id)
    try:
        with session.begin_nested():
            session.add(InboundMessage(channel=channel, sender_hash=sender_hash(sender_id), message_id=message_id))
        return Claim(True)
    except IntegrityError:
        seen = session.scalars(select(InboundMessage).where(*where)).one()
        return Claim(False, seen.replies)


def keep_replies(session: Session, channel: str, sender_id: str, message_id: str, replies: List[Any]) -> None:
    """The replies the original got (REST), for a client that resends it."""
    session.execute(update(InboundMessage).where(*_key(channel, sender_id, message_id)).values(replies=replies))


def release(session: Session, channel: str, sender_id: str, message_id: str) -> None:
    """Forgets a claim: the message was not taken in, and its resend must be processed."""
    session.execute(delete(InboundMessage).where(*_key(channel, sender_id, message_id)))


def replies_of(session: Session, channel: str, sender_id: str, message_id: str) -> Optional[List[Any]]:
    """The replies kept for a message id (None while the original is still being handled)."""
    seen = session.scalars(select(InboundMessage).where(*_key(channel, sender_id, message_id))).first()
    return seen.replies if seen is not None else None


def forget_older_than(session: Session, days: int, now: Optional[datetime] = None) -> int:
    """Deletes the ids seen more than ``days`` ago (a provider retries for minutes, not weeks)."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = session.execute(delete(InboundMessage).where(InboundMessage.created_at < cutoff))
    return int(result.rowcount or 0)
