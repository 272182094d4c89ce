"""The review app's pages: sign-in, the two lists, one conversation, status changes, CSV export, audit."""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Dict, Optional

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from clinicbot.conversation.wording import LANGUAGES
from clinicbot.review import present
from clinicbot.review.app import Staff, admin_required, audit, clinic_zone, db
from clinicbot.review.passwords import hash_password, needs_rehash, verify_password
from clinicbot.store import review as store
from clinicbot.store import staff
from clinicbot.store.models import REVIEW_STATUSES, utcnow
from clinicbot.vocabulary import vocabulary

bp = Blueprint("review", __name__)
FILTER_FIELDS = ("level", "red_flag", "location", "status", "channel", "language", "date_from", "date_to", "q")


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
        "language": set(LANGUAGES),
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
        "languages": LANGUAGES,
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
    page = store.list_bookings(db(), flt, _page_number(), settings.per_page, clinic_zone())
    audit("view_list", "bookings", ",".join(sorted(flt.active())))
    db().commit()
    return render_template("bookings.html", page=page, **_list_context(flt))


def _export(kind: str) -> Any:
    """The filtered booking requests as a download: CSV (formula-safe cells) or XLSX (typed-text cells).

    Both show times in the clinic's time zone with their offset; the CSV shows phones as dialled from the
    clinic ("098765 43210": no formula character, so no quote), the XLSX as read ("+91 98765 43210").
    """
    from clinicbot.store.service import clinic_style, sheet, to_csv
    from clinicbot.store.xlsx import write_xlsx

    flt = _filters()
    rows = store.booking_rows_for_export(db(), flt, clinic_zone())
    audit("export", f"bookings.{kind}", f"{len(rows)} rows; filters: {','.join(sorted(flt.active()))}")
    db().commit()
    name = f"bookings-{utcnow().astimezone(clinic_zone()):%Y%m%d-%H%M}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "csv":
        text = io.StringIO()
        to_csv(rows, text, clinic_style("dialled"))
        return Response(text.getvalue(), mimetype="text/csv", headers=headers)
    data = io.BytesIO()
    write_xlsx(sheet(rows, clinic_style("international")), data, "Bookings")
    return Response(data.getvalue(), mimetype=XLSX_TYPE, headers=headers)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/bookings.csv")
@login_required
def bookings_csv() -> Any:
    """The filtered booking requests as CSV (cells safe against formula injection)."""
    return _export("csv")


@bp.get("/bookings.xlsx")
@login_required
def bookings_xlsx() -> Any:
    """The filtered booking requests as an XLSX workbook whose cells are typed text."""
    return _export("xlsx")


@bp.get("/escalations")
@login_required
def escalations() -> Any:
    """Red-flag escalations, most urgent and newest first, filtered and paged."""
    flt = _filters()
    settings = current_app.extensions["clinicbot_settings"]
    page = store.list_escalations(db(), flt, _page_number(), settings.per_page, clinic_zone())
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
    transcript = present.transcript_lines(detail.messages, detail.outcome)
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
    """The audit log, for admins: filtered by person, action and days, paged; the filters used are audited."""
    session_db = db()
    choices = store.audit_choices(session_db)
    args = request.args
    person = args.get("person", "").strip()[:64]
    action = args.get("action", "").strip()[:32]
    if person and person not in choices["people"]:
        flash("No one of that name is in the audit log; the person filter was left out.")
        person = ""
    if action and action not in choices["actions"]:
        flash("Unknown action ignored.")
        action = ""
    flt = store.AuditFilter(
        username=person,
        action=action,
        date_from=_date(args.get("date_from", "").strip(), "From"),
        date_to=_date(args.get("date_to", "").strip(), "To"),
    )
    page = store.audit_page(session_db, _page_number(), AUDIT_PER_PAGE, flt, clinic_zone())
    audit("view_list", "audit", ",".join(sorted(FILTER_NAMES.get(k, k) for k in flt.active())))
    session_db.commit()
    filters = {FILTER_NAMES.get(k, k): v for k, v in flt.active().items()}
    return render_template("audit.html", page=page, flt=flt, choices=choices, filters=filters)


AUDIT_PER_PAGE = 100
FILTER_NAMES = {"username": "person"}  # the audit filter's query-string names


ACCOUNT_ACTIONS = ("unlock", "disable", "enable", "remove")


@bp.get("/admin")
@admin_required
def admin() -> Any:
    """The admin page: the staff accounts."""
    return redirect(url_for("review.accounts"))


@bp.get("/admin/accounts")
@admin_required
def accounts() -> Any:
    """Every staff account with what an admin can do to it."""
    users = staff.list_users(db())
    audit("view_list", "accounts")
    db().commit()
    return render_template("accounts.html", users=users, now=utcnow(), min_password=staff.MIN_PASSWORD_LENGTH)


def _new_password() -> str:
    """The new password typed twice on an admin form; ValueError when it is unfit or the two differ."""
    password = request.form.get("password", "")[:1024]
    if password != request.form.get("password_again", "")[:1024]:
        raise ValueError("the two passwords differ")
    staff.check_password(password)
    return password


@bp.post("/admin/accounts")
@admin_required
def account_add() -> Any:
    """Create a staff account."""
    session_db = db()
    try:
        name = staff.check_username(request.form.get("username", "")[:64])
        password = _new_password()
        user = staff.add_user(session_db, name, hash_password(password), request.form.get("role", "reviewer"))
    except ValueError as exc:
        session_db.rollback()
        flash(f"No account was created: {exc}.")
        return redirect(url_for("review.accounts"))
    audit("account_add", f"staff:{user.username}", f"role {user.role}")
    session_db.commit()
    flash(f"Account {user.username} created ({user.role}).")
    return redirect(url_for("review.accounts"))


def _account(user_id: int) -> Any:
    """The account an admin form is about, or 404."""
    from clinicbot.store.models import StaffUser

    user = db().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/admin/accounts/<int:user_id>/reset-password")
@admin_required
def account_reset_password(user_id: int) -> Any:
    """Give an account a new password: its open sessions end and a lock-out is lifted."""
    user = _account(user_id)
    try:
        password = _new_password()
    except ValueError as exc:
        flash(f"The password of {user.username} was not changed: {exc}.")
        return redirect(url_for("review.accounts"))
    staff.reset_password(user, hash_password(password))
    audit("account_reset_password", f"staff:{user.username}")
    db().commit()
    flash(f"New password set for {user.username}; their open sessions have ended.")
    return redirect(url_for("review.accounts"))


@bp.post("/admin/accounts/<int:user_id>/<action>")
@admin_required
def account_action(user_id: int, action: str) -> Any:
    """Unlock, disable, enable or remove an account (not your own, not the last admin)."""
    if action not in ACCOUNT_ACTIONS:
        abort(404)
    session_db = db()
    user = _account(user_id)
    name = user.username
    try:
        if action == "unlock":
            staff.unlock(user)
        elif action in ("disable", "enable"):
            staff.set_active(session_db, user, action == "enable", acting=current_user.username)
        else:
            if request.form.get("confirm") != name:
                raise staff.AccountRefused(f"type the username {name} to confirm the removal")
            staff.remove_user(session_db, user, acting=current_user.username)
    except staff.AccountRefused as exc:
        session_db.rollback()
        audit("account_refused", f"staff:{name}", action)
        session_db.commit()
        flash(f"Not done: {exc}.")
        return redirect(url_for("review.accounts"))
    audit(f"account_{action}", f"staff:{name}")
    session_db.commit()
    done = {"unlock": "unlocked", "disable": "disabled", "enable": "enabled", "remove": "removed"}[action]
    flash(f"Account {name} {done}.")
    return redirect(url_for("review.accounts"))
