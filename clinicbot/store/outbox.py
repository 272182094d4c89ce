"""The alert outbox: due alerts, claiming one (safe with several workers), marking it sent or retrying."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from clinicbot.store.models import Alert, Conversation, Escalation

PENDING, SENT, FAILED = "pending", "sent", "failed"
MAX_ERROR = 200


@dataclass(frozen=True)
class DueAlert:
    """A pending alert whose time has come, with what its message may carry (no personal data)."""

    id: int
    kind: str
    attempts: int
    next_attempt_at: datetime
    escalation_id: int
    level: str
    red_flags: List[str]
    channel: str
    escalated_at: datetime
    rules_version: Optional[str]


def due_alerts(session: Session, now: datetime, kinds: Sequence[str], limit: int = 20) -> List[DueAlert]:
    """Pending alerts of these kinds due at `now`, oldest first."""
    if not kinds:
        return []
    rows = session.execute(
        select(
            Alert.id,
            Alert.kind,
            Alert.attempts,
            Alert.next_attempt_at,
            Escalation.id.label("escalation_id"),
            Escalation.level,
            Escalation.red_flags,
            Conversation.channel,
            Escalation.created_at,
            Escalation.rules_version,
        )
        .join(Escalation, Escalation.id == Alert.escalation_id)
        .join(Conversation, Conversation.id == Escalation.conversation_id)
        .where(Alert.state == PENDING, Alert.kind.in_(list(kinds)), Alert.next_attempt_at <= now)
        .order_by(Alert.next_attempt_at, Alert.id)
        .limit(limit)
    ).all()
    return [
        DueAlert(
            id=r.id,
            kind=r.kind,
            attempts=r.attempts,
            next_attempt_at=r.next_attempt_at,
            escalation_id=r.escalation_id,
            level=r.level,
            red_flags=list(r.red_flags or []),
            channel=r.channel,
            escalated_at=r.created_at,
            rules_version=r.rules_version,
        )
        for r in rows
    ]


def claim(session: Session, alert: DueAlert, now: datetime, lease: timedelta) -> bool:
    """Take `alert` for one attempt: counts the attempt and hides it for `lease`; False if another worker has it.

    A conditional UPDATE on the attempt count: of two workers, exactly one matches. A worker that dies
    mid-attempt leaves the alert pending; it is due again when the lease ends.
    """
    result = session.execute(
        update(Alert)
        .where(Alert.id == alert.id, Alert.state == PENDING, Alert.attempts == alert.attempts)
        .values(attempts=Alert.attempts + 1, next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1


def mark_sent(session: Session, alert_id: int, attempt: int, now: datetime) -> bool:
    """Record a delivered attempt (only if the alert is still ours: the same attempt count)."""
    result = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.state == PENDING, Alert.attempts == attempt)
        .values(state=SENT, sent_at=now, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1


def mark_failed(session: Session, alert_id: int, attempt: int, error: str, retry_at: Optional[datetime]) -> bool:
    """Record a failed attempt: due again at `retry_at`, or given up (state failed, row kept) when None."""
    values: Dict[str, Any] = {"last_error": error[:MAX_ERROR]}
    if retry_at is None:
        values["state"] = FAILED
    else:
        values["next_attempt_at"] = retry_at
    result = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.state == PENDING, Alert.attempts == attempt)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1


def next_due(session: Session, kinds: Sequence[str]) -> Optional[datetime]:
    """When the next pending alert of these kinds is due (None when there is none)."""
    if not kinds:
        return None
    return session.scalar(
        select(func.min(Alert.next_attempt_at)).where(Alert.state == PENDING, Alert.kind.in_(list(kinds)))
    )


def counts(session: Session) -> Dict[str, int]:
    """How many alerts are in each (kind, state)."""
    rows = session.execute(select(Alert.kind, Alert.state, func.count()).group_by(Alert.kind, Alert.state))
    return {f"{k}:{s}": int(n) for k, s, n in rows}
