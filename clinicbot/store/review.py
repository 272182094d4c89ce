"""The staff review's use cases: filtered lists, one conversation, status changes with history, audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import String, case, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from clinicbot.store.models import (
    REVIEW_STATUSES,
    SUBJECTS,
    AuditEvent,
    BookingRequest,
    Conversation,
    Escalation,
    Message,
    StaffUser,
    StatusChange,
    TriageOutcome,
    utcnow,
)
from clinicbot.store.service import booking_id_of
from clinicbot.vocabulary import vocabulary

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class ReviewFilter:
    """The filters of a list; empty fields do not filter."""

    level: str = ""
    red_flag: str = ""
    location: str = ""
    status: str = ""
    channel: str = ""
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    q: str = ""
    language: str = ""  # en, hi-Latn or hi: the visitor's language (issue 16)

    def active(self) -> Dict[str, str]:
        """The filters that are set, as query-string values."""
        out = {}
        for key, value in self.__dict__.items():
            if value:
                out[key] = value.isoformat() if isinstance(value, date) else str(value)
        return out


@dataclass
class Page:
    """One page of a list."""

    rows: List[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, -(-self.total // self.per_page))


@dataclass
class Detail:
    """A booking or an escalation with its conversation: outcome, transcript, history, linked records."""

    kind: str
    record: Any
    channel: str
    outcome: Dict[str, Any]
    messages: List[Message]
    history: List[StatusChange] = field(default_factory=list)
    links: List[Tuple[str, int, str]] = field(default_factory=list)


def _day_start(day: date, zone: tzinfo = timezone.utc) -> datetime:
    """Midnight at the start of `day` in `zone` (UTC unless given)."""
    return datetime.combine(day, time.min, tzinfo=zone)


def _urgency(level_column: Any) -> Any:
    """A sort key in the vocabulary's order of urgency (emergency first); an unknown level sorts first too."""
    order = vocabulary().level_order
    return case({lvl: i + 1 for i, lvl in enumerate(order)}, value=level_column, else_=0)


def _json_list_contains(column: Any, item: str) -> Any:
    """A JSON list column contains the id `item` (ids are plain words, so a text match is exact)."""
    return cast(column, String).like(f'%"{item}"%')


ENGLISH = "en"


def _language(interview: Any) -> Any:
    """The visitor's language kept in an outcome's interview record (older records have none: English)."""
    return func.coalesce(interview["language"].as_string(), ENGLISH)


def _common_filters(
    flt: ReviewFilter, level: Any, red_flags: Any, created: Any, status: Any, zone: tzinfo = timezone.utc
) -> List[Any]:
    """The WHERE clauses both lists share (days from midnight to midnight in `zone`)."""
    where: List[Any] = []
    if flt.level:
        where.append(level == flt.level)
    if flt.red_flag:
        where.append(_json_list_contains(red_flags, flt.red_flag))
    if flt.status:
        where.append(status == flt.status)
    if flt.channel:
        where.append(Conversation.channel == flt.channel)
    if flt.date_from:
        where.append(created >= _day_start(flt.date_from, zone))
    if flt.date_to:
        where.append(created < _day_start(flt.date_to + timedelta(days=1), zone))
    return where


def _booking_filters(flt: ReviewFilter) -> List[Any]:
    """Location and the search by name, phone digits or reference: both lists filter on the booking's fields."""
    where: List[Any] = []
    if flt.location:
        where.append(BookingRequest.location == flt.location)
    if flt.q:
        needle = flt.q.strip()
        digits = "".join(ch for ch in needle if ch.isdigit())
        terms = [func.lower(BookingRequest.name).contains(needle.lower(), autoescape=True)]
        booking_id = booking_id_of(needle)
        if booking_id is not None:  # a reference the visitor was given ("R-00042"), not a phone's digits
            terms.append(BookingRequest.id == booking_id)
        elif len(digits) >= 3:
            terms.append(BookingRequest.phone.contains(digits, autoescape=True))
        where.append(or_(*terms))
    return where


def _booking_query(flt: ReviewFilter, zone: tzinfo = timezone.utc) -> Select:
    """Bookings with their channel and outcome, filtered, most urgent and newest first."""
    where = _common_filters(
        flt, TriageOutcome.level, TriageOutcome.red_flags, BookingRequest.created_at, BookingRequest.status, zone
    )
    where += _booking_filters(flt)
    if flt.language:
        where.append(_language(TriageOutcome.interview) == flt.language)
    return (
        select(
            BookingRequest.id,
            BookingRequest.created_at,
            BookingRequest.name,
            BookingRequest.phone,
            BookingRequest.location,
            BookingRequest.preferred_time,
            BookingRequest.status,
            Conversation.channel,
            TriageOutcome.level,
            TriageOutcome.red_flags,
            TriageOutcome.likely_causes,
            _language(TriageOutcome.interview).label("language"),
        )
        .join(Conversation, Conversation.id == BookingRequest.conversation_id)
        .join(TriageOutcome, TriageOutcome.id == BookingRequest.triage_outcome_id)
        .where(*where)
        .order_by(_urgency(TriageOutcome.level), BookingRequest.created_at.desc(), BookingRequest.id.desc())
    )


def _escalation_query(flt: ReviewFilter, zone: tzinfo = timezone.utc) -> Select:
    """Escalations with their channel and any booking of the same conversation, filtered, most urgent first."""
    where = _common_filters(flt, Escalation.level, Escalation.red_flags, Escalation.created_at, Escalation.status, zone)
    where += _booking_filters(flt)
    if flt.language:
        where.append(_language(Escalation.interview) == flt.language)
    return (
        select(
            Escalation.id,
            Escalation.created_at,
            Escalation.level,
            Escalation.red_flags,
            Escalation.likely_causes,
            Escalation.status,
            Conversation.channel,
            BookingRequest.id.label("booking_id"),
            BookingRequest.name,
            _language(Escalation.interview).label("language"),
        )
        .join(Conversation, Conversation.id == Escalation.conversation_id)
        .outerjoin(BookingRequest, BookingRequest.conversation_id == Escalation.conversation_id)
        .where(*where)
        .order_by(_urgency(Escalation.level), Escalation.created_at.desc(), Escalation.id.desc())
    )


def _page(session: Session, stmt: Select, page: int, per_page: int) -> Page:
    """Run one page of `stmt` and count the whole."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    total = int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    rows = list(session.execute(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(rows, total, page, per_page)


def list_bookings(
    session: Session, flt: ReviewFilter, page: int = 1, per_page: int = 50, zone: tzinfo = timezone.utc
) -> Page:
    """One page of booking requests matching `flt` (its days in `zone`)."""
    return _page(session, _booking_query(flt, zone), page, per_page)


def list_escalations(
    session: Session, flt: ReviewFilter, page: int = 1, per_page: int = 50, zone: tzinfo = timezone.utc
) -> Page:
    """One page of escalations matching `flt` (its days in `zone`)."""
    return _page(session, _escalation_query(flt, zone), page, per_page)


def booking_rows_for_export(session: Session, flt: ReviewFilter, zone: tzinfo = timezone.utc) -> List[Dict[str, Any]]:
    """The filtered bookings as export dicts (the same fields as `clinicbot bookings export`)."""
    from clinicbot.store.service import export_rows_for_ids

    ids = [row.id for row in session.execute(_booking_query(flt, zone))]
    return export_rows_for_ids(session, ids)


def _messages(session: Session, conversation_id: int, until: Optional[datetime] = None) -> List[Message]:
    """A conversation's messages in order (those up to `until` when given)."""
    stmt = select(Message).where(Message.conversation_id == conversation_id)
    if until is not None:
        stmt = stmt.where(Message.timestamp <= until)
    return list(session.scalars(stmt.order_by(Message.timestamp, Message.id)))


def history(session: Session, subject: str, subject_id: int) -> List[StatusChange]:
    """The status changes of one record, oldest first."""
    stmt = (
        select(StatusChange)
        .where(StatusChange.subject == subject, StatusChange.subject_id == subject_id)
        .order_by(StatusChange.created_at, StatusChange.id)
    )
    return list(session.scalars(stmt))


def booking_detail(session: Session, booking_id: int) -> Optional[Detail]:
    """One booking with its outcome, whole transcript, history and escalations."""
    booking = session.get(BookingRequest, booking_id)
    if booking is None:
        return None
    conv = session.get(Conversation, booking.conversation_id)
    outcome = session.get(TriageOutcome, booking.triage_outcome_id)
    escalations = session.scalars(
        select(Escalation).where(Escalation.conversation_id == booking.conversation_id).order_by(Escalation.id)
    )
    return Detail(
        kind="booking",
        record=booking,
        channel=conv.channel if conv else "",
        outcome=_outcome_dict(outcome),
        messages=_messages(session, booking.conversation_id),
        history=history(session, "booking", booking.id),
        links=[("escalation", e.id, e.level) for e in escalations],
    )


def escalation_detail(session: Session, escalation_id: int) -> Optional[Detail]:
    """One escalation with the transcript it holds, its history and the booking it became, if any."""
    esc = session.get(Escalation, escalation_id)
    if esc is None:
        return None
    conv = session.get(Conversation, esc.conversation_id)
    booking = session.scalars(
        select(BookingRequest).where(BookingRequest.conversation_id == esc.conversation_id)
    ).first()
    return Detail(
        kind="escalation",
        record=esc,
        channel=conv.channel if conv else "",
        outcome=_outcome_dict(esc),
        messages=_messages(session, esc.conversation_id),
        history=history(session, "escalation", esc.id),
        links=[("booking", booking.id, booking.status)] if booking is not None else [],
    )


def _outcome_dict(source: Any) -> Dict[str, Any]:
    """The triage outcome fields of a TriageOutcome or an Escalation."""
    if source is None:
        return {
            "level": None,
            "red_flags": [],
            "likely_causes": [],
            "findings": [],
            "rules_version": None,
            "explanation": [],
            "values": {},
            "interview": {},
        }
    return {
        "level": source.level,
        "red_flags": list(source.red_flags or []),
        "likely_causes": list(source.likely_causes or []),
        "findings": list(source.findings or []),
        "rules_version": source.rules_version,
        "explanation": list(source.explanation or []),
        "values": dict(source.clinical_values or {}),
        "interview": dict(source.interview or {}),
    }


def set_status(
    session: Session, subject: str, subject_id: int, new_status: str, note: str, user: StaffUser
) -> Optional[StatusChange]:
    """Change a booking's or escalation's status and keep the change (with the note) as history."""
    if subject not in SUBJECTS:
        raise ValueError(f"subject must be one of {SUBJECTS}")
    if new_status not in REVIEW_STATUSES:
        raise ValueError(f"status must be one of {REVIEW_STATUSES}")
    model = BookingRequest if subject == "booking" else Escalation
    record = session.get(model, subject_id)
    if record is None:
        return None
    change = StatusChange(
        subject=subject,
        subject_id=subject_id,
        old_status=record.status,
        new_status=new_status,
        note=note.strip()[:2000],
        staff_user_id=user.id,
        username=user.username,
        created_at=utcnow(),
    )
    record.status = new_status
    session.add(change)
    session.flush()
    return change


def audit(
    session: Session, username: str, action: str, target: str = "", detail: str = "", remote_addr: str = ""
) -> None:
    """Add an audit record (never patient data: targets are record ids, details are filter names)."""
    session.add(
        AuditEvent(
            at=utcnow(),
            username=username[:64],
            action=action[:32],
            target=target[:64],
            detail=detail[:500],
            remote_addr=remote_addr[:64],
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    """The audit log's filters (who, what, which days); empty fields do not filter."""

    username: str = ""
    action: str = ""
    date_from: Optional[date] = None
    date_to: Optional[date] = None

    def active(self) -> Dict[str, str]:
        """The filters that are set, as query-string values."""
        return {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in self.__dict__.items() if v}


def audit_page(
    session: Session,
    page: int = 1,
    per_page: int = 100,
    flt: Optional[AuditFilter] = None,
    zone: tzinfo = timezone.utc,
) -> Page:
    """The audit log, newest first, filtered by person, action and days (midnight to midnight in `zone`)."""
    flt = flt or AuditFilter()
    where: List[Any] = []
    if flt.username:
        where.append(AuditEvent.username == flt.username)
    if flt.action:
        where.append(AuditEvent.action == flt.action)
    if flt.date_from:
        where.append(AuditEvent.at >= _day_start(flt.date_from, zone))
    if flt.date_to:
        where.append(AuditEvent.at < _day_start(flt.date_to + timedelta(days=1), zone))
    stmt = select(AuditEvent).where(*where).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    total = int(session.scalar(select(func.count(AuditEvent.id)).where(*where)) or 0)
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    rows = list(session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(rows, total, page, per_page)


def audit_choices(session: Session) -> Dict[str, Sequence[str]]:
    """The people and actions the audit log holds, for its filters."""
    people = sorted(set(session.scalars(select(AuditEvent.username).distinct())))
    actions = sorted(set(session.scalars(select(AuditEvent.action).distinct())))
    return {"people": people, "actions": actions}


def choices(session: Session) -> Dict[str, Sequence[str]]:
    """The values the list filters offer that live in the data (channels and locations seen)."""
    channels = sorted(set(session.scalars(select(Conversation.channel).distinct())))
    locations = sorted(set(session.scalars(select(BookingRequest.location).distinct())))
    return {"channels": channels, "locations": locations}
