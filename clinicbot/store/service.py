"""The store's use cases: record a booking exactly once, append messages, export, purge."""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, TextIO, Tuple, Union

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clinicbot.store.keys import sender_hash
from clinicbot.store.models import SENDERS, BookingRequest, Conversation, TriageOutcome, utcnow
from clinicbot.store.repository import StoreRepository

logger = logging.getLogger(__name__)

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
EXPORT_FIELDS = (
    "id",
    "created_at",
    "channel",
    "name",
    "phone",
    "location",
    "preferred_time",
    "triage_level",
    "red_flags",
    "likely_causes",
    "findings",
    "rules_version",
    "status",
    "consent_at",
    "transcript",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_EXPORT_CHUNK = 500


@dataclass(frozen=True)
class TranscriptMessage:
    """One message of a transcript; `timestamp` is a tz-aware datetime or epoch seconds."""

    sender: str
    text: str
    timestamp: Union[datetime, float]


@dataclass(frozen=True)
class BookingInput:
    """Everything a confirmed booking stores."""

    channel: str
    sender_id: str
    name: str
    phone: str
    location: str
    preferred_time: datetime
    consent_at: datetime
    triage: Dict[str, Any]
    transcript: List[TranscriptMessage] = field(default_factory=list)


REFERENCE_PREFIX = "R-"
_REFERENCE = re.compile(r"^\s*#?\s*R-?\s*0*(\d{1,9})\s*$", re.I)


def reference(booking_id: int) -> str:
    """A booking's short reference, told to the visitor and shown to staff: "R-00042"."""
    return f"{REFERENCE_PREFIX}{booking_id:05d}"


def booking_id_of(text: str) -> Optional[int]:
    """The booking id in a reference as people type it ("R-00042", "r42", "#R 00042"), else None."""
    m = _REFERENCE.match(text or "")
    return int(m.group(1)) if m else None


def _utc(value: Union[datetime, float, int], what: str) -> datetime:
    """A tz-aware UTC datetime from an aware datetime or epoch seconds."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{what}: naive datetime, a tz-aware one is needed")
        return value.astimezone(timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    raise TypeError(f"{what}: expected a datetime or epoch seconds, got {type(value).__name__}")


def _normalise(messages: Iterable[TranscriptMessage]) -> List[Tuple[str, str, datetime]]:
    """Validated (sender, text, UTC timestamp) triples."""
    out = []
    for i, m in enumerate(messages):
        if m.sender not in SENDERS:
            raise ValueError(f"transcript[{i}].sender must be one of {SENDERS}")
        if not isinstance(m.text, str):
            raise TypeError(f"transcript[{i}].text must be a string")
        out.append((m.sender, m.text, _utc(m.timestamp, f"transcript[{i}].timestamp")))
    return out


def _validate(booking: BookingInput) -> None:
    """Refuse a booking that would store nonsense (messages never echo patient data)."""
    if not booking.channel or not booking.sender_id:
        raise ValueError("channel and sender_id are required")
    if not booking.name.strip():
        raise ValueError("name is required")
    if not E164.match(booking.phone):
        raise ValueError("phone must be in E.164 form, e.g. +919876543210")
    if not booking.location:
        raise ValueError("location is required")
    for key in ("red_flags", "likely_causes", "findings"):
        if not isinstance(booking.triage.get(key) or [], (list, tuple)):
            raise ValueError(f"triage.{key} must be a list")


def _touch(conv: Conversation, now: datetime) -> None:
    """Mark the conversation as updated now."""
    conv.updated_at = now


def record_booking(
    session: Session, booking: BookingInput, now: Optional[datetime] = None
) -> Tuple[BookingRequest, bool]:
    """Store a confirmed booking with its triage outcome and transcript, exactly once per conversation."""
    _validate(booking)
    now = _utc(now, "now") if now is not None else utcnow()
    preferred = _utc(booking.preferred_time, "preferred_time")
    consent = _utc(booking.consent_at, "consent_at")
    messages = _normalise(booking.transcript)
    repo = StoreRepository(session)
    conv = repo.get_or_create_conversation(booking.channel, sender_hash(booking.sender_id), now)
    existing = repo.booking_for(conv.id)
    added = repo.add_messages(conv, messages)
    if added or existing is None:
        _touch(conv, now)
    if existing is not None:
        logger.info("booking %s already stored for conversation %s; %d new messages", existing.id, conv.id, added)
        return existing, False
    triage = booking.triage
    try:
        with session.begin_nested():
            outcome = repo.add_outcome(
                TriageOutcome(
                    conversation_id=conv.id,
                    level=triage.get("level"),
                    red_flags=list(triage.get("red_flags") or []),
                    likely_causes=list(triage.get("likely_causes") or []),
                    findings=[dict(f) for f in triage.get("findings") or []],
                    rules_version=triage.get("rules_version"),
                    explanation=list(triage.get("explanation") or []) or None,
                    clinical_values=dict(triage.get("values") or {}) or None,
                    interview=dict(triage.get("interview") or {}) or None,
                    created_at=now,
                )
            )
            stored = repo.add_booking(
                BookingRequest(
                    conversation_id=conv.id,
                    triage_outcome_id=outcome.id,
                    name=booking.name.strip(),
                    phone=booking.phone,
                    location=booking.location,
                    preferred_time=preferred,
                    consent_at=consent,
                    status="new",
                    created_at=now,
                )
            )
    except IntegrityError:  # a concurrent confirmation won the race: return its booking
        existing = repo.booking_for(conv.id)
        if existing is None:
            raise
        logger.info("booking %s stored concurrently for conversation %s", existing.id, conv.id)
        return existing, False
    logger.info("booking %s stored for conversation %s with %d messages", stored.id, conv.id, added)
    return stored, True


def append_messages(session: Session, channel: str, sender_id: str, messages: Sequence[TranscriptMessage]) -> int:
    """Append new messages to a stored conversation; return how many were added (0 if there is none)."""
    repo = StoreRepository(session)
    conv = repo.conversation(channel, sender_hash(sender_id))
    if conv is None:
        return 0
    added = repo.add_messages(conv, _normalise(messages))
    if added:
        _touch(conv, utcnow())
    return added


def _iso(value: Optional[datetime]) -> Optional[str]:
    """ISO 8601 in UTC."""
    return value.astimezone(timezone.utc).isoformat() if value is not None else None


def _since_datetime(since: Optional[date]) -> Optional[datetime]:
    """Midnight UTC of `since` (a date or datetime)."""
    if since is None:
        return None
    if isinstance(since, datetime):
        return _utc(since, "since")
    return datetime.combine(since, time.min, tzinfo=timezone.utc)


def _export_dict(b: Any, messages: Dict[int, List[Any]]) -> Dict[str, Any]:
    """One exported booking as a JSON-ready dict."""
    return {
        "id": b.id,
        "created_at": _iso(b.created_at),
        "channel": b.channel,
        "name": b.name,
        "phone": b.phone,
        "location": b.location,
        "preferred_time": _iso(b.preferred_time),
        "triage_level": b.level,
        "red_flags": list(b.red_flags or []),
        "likely_causes": list(b.likely_causes or []),
        "findings": list(b.findings or []),
        "rules_version": b.rules_version,
        "status": b.status,
        "consent_at": _iso(b.consent_at),
        "conversation_id": b.conversation_id,
        "transcript": [
            {"sender": m.sender, "text": m.text, "timestamp": _iso(m.timestamp)}
            for m in messages.get(b.conversation_id, [])
        ],
    }


def export_bookings(session: Session, since: Optional[date] = None) -> List[Dict[str, Any]]:
    """All booking requests created on or after `since` (UTC), oldest first, as JSON-ready dicts."""
    bookings, messages = StoreRepository(session).export_rows(_since_datetime(since))
    return [_export_dict(b, messages) for b in bookings]


def export_rows_for_ids(session: Session, ids: Sequence[int]) -> List[Dict[str, Any]]:
    """These booking requests as export dicts, in the order of `ids`."""
    repo = StoreRepository(session)
    found: Dict[int, Dict[str, Any]] = {}
    for start in range(0, len(ids), _EXPORT_CHUNK):
        bookings, messages = repo.export_rows(ids=ids[start : start + _EXPORT_CHUNK])
        found.update((b.id, _export_dict(b, messages)) for b in bookings)
    return [found[i] for i in ids if i in found]


def purge(session: Session, older_than_days: int, now: Optional[datetime] = None) -> Dict[str, int]:
    """Delete conversations not updated for `older_than_days` days, with everything stored for them."""
    if older_than_days < 0:
        raise ValueError("older_than_days must be >= 0")
    now = _utc(now, "now") if now is not None else utcnow()
    repo = StoreRepository(session)
    counts = repo.delete_conversations(repo.stale_conversation_ids(now - timedelta(days=older_than_days)))
    from clinicbot.store.inbound import KEEP_DAYS, forget_older_than

    counts["inbound_messages"] = forget_older_than(session, min(older_than_days, KEEP_DAYS), now)
    logger.info("purge older than %d days: %s", older_than_days, counts)
    return counts


def safe_cell(value: Any) -> str:
    """A CSV cell that spreadsheets will not run as a formula (OWASP: prefix with a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@dataclass(frozen=True)
class SheetStyle:
    """How an export shows times and phone numbers (the default: UTC ISO 8601 and E.164, as stored)."""

    zone: tzinfo = timezone.utc
    phone: Callable[[str], str] = str

    def time(self, iso: Optional[str]) -> str:
        """A stored time (ISO 8601) in this zone, with its offset: "2025-03-03 14:30:00 +05:30"."""
        if not iso:
            return ""
        return _with_offset(datetime.fromisoformat(iso).astimezone(self.zone))


def _with_offset(when: datetime) -> str:
    """A time and its offset from UTC, "2025-03-03 14:30:00 +05:30" (no spreadsheet reads it as a number)."""
    offset = when.strftime("%z")
    return f"{when:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"


TIME_FIELDS = ("created_at", "preferred_time", "consent_at")


def _flatten(key: str, value: Any, style: SheetStyle) -> Any:
    """One spreadsheet cell for an export field."""
    if key == "transcript":
        return "\n".join(f"[{style.time(m['timestamp'])}] {m['sender']}: {m['text']}" for m in value)
    if key == "findings":
        return "; ".join(f"{f.get('id')} ({f.get('status')})" for f in value)
    if key in TIME_FIELDS:
        return style.time(value)
    if key == "phone" and value:
        return style.phone(str(value))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def sheet(rows: Sequence[Dict[str, Any]], style: SheetStyle = SheetStyle()) -> List[List[str]]:
    """Exported bookings as a table of text: the header, then one row per booking (not yet formula-safe)."""
    table = [list(EXPORT_FIELDS)]
    for row in rows:
        value = [_flatten(k, row.get(k), style) for k in EXPORT_FIELDS]
        table.append(["" if v is None else str(v) for v in value])
    return table


def to_csv(rows: Sequence[Dict[str, Any]], out: TextIO, style: SheetStyle = SheetStyle()) -> None:
    """Write exported bookings as CSV, one row per booking, every cell formula-injection safe."""
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    for line in sheet(rows, style):
        writer.writerow([safe_cell(cell) for cell in line])


def clinic_style(phone: str = "dialled") -> SheetStyle:
    """The clinic's way: times in its time zone (clinic.yml hours.timezone); phones as dialled from the
    clinic ("dialled": "098765 43210", never starting with a formula character) or as read
    ("international": "+91 98765 43210", for typed-text cells only)."""
    from zoneinfo import ZoneInfo

    from clinicbot.booking import dial_phone, show_phone
    from clinicbot.content import clinic

    return SheetStyle(ZoneInfo(clinic().hours.timezone), dial_phone if phone == "dialled" else show_phone)
