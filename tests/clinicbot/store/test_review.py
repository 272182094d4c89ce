"""The review queries on SQLite and PostgreSQL: filters, order of urgency, pages, status history, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinicbot.store import review
from clinicbot.store.models import Escalation, StaffUser, utcnow
from clinicbot.store.service import record_booking
from tests.clinicbot.store.conftest import T0, booking_input

LEVELS = ["self_care", "urgent", "soon", "emergency"]


def add_bookings(engine, n: int, start: int = 0) -> None:
    """`n` bookings cycling through the levels, a day apart, alternating channels and locations."""
    with Session(engine, future=True) as s, s.begin():
        for i in range(start, start + n):
            level = LEVELS[i % len(LEVELS)]
            record_booking(
                s,
                booking_input(
                    f"bulk-{i}",
                    channel="rest" if i % 2 else "whatsapp",
                    name=f"Person {i}",
                    phone=f"+9198{i:08d}",
                    location="noida" if i % 3 else "greater_noida",
                    triage={
                        "level": level,
                        "red_flags": ["fever"] if level == "urgent" else [],
                        "likely_causes": [],
                        "findings": [],
                        "rules_version": "t",
                    },
                    n_messages=1,
                ),
                now=T0 + timedelta(days=i),
            )


@pytest.fixture
def filled(db):
    add_bookings(db, 12)
    return db


def _names(page):
    return [row.name for row in page.rows]


def test_order_is_urgency_then_newest(filled):
    with Session(filled, future=True) as s:
        page = review.list_bookings(s, review.ReviewFilter(), per_page=50)
    levels = [row.level for row in page.rows]
    assert levels == sorted(levels, key=["emergency", "urgent", "soon", "self_care"].index)
    emergencies = [row.created_at for row in page.rows if row.level == "emergency"]
    assert emergencies == sorted(emergencies, reverse=True)
    assert page.total == 12


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (review.ReviewFilter(level="urgent"), {"Person 1", "Person 5", "Person 9"}),
        (review.ReviewFilter(red_flag="fever"), {"Person 1", "Person 5", "Person 9"}),
        (review.ReviewFilter(red_flag="saddle_numbness"), set()),
        (review.ReviewFilter(location="greater_noida", channel="whatsapp"), {"Person 0", "Person 6"}),
        (review.ReviewFilter(q="person 1"), {"Person 1", "Person 10", "Person 11"}),
        (review.ReviewFilter(q="+91 98 0000 0007"), {"Person 7"}),
        (review.ReviewFilter(q="%"), set()),
        (review.ReviewFilter(date_from=date(2025, 3, 5), date_to=date(2025, 3, 6)), {"Person 2", "Person 3"}),
        (review.ReviewFilter(status="closed"), set()),
    ],
)
def test_filters(filled, flt, expected):
    with Session(filled, future=True) as s:
        assert set(_names(review.list_bookings(s, flt))) == expected


@pytest.mark.parametrize(
    ("page", "per_page", "shown", "pages"), [(1, 5, 5, 3), (3, 5, 2, 3), (9, 5, 2, 3), (1, 500, 12, 1)]
)
def test_pages(filled, page, per_page, shown, pages):
    with Session(filled, future=True) as s:
        result = review.list_bookings(s, review.ReviewFilter(), page, per_page)
    assert (len(result.rows), result.pages) == (shown, pages)


def test_status_change_history_and_validation(filled):
    with Session(filled, future=True) as s, s.begin():
        user = StaffUser(username="rita", password_hash="x", role="reviewer")
        s.add(user)
        s.flush()
        booking_id = review.list_bookings(s, review.ReviewFilter()).rows[0].id
        review.set_status(s, "booking", booking_id, "contacted", "  called  ", user)
        review.set_status(s, "booking", booking_id, "closed", "", user)
        with pytest.raises(ValueError):
            review.set_status(s, "booking", booking_id, "deleted", "", user)
        assert review.set_status(s, "booking", 10**6, "closed", "", user) is None
        hist = [(h.old_status, h.new_status, h.note, h.username) for h in review.history(s, "booking", booking_id)]
    assert hist == [("new", "contacted", "called", "rita"), ("contacted", "closed", "", "rita")]


def test_escalations_list_links_bookings(filled):
    with Session(filled, future=True) as s, s.begin():
        row = review.list_bookings(s, review.ReviewFilter(level="emergency")).rows[0]
        conv_id = review.booking_detail(s, row.id).record.conversation_id
        s.add(
            Escalation(
                conversation_id=conv_id,
                level="emergency",
                red_flags=["saddle_numbness"],
                likely_causes=[],
                findings=[],
                legal_basis="vital_interest",
                created_at=utcnow(),
            )
        )
    with Session(filled, future=True) as s:
        page = review.list_escalations(s, review.ReviewFilter(red_flag="saddle_numbness"))
        assert [(r.booking_id, r.name) for r in page.rows] == [(row.id, row.name)]
        detail = review.escalation_detail(s, page.rows[0].id)
        assert detail.links == [("booking", row.id, "new")]


def test_export_of_filtered_ids_keeps_the_list_order(filled):
    with Session(filled, future=True) as s:
        rows = review.booking_rows_for_export(s, review.ReviewFilter(level="urgent"))
        listed = [r.id for r in review.list_bookings(s, review.ReviewFilter(level="urgent")).rows]
    assert [r["id"] for r in rows] == listed and all(r["transcript"] for r in rows)


@pytest.mark.parametrize("shape", ["{ref}", "{ref_lower}", "#{ref}", "R{id}"])
def test_a_booking_is_found_by_the_reference_the_visitor_was_given(filled, shape):
    from clinicbot.store.models import BookingRequest
    from clinicbot.store.service import reference

    with Session(filled, future=True) as s:
        target = s.scalars(select(BookingRequest).where(BookingRequest.name == "Person 7")).one()
        ref = reference(target.id)
        q = shape.format(ref=ref, ref_lower=ref.lower(), id=target.id)
        assert set(_names(review.list_bookings(s, review.ReviewFilter(q=q)))) == {"Person 7"}


@pytest.mark.parametrize(
    ("zone", "day", "listed"),
    [
        ("UTC", date(2025, 3, 3), True),
        ("UTC", date(2025, 3, 4), False),
        ("Asia/Kolkata", date(2025, 3, 3), False),  # 20:00 UTC on the 3rd is 01:30 on the 4th in India
        ("Asia/Kolkata", date(2025, 3, 4), True),
    ],
)
def test_day_filters_are_the_days_of_a_zone(db, zone, day, listed):
    from zoneinfo import ZoneInfo

    with Session(db, future=True) as s, s.begin():
        record_booking(s, booking_input("late"), now=T0.replace(hour=20))
    with Session(db, future=True) as s:
        flt = review.ReviewFilter(date_from=day, date_to=day)
        assert (review.list_bookings(s, flt, zone=ZoneInfo(zone)).total == 1) is listed


@pytest.mark.parametrize(("language", "names"), [("en", {"Old", "En"}), ("hi-Latn", {"Hinglish"}), ("hi", {"Hindi"})])
def test_the_lists_filter_by_the_visitors_language(engine, language, names):
    from clinicbot.store.db import upgrade
    from clinicbot.store.service import record_booking

    from .conftest import booking_input

    upgrade(engine)
    base = booking_input().triage
    with Session(engine, future=True) as s, s.begin():
        for name, lang in (("Old", None), ("En", "en"), ("Hinglish", "hi-Latn"), ("Hindi", "hi")):
            triage = dict(base, **({"interview": {"language": lang}} if lang else {}))
            record_booking(s, booking_input(f"u-{name}", name=name, triage=triage))
    with Session(engine, future=True) as s:
        page = review.list_bookings(s, review.ReviewFilter(language=language))
        assert set(_names(page)) == names
        assert {row.language for row in page.rows} == {language}
