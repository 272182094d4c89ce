"""The staff review app: `create_app()` builds it; nothing connects or reads secrets at import time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, Callable, Optional, TypeVar, cast

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from clinicbot.review import present
from clinicbot.review.settings import ReviewSettings, from_env
from clinicbot.store.models import StaffUser
from clinicbot.store.service import reference

F = TypeVar("F", bound=Callable[..., Any])
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Staff(UserMixin):
    """The signed-in staff member, as Flask-Login sees them."""

    def __init__(self, user: StaffUser) -> None:
        """Copy what the pages need, so no ORM object outlives its session."""
        self.id = user.id
        self.username = user.username
        self.role = user.role
        self.generation = user.session_generation or 0

    def get_id(self) -> str:
        """The session's user id: the account and its session generation (a password reset ends sessions)."""
        return f"{self.id}.{self.generation}"

    @property
    def is_admin(self) -> bool:
        """Admins may read the audit log."""
        return self.role == "admin"


def db() -> Session:
    """The request's database session (opened on first use, closed at the end of the request)."""
    if "db" not in g:
        from flask import current_app

        from clinicbot.store.db import writer

        # Every request writes (at least its audit record): on SQLite take the write lock up front
        # and wait for it, rather than fail when another process is writing at that moment.
        g.db = Session(writer(current_app.extensions["clinicbot_engine"]), future=True, expire_on_commit=False)
    return cast(Session, g.db)


def client_addr() -> str:
    """The client's address for the audit log."""
    return request.remote_addr or ""


def audit(action: str, target: str = "", detail: str = "", username: Optional[str] = None) -> None:
    """Add an audit record in the request's session (the caller commits)."""
    from clinicbot.store.review import audit as add

    name = username if username is not None else getattr(current_user, "username", "") or "-"
    add(db(), name, action, target, detail, client_addr())


def admin_required(view: F) -> F:
    """Only admins get through; others get 403."""
    from functools import wraps

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not getattr(current_user, "is_admin", False):
            abort(403)
        return view(*args, **kwargs)

    return cast(F, login_required(wrapped))


def create_app(settings: Optional[ReviewSettings] = None, engine: Optional[Engine] = None) -> Flask:
    """The review app on `engine` (default: the store's, migrated to head) with `settings` (default: env)."""
    from clinicbot.review.views import bp
    from clinicbot.store.db import get_engine, upgrade

    settings = settings or from_env()
    if engine is None:
        engine = get_engine()
        upgrade(engine)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="clinicbot_staff",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=settings.cookie_secure,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.extensions["clinicbot_engine"] = engine
    app.extensions["clinicbot_settings"] = settings
    CSRFProtect(app)

    login = LoginManager(app)
    login.login_view = "review.login"
    login.login_message = "Please sign in to see that page."
    login.session_protection = "strong"

    @login.user_loader
    def load_user(session_id: str) -> Optional[Staff]:
        """The account of a session, only while it is enabled and of the same generation (else signed out)."""
        uid, _, generation = session_id.partition(".")
        user = db().get(StaffUser, int(uid)) if uid.isdigit() else None
        if user is None or not user.active or str(user.session_generation or 0) != generation:
            return None
        return Staff(user)

    @app.before_request
    def sign_out_when_idle() -> Any:
        """Sign out after `idle_minutes` without a request, whatever the browser does with the cookie."""
        from flask_login import logout_user

        now = datetime.now(timezone.utc).timestamp()
        last = session.get("last_seen")
        if current_user.is_authenticated and isinstance(last, (int, float)):
            if now - last > settings.idle_minutes * 60:
                audit("sign_out_idle")
                db().commit()
                logout_user()
                session.clear()
                flash("You were signed out after a period of inactivity.")
                return redirect(url_for("review.login"))
        if current_user.is_authenticated:
            session.permanent = True
            session["last_seen"] = now
        return None

    @app.teardown_appcontext
    def close_db(_exc: Optional[BaseException]) -> None:
        s = g.pop("db", None)
        if s is not None:
            s.close()

    @app.after_request
    def headers(response: Any) -> Any:
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        return render_template(
            "error.html", title="Form expired", message="The form had expired or was not ours. Please try again."
        ), 400

    for code, message in ((403, "You do not have access to this page."), (404, "There is nothing here.")):
        app.register_error_handler(
            code, lambda _e, c=code, m=message: (render_template("error.html", title=str(c), message=m), c)
        )

    app.jinja_env.globals.update(
        level_label=present.level_label,
        level_name=present.level_name,
        finding_label=present.finding_label,
        finding_status_label=present.finding_status_label,
        cause_label=present.cause_label,
        location_label=present.location_label,
        channel_label=present.channel_label,
        language_label=present.language_label,
        legal_basis_label=present.legal_basis_label,
        status_label=present.review_status_label,
        value_label=present.value_label,
        value_text=present.value_text,
        show_phone=_show_phone,
        booking_reference=reference,
        finding_statuses=present.finding_statuses(),
    )
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["finding_label"] = present.finding_label
    app.register_blueprint(bp)
    return app


def _show_phone(e164: Optional[str]) -> str:
    """A stored number as people read it ("+91 98765 43210")."""
    from clinicbot.booking import show_phone

    return show_phone(e164) if e164 else ""


def clinic_zone() -> tzinfo:
    """The clinic's time zone (clinic.yml hours.timezone): pages, filters' days and exports use it."""
    from zoneinfo import ZoneInfo

    from clinicbot.content import clinic

    return ZoneInfo(clinic().hours.timezone)


def _when(value: Optional[datetime]) -> str:
    """A time as the clinic reads it (India Standard Time)."""
    if value is None:
        return ""
    return value.astimezone(clinic_zone()).strftime("%d %b %Y %H:%M")
