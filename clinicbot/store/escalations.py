"""Red-flag escalations: the record with its pending alerts, exactly once (the decision is the conversation's)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clinicbot.store.keys import sender_hash
from clinicbot.store.models import ALERT_KINDS, Alert, Conversation, Escalation, utcnow
from clinicbot.store.repository import StoreRepository
from clinicbot.store.service import TranscriptMessage, _normalise, _utc

logger = logging.getLogger(__name__)

EMERGENCY, URGENT = "emergency", "urgent"
# Most urgent first: the levels a red flag escalates to.
ESCALATION_LEVELS = (EMERGENCY, URGENT)
# Why personal data may be stored with an escalation (the README's privacy section).
VITAL_INTEREST = "vital_interest"  # a medical emergency: GDPR art. 6(1)(d) and 9(2)(c)
CONSENT = "consent"  # the visitor consented (the booking form's consent)
CODES_ONLY = "codes_only"  # no consent yet: clinical codes only, no words, no transcript
LEGAL_BASES = (VITAL_INTEREST, CONSENT, CODES_ONLY)


def _rank(level: Optional[str]) -> int:
    """0 for emergency, 1 for urgent, 2 for anything else (less urgent or unknown)."""
    return ESCALATION_LEVELS.index(level) if level in ESCALATION_LEVELS else len(ESCALATION_LEVELS)


@dataclass(frozen=True)
class EscalationInput:
    """Everything an escalation record holds; `consented` once the visitor agreed to storage."""

    channel: str
    sender_id: str
    level: str
    red_flags: List[str]
    likely_causes: List[str] = field(default_factory=list)
    findings: List[Dict[str, Any]] = field(default_factory=list)
    rules_version: Optional[str] = None
    transcript: List[TranscriptMessage] = field(default_factory=list)
    consented: bool = False
    explanation: List[str] = field(default_factory=list)  # the lines shown (they quote the visitor)
    values: Dict[str, Any] = field(default_factory=dict)
    interview: Dict[str, Any] = field(default_factory=dict)  # codes only: suspected flags, answers, doubts


def legal_basis(level: str, consented: bool) -> str:
    """The ground on which an escalation's personal data is stored."""
    if level == EMERGENCY:
        return VITAL_INTEREST
    return CONSENT if consented else CODES_ONLY


def _findings(findings: Sequence[Mapping[str, Any]], with_words: bool) -> List[Dict[str, Any]]:
    """The findings; without consent (or an emergency) their spans, the visitor's words, are dropped."""
    return [dict(f) if with_words else {k: v for k, v in f.items() if k != "span"} for f in findings]


def _validate(data: EscalationInput, kinds: Sequence[str]) -> None:
    """Refuse an escalation that would store nonsense."""
    if not data.channel or not data.sender_id:
        raise ValueError("channel and sender_id are required")
    if data.level not in ESCALATION_LEVELS:
        raise ValueError(f"level must be one of {ESCALATION_LEVELS}")
    if not data.red_flags:
        raise ValueError("an escalation needs the red flags that caused it")
    unknown = set(kinds) - set(ALERT_KINDS)
    if unknown:
        raise ValueError(f"unknown alert kinds: {sorted(unknown)}")


def _at_or_above(session: Session, conversation_id: int, level: str) -> Optional[Escalation]:
    """The conversation's escalation at `level` or a more urgent one, if any."""
    levels = ESCALATION_LEVELS[: _rank(level) + 1]
    stmt = (
        select(Escalation)
        .where(Escalation.conversation_id == conversation_id, Escalation.level.in_(levels))
        .order_by(Escalation.id)
    )
    return session.scalars(stmt).first()


def record_escalation(
    session: Session,
    data: EscalationInput,
    alert_kinds: Sequence[str] = (),
    now: Optional[datetime] = None,
) -> Tuple[Escalation, bool]:
    """Store an escalation and its pending alerts in the caller's transaction, once per conversation and level.

    A conversation already escalated at this level or a more urgent one gets no new record (nor alerts).
    The transcript is stored only for an emergency or with consent; otherwise only the codes are.
    Returns the escalation and whether this call created it.
    """
    kinds = list(dict.fromkeys(alert_kinds))
    _validate(data, kinds)
    now = _utc(now, "now") if now is not None else utcnow()
    basis = legal_basis(data.level, data.consented)
    with_words = basis != CODES_ONLY
    messages = _normalise(data.transcript) if with_words else []
    repo = StoreRepository(session)
    conv = repo.get_or_create_conversation(data.channel, sender_hash(data.sender_id), now)
    added = repo.add_messages(conv, messages) if messages else 0
    if added:
        conv.updated_at = now
    existing = _at_or_above(session, conv.id, data.level)
    if existing is not None:
        logger.info("escalation %s (%s) already stored for conversation %s", existing.id, existing.level, conv.id)
        return existing, False
    try:
        with session.begin_nested():
            esc = Escalation(
                conversation_id=conv.id,
                level=data.level,
                red_flags=list(data.red_flags),
                likely_causes=list(data.likely_causes),
                findings=_findings(data.findings, with_words),
                rules_version=data.rules_version,
                explanation=list(data.explanation) if with_words and data.explanation else None,
                clinical_values=dict(data.values) or None,
                interview=dict(data.interview) or None,
                legal_basis=basis,
                status="new",
                created_at=now,
            )
            session.add(esc)
            session.flush()
            session.add_all(
                Alert(escalation_id=esc.id, kind=k, state="pending", attempts=0, next_attempt_at=now, created_at=now)
                for k in kinds
            )
            session.flush()
    except IntegrityError:  # a concurrent run of the same turn won the race: return its record
        existing = _at_or_above(session, conv.id, data.level)
        if existing is None:
            raise
        logger.info("escalation %s stored concurrently for conversation %s", existing.id, conv.id)
        return existing, False
    conv.updated_at = now
    logger.info(
        "escalation %s (%s) stored for conversation %s: %d messages, alerts %s",
        esc.id,
        esc.level,
        conv.id,
        added,
        kinds,
    )
    return esc, True


def record_consent(session: Session, channel: str, sender_id: str) -> int:
    """The visitor consented to storage: their codes-only escalations now rest on consent; how many."""
    conv = StoreRepository(session).conversation(channel, sender_hash(sender_id))
    if conv is None:
        return 0
    result = session.execute(
        update(Escalation)
        .where(Escalation.conversation_id == conv.id, Escalation.legal_basis == CODES_ONLY)
        .values(legal_basis=CONSENT)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def record_contact(session: Session, channel: str, sender_id: str, phone: str) -> int:
    """A number the visitor left to be called back on, kept on their emergency escalation; how many took it."""
    conv = StoreRepository(session).conversation(channel, sender_hash(sender_id))
    if conv is None:
        return 0
    result = session.execute(
        update(Escalation)
        .where(Escalation.conversation_id == conv.id, Escalation.level == EMERGENCY)
        .values(contact_phone=phone)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def escalations_of(session: Session, channel: str, sender_id: str) -> List[Escalation]:
    """A conversation's escalations, oldest first (none if it is not stored)."""
    stmt = (
        select(Escalation)
        .join(Conversation, Conversation.id == Escalation.conversation_id)
        .where(Conversation.channel == channel, Conversation.sender_hash == sender_hash(sender_id))
        .order_by(Escalation.id)
    )
    return list(session.scalars(stmt))
