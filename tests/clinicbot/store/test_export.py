"""export_bookings and to_csv: fields, filters, no N+1, formula-injection-safe CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from clinicbot.store.service import (
    EXPORT_FIELDS,
    SheetStyle,
    TranscriptMessage,
    clinic_style,
    export_bookings,
    record_booking,
    safe_cell,
    sheet,
    to_csv,
)

from .conftest import T0, booking_input

FIELDS = {
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
    "transcript",
}


def seed(engine, n, start=T0, prefix="user"):
    with Session(engine) as s, s.begin():
        for i in range(n):
            record_booking(s, booking_input(f"{prefix}-{i}"), now=start + timedelta(days=i))


def export(engine, since=None):
    with Session(engine) as s:
        return export_bookings(s, since)


def test_export_json_fields(db):
    seed(db, 1)
    [row] = export(db)
    assert FIELDS <= set(row)
    assert row["created_at"] == "2025-03-03T09:00:00+00:00"
    assert row["preferred_time"] == "2025-03-05T11:00:00+00:00"
    assert (row["channel"], row["name"], row["phone"], row["location"]) == (
        "rest",
        "Asha Verma",
        "+919876543210",
        "noida_sector_47",
    )
    assert (row["triage_level"], row["red_flags"], row["rules_version"], row["status"]) == (
        "routine",
        [],
        "2025.1",
        "new",
    )
    assert row["likely_causes"] == ["nonspecific_mechanical", "muscle_strain"]
    assert row["findings"] == [{"id": "pain_after_exercise", "status": "present", "span": [10, 25]}]
    assert row["transcript"][:2] == [
        {"sender": "user", "text": "msg 0", "timestamp": "2025-03-03T09:00:00+00:00"},
        {"sender": "bot", "text": "msg 1", "timestamp": "2025-03-03T09:00:01+00:00"},
    ]


@pytest.mark.parametrize(
    "since, expected",
    [(None, 4), (date(2025, 3, 3), 4), (date(2025, 3, 5), 2), (date(2025, 3, 6), 1), (date(2025, 4, 1), 0)],
)
def test_export_since(db, since, expected):
    seed(db, 4)
    rows = export(db, since)
    assert len(rows) == expected
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)


def test_export_query_count_is_constant(db):
    """No N+1: the number of queries does not grow with the number of bookings."""
    statements = []
    event.listen(db, "before_cursor_execute", lambda *a: statements.append(a[2]))
    seed(db, 2)
    statements.clear()
    export(db)
    few = len(statements)
    seed(db, 40, start=T0 + timedelta(days=10), prefix="more")
    statements.clear()
    assert len(export(db)) == 42
    assert len(statements) == few <= 4


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("+919876543210", "'+919876543210"),
        ("Asha", "Asha"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (7, "7"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_is_formula_injection_safe(db):
    evil = booking_input(
        "evil",
        name='=HYPERLINK("http://evil","x")',
        location="@x",
        triage={"level": "-2", "red_flags": ["+1"], "likely_causes": [], "findings": [], "rules_version": "=1+1"},
        transcript=[TranscriptMessage("user", "=cmd|' /C calc'!A0", T0)],
    )
    with Session(db) as s, s.begin():
        record_booking(s, evil)
    out = io.StringIO()
    to_csv(export(db), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == '\'=HYPERLINK("http://evil","x")'
    assert (row["location"], row["triage_level"], row["red_flags"], row["rules_version"]) == (
        "'@x",
        "'-2",
        "'+1",
        "'=1+1",
    )
    assert row["phone"] == "'+919876543210"
    assert row["transcript"] == "[2025-03-03 09:00:00 +00:00] user: =cmd|' /C calc'!A0"
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_lists_and_transcript_flattened(db):
    seed(db, 2)
    out = io.StringIO()
    to_csv(export(db), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 2
    assert rows[0]["likely_causes"] == "nonspecific_mechanical; muscle_strain"
    assert rows[0]["findings"] == "pain_after_exercise (present)"
    assert rows[0]["transcript"].splitlines()[0] == "[2025-03-03 09:00:00 +00:00] user: msg 0"
    assert len(rows[0]["transcript"].splitlines()) == 4


@pytest.mark.parametrize(
    ("zone", "iso", "shown"),
    [
        ("UTC", "2025-03-03T09:00:00+00:00", "2025-03-03 09:00:00 +00:00"),
        ("Asia/Kolkata", "2025-03-03T09:00:00+00:00", "2025-03-03 14:30:00 +05:30"),
        ("Asia/Kolkata", "2025-03-03T20:00:00+00:00", "2025-03-04 01:30:00 +05:30"),  # the next day in India
        ("America/New_York", "2025-03-03T09:00:00+00:00", "2025-03-03 04:00:00 -05:00"),
        ("Asia/Kolkata", None, ""),
    ],
)
def test_sheet_times_in_a_zone_with_the_offset(zone, iso, shown):
    assert SheetStyle(ZoneInfo(zone)).time(iso) == shown


def test_csv_in_the_clinics_way(db):
    """Times in the clinic's zone with the offset; phones as dialled from it, so no quote shows."""
    seed(db, 1)
    out = io.StringIO()
    to_csv(export(db), out, clinic_style("dialled"))
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["created_at"] == "2025-03-03 14:30:00 +05:30"
    assert row["preferred_time"] == "2025-03-05 16:30:00 +05:30"
    assert row["consent_at"] == "2025-03-03 14:35:00 +05:30"
    assert row["phone"] == "098765 43210"
    assert row["transcript"].splitlines()[0] == "[2025-03-03 14:30:00 +05:30] user: msg 0"


def test_sheet_is_text_with_international_phones(db):
    seed(db, 1)
    header, line = sheet(export(db), clinic_style("international"))
    assert header == list(EXPORT_FIELDS)
    cells = dict(zip(header, line))
    assert cells["phone"] == "+91 98765 43210" and cells["triage_level"] == "routine"
    assert all(isinstance(c, str) for c in line)
