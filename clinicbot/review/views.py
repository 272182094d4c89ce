"""The review app's pages: sign-in, the two lists, one conversation, status changes, CSV export, audit."""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Dict, Optional

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from clinicbot.review import present
from clinicbot.review.app import Staff, admin_required, audit, db
from clinicbot.review.passwords import hash_password, needs_rehash, verify_password
from clinicbot.store import review as store
from clinicbot.store import staff
from clinicbot.store.models import REVIEW_STATUSES, utcnow
from clinicbot.vocabulary import vocabulary

bp = Blueprint("review", __name__)
FILTER_FIELDS = ("level", "red_flag", "location", "status", "channel", "date_from", "date_to", "q")


def _date(value: str, label: str) -> Optional[date]:
    """A date from a form field, or None (with a message) when it is not one."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        flash(f"{label} is not a date (YYYY-MM-DD); it was left out of the filter.")
        return None


def _filters() -> store.ReviewFilter:
    """The list filters from the query string; unknown values are ignored with a message."""
    args = request.args
    vocab = vocabulary()
    out: Dict[str, Any] = {}
    allowed = {
        "level": set(vocab.levels),
        "red_flag": set(vocab.red_flags),
        "status": set(REVIEW_STATUSES),
    }
    for key, values in allowed.items():
        value = args.get(key, "").strip()
        if value and value not in values:
            flash(f"Unknown {key.replace('_', ' ')} ignored.")
            value = ""
        out[key] = value
    out["location"] = args.get("location", "").strip()[:64]
    out["channel"] = args.get("channel", "").strip()[:32]
    out["q"] = args.get("q", "").strip()[:100]
    out["date_from"] = _date(args.get("date_from", "").strip(), "From")
    out["date_to"] = _date(args.get("date_to", "").strip(), "To")
    return store.ReviewFilter(**out)


def _page_number() -> int:
    """The requested page (1 when missing or not a number)."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _list_context(flt: store.ReviewFilter) -> Dict[str, Any]:
    """What both list templates need besides the rows."""
    vocab = vocabulary()
    return {
        "flt": flt,
        "filters": flt.active(),
        "levels": list(vocab.levels),
        "red_flags": vocab.red_flags,
        "statuses": REVIEW_STATUSES,
        "choices": store.choices(db()),
    }


@bp.get("/")
@login_required
def index() -> Any:
    """The bookings list is the start page."""
    return redirect(url_for("review.bookings"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Sign in with a username and password; repeated wrong passwords lock the account for a while."""
    if request.method == "GET":
        return render_template("login.html")
    settings = current_app.extensions["clinicbot_settings"]
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")[:1024]
    session_db = db()
    user = staff.find_user(session_db, username) if username else None
    now = utcnow()
    if user is not None and staff.is_locked(user, now):
        verify_password(None, password)  # the same time as any other answer
        audit("sign_in_locked", username=user.username)
        session_db.commit()
        flash("Too many wrong passwords: this account is locked for a few minutes. Try again later.")
        return render_template("login.html", username=username), 429
    ok = verify_password(user.password_hash if user is not None and user.active else None, password)
    if not ok or user is None:
        locked = staff.register_failure(user, settings.lockout, now) if user is not None else False
        audit("sign_in_failed", username=username or "-")
        if locked:
            audit("account_locked", username=user.username if user else "-")
        session_db.commit()
        flash("The username or password is not right.")
        return render_template("login.html", username=username), 401
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    staff.register_success(user, now)
    audit("sign_in", username=user.username)
    session_db.commit()
    login_user(Staff(user))
    session.permanent = True
    session["last_seen"] = now.timestamp()
    target = request.args.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("review.bookings"))


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Any:
    """Sign out."""
    if current_user.is_authenticated:
        audit("sign_out")
        db().commit()
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("review.login"))


@bp.get("/bookings")
@login_required
def bookings() -> Any:
    """Booking requests, most urgent and newest first, filtered and paged."""
    flt = _filters()
    settings = current_app.extensions["clinicbot_settings"]
    page = store.list_bookings(db(), flt, _page_number(), settings.per_page)
    audit("view_list", "bookings", ",".join(sorted(flt.active())))
    db().commit()
    return render_template("bookings.html", page=page, **_list_context(flt))


@bp.get("/bookings.csv")
@login_required
def bookings_csv() -> Any:
    """The filtered booking requests as CSV (cells safe against formula injection)."""
    from clinicbot.store.service import to_csv

    flt = _filters()
    rows = store.booking_rows_for_export(db(), flt)
    out = io.StringIO()
    to_csv(rows, out)
    audit("export", "bookings.csv", f"{len(rows)} rows; filters: {','.join(sorted(flt.active()))}")
    db().commit()
    name = f"bookings-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/escalations")
@login_required
def escalations() -> Any:
    """Red-flag escalations, most urgent and newest first, filtered and paged."""
    flt = _filters()
    settings = current_app.extensions["clinicbot_settings"]
    page = store.list_escalations(db(), flt, _page_number(), settings.per_page)
    audit("view_list", "escalations", ",".join(sorted(flt.active())))
    db().commit()
    return render_template("escalations.html", page=page, **_list_context(flt))


def _detail_page(kind: str, record_id: int) -> Any:
    """One booking or escalation with its transcript, findings highlighted."""
    getter = store.booking_detail if kind == "booking" else store.escalation_detail
    detail = getter(db(), record_id)
    if detail is None:
        abort(404)
    audit("view", f"{kind}:{record_id}")
    db().commit()
    findings = detail.outcome["findings"]
    transcript = [
        (m, present.highlight(m.text, findings) if m.sender == "user" else [present.Segment(m.text)])
        for m in detail.messages
    ]
    explanation = present.explanation(detail.outcome)
    return render_template(
        "detail.html",
        detail=detail,
        transcript=transcript,
        explanation=explanation,
        interview=present.interview_lines(detail.outcome),
        statuses=REVIEW_STATUSES,
    )


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking(booking_id: int) -> Any:
    """One booking request."""
    return _detail_page("booking", booking_id)


@bp.get("/escalations/<int:escalation_id>")
@login_required
def escalation(escalation_id: int) -> Any:
    """One escalation."""
    return _detail_page("escalation", escalation_id)


def _set_status(kind: str, record_id: int) -> Any:
    """Apply a status change from the detail page's form, with its note, and keep it as history."""
    new_status = request.form.get("status", "")
    note = request.form.get("note", "")
    back = (
        url_for("review.booking", booking_id=record_id)
        if kind == "booking"
        else url_for("review.escalation", escalation_id=record_id)
    )
    if new_status not in REVIEW_STATUSES:
        flash("Choose one of the statuses.")
        return redirect(back)
    session_db = db()
    from clinicbot.store.models import StaffUser

    user = session_db.get(StaffUser, current_user.id)
    change = store.set_status(session_db, kind, record_id, new_status, note, user)
    if change is None:
        abort(404)
    audit("status_change", f"{kind}:{record_id}", f"{change.old_status} -> {change.new_status}")
    session_db.commit()
    flash(f"Status set to {new_status.replace('_', ' ')}.")
    return redirect(back)


@bp.post("/bookings/<int:booking_id>/status")
@login_required
def booking_status(booking_id: int) -> Any:
    """Set a booking's status."""
    return _set_status("booking", booking_id)


@bp.post("/escalations/<int:escalation_id>/status")
@login_required
def escalation_status(escalation_id: int) -> Any:
    """Set an escalation's status."""
    return _set_status("escalation", escalation_id)


@bp.get("/audit")
@admin_required
def audit_log() -> Any:
    """The audit log, for admins."""
    page = store.audit_page(db(), _page_number())
    audit("view_list", "audit")
    db().commit()
    return render_template("audit.html", page=page)
