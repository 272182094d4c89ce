"""The `clinicbot` command."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, TextIO

from clinicbot import settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session


def _lean_imports() -> None:
    """Keeps `triage` from importing what it never uses, seconds at start (issue 14: first answer in 3 s).

    spaCy's thinc imports TensorFlow only to offer TensorFlow layers: marked missing, thinc goes
    without them. medspaCy imports QuickUMLS (and with it NLTK and SciPy) for a UMLS component the
    extractor never adds: a stand-in module satisfies that import. spaCy's command line (typer)
    dresses its help in rich when rich is installed (import-linter brings it): marked missing, typer
    goes plain. Only this command's process is affected; the Rasa servers import all of them as usual.
    """
    import types

    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]
    sys.modules.setdefault("rich", None)  # type: ignore[arg-type]
    if "quickumls" not in sys.modules:
        stand_in = types.ModuleType("quickumls")
        stand_in.spacy_component = None  # type: ignore[attr-defined]
        sys.modules["quickumls"] = stand_in


def _triage(args: argparse.Namespace, out: TextIO) -> int:
    _lean_imports()
    from clinicbot.assessment import clean_text, triage_text
    from clinicbot.content import clinic

    limit = clinic().max_message_chars * 6
    lines = [args.text] if args.text is not None else (line.rstrip("\r\n") for line in sys.stdin)
    for line in lines:
        try:
            if len(line) > limit:
                raise ValueError(f"message longer than {limit} characters")
            text, _ = clean_text(line, limit)
            obj = triage_text(text).to_json()
            obj["text"] = line
        except Exception as exc:  # one bad line must not stop the rest
            obj = {"text": line, "error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def _iso_date(value: str) -> date:
    """An argparse type for YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _days(value: str) -> int:
    """An argparse type for a non-negative number of days."""
    try:
        days = int(value)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(f"not a number of days: {value!r}")
    return days


def _store_engine() -> Engine:
    """The store's engine for `DATABASE_URL`, migrated to head."""
    from clinicbot.store.db import get_engine, upgrade

    engine = get_engine()
    upgrade(engine)
    return engine


def _db_error(exc: Exception) -> int:
    """Report a database failure on stderr (no data, no URL) and return the exit code."""
    orig = getattr(exc, "orig", None) or exc
    detail = (str(orig).strip().splitlines() or [""])[0]
    sys.stderr.write(f"clinicbot: database error: {type(orig).__name__}: {detail}\n")
    return 1


def _bookings_export(args: argparse.Namespace, out: TextIO) -> int:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from clinicbot.store.service import clinic_style, export_bookings, to_csv

    try:
        with Session(_store_engine(), future=True) as session, session.begin():
            rows = export_bookings(session, since=args.since)
    except SQLAlchemyError as exc:
        return _db_error(exc)
    if args.format == "csv":  # times in the clinic's time zone, phones as dialled from the clinic
        to_csv(rows, out, clinic_style("dialled"))
    else:
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    out.flush()
    return 0


def _purge(args: argparse.Namespace, out: TextIO) -> int:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from clinicbot.deploy import tracker_url
    from clinicbot.store.service import purge
    from clinicbot.store.trackers import purge_trackers

    try:
        with Session(_store_engine(), future=True) as session, session.begin():
            counts = purge(session, args.older_than)
        if tracker_url().startswith(("sqlite", "postgresql", "mysql")):
            # Rasa's tracker store holds the same messages: the same retention applies to it.
            counts["tracker_conversations"] = purge_trackers(tracker_url(), args.older_than)
    except SQLAlchemyError as exc:
        return _db_error(exc)
    out.write(json.dumps({"older_than_days": args.older_than, "deleted": counts}) + "\n")
    out.flush()
    return 0


def _channels_migrate_ids(args: argparse.Namespace, out: TextIO) -> int:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from clinicbot.deploy import tracker_url
    from clinicbot.store.cutover import migrate_ids

    url = tracker_url()
    if not url.startswith(("sqlite", "postgresql", "mysql")):
        sys.stderr.write(
            "clinicbot: the tracker store is not an SQL database (TRACKER_STORE_URL): nothing to migrate\n"
        )
        return 2
    try:
        with Session(_store_engine(), future=True) as session:
            report = migrate_ids(url, session, dry_run=args.dry_run)
    except SQLAlchemyError as exc:
        return _db_error(exc)
    out.write(json.dumps(report.to_json()) + "\n")
    out.flush()
    return 0


def _doctor(args: argparse.Namespace, out: TextIO) -> int:

    from clinicbot.doctor import check, report

    checkup = check(settings.environment())
    report(checkup, out)
    out.flush()
    return 1 if checkup.failed else 0


def _read_password(stdin: TextIO) -> str:
    """The new password: the first line of stdin when it is not a terminal, else prompted twice."""
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def _cli_user() -> str:
    """Who ran the command, for the audit log: "cli:<login name>"."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in this environment
        return "cli"


def _staff_audit(session: Session, action: str, username: str, detail: str = "") -> None:
    """An audit record of an account change made from the command line (never a password)."""
    from clinicbot.store.review import audit

    audit(session, _cli_user(), action, f"staff:{username}", detail, "cli")


def _staff_add_user(args: argparse.Namespace, out: TextIO) -> int:
    from clinicbot.review.passwords import hash_password
    from clinicbot.store.staff import add_user, check_password, check_username

    def change(session: Session) -> Dict[str, Any]:
        user = add_user(session, username, hash_password(password), args.role)
        _staff_audit(session, "account_add", user.username, f"role {user.role}")
        return {"created": user.username, "role": user.role}

    try:
        username = check_username(args.username)
        password = _read_password(sys.stdin)
        check_password(password)
    except ValueError as exc:
        sys.stderr.write(f"clinicbot: {exc}\n")
        return 2
    return _staff_change(change, out)


def _staff_change(change: Callable[[Session], Dict[str, Any]], out: TextIO) -> int:
    """Run one account change in a transaction; print its JSON, or the refusal on stderr (exit 2)."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    try:
        with Session(_store_engine(), future=True) as session, session.begin():
            result = change(session)
    except ValueError as exc:
        sys.stderr.write(f"clinicbot: {exc}\n")
        return 2
    except SQLAlchemyError as exc:
        return _db_error(exc)
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0


def _iso_or_none(value: Any) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _staff_list(args: argparse.Namespace, out: TextIO) -> int:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from clinicbot.store.models import utcnow
    from clinicbot.store.staff import is_locked, list_users

    try:
        with Session(_store_engine(), future=True) as session, session.begin():
            now = utcnow()
            for user in list_users(session):
                row = {
                    "username": user.username,
                    "role": user.role,
                    "active": bool(user.active),
                    "locked_until": _iso_or_none(user.locked_until) if is_locked(user, now) else None,
                    "last_login_at": _iso_or_none(user.last_login_at),
                    "created_at": _iso_or_none(user.created_at),
                }
                out.write(json.dumps(row) + "\n")
            _staff_audit(session, "view_list", "*")
    except SQLAlchemyError as exc:
        return _db_error(exc)
    out.flush()
    return 0


def _staff_reset_password(args: argparse.Namespace, out: TextIO) -> int:
    from clinicbot.review.passwords import hash_password
    from clinicbot.store.staff import check_password, get_user, reset_password

    try:
        password = _read_password(sys.stdin)
        check_password(password)
    except ValueError as exc:
        sys.stderr.write(f"clinicbot: {exc}\n")
        return 2

    def change(session: Session) -> Dict[str, Any]:
        user = get_user(session, args.username)
        reset_password(user, hash_password(password))
        _staff_audit(session, "account_reset_password", user.username)
        return {"password_reset": user.username}

    return _staff_change(change, out)


def _staff_simple(action: str) -> Callable[[argparse.Namespace, TextIO], int]:
    """`staff unlock|disable|enable|remove USERNAME`: one change, audited as `account_<action>`."""

    def run(args: argparse.Namespace, out: TextIO) -> int:
        from clinicbot.store import staff

        def change(session: Session) -> Dict[str, Any]:
            user = staff.get_user(session, args.username)
            name = user.username
            if action == "unlock":
                staff.unlock(user)
            elif action in ("disable", "enable"):
                staff.set_active(session, user, action == "enable")
            else:
                staff.remove_user(session, user)
            _staff_audit(session, f"account_{action}", name)
            return {f"{action}d" if action.endswith("e") else f"{action}ed": name}

        return _staff_change(change, out)

    return run


def _alerts_run(args: argparse.Namespace, out: TextIO) -> int:
    from clinicbot.alerts.worker import main as run_worker

    return run_worker(once=args.once)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `clinicbot`."""
    parser = argparse.ArgumentParser(prog="clinicbot", description="Lower-back-pain triage assistant tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("triage", help="triage one message, or one per line from stdin, as JSON lines")
    t.add_argument("text", nargs="?", help="the message; without it, read lines from stdin")
    t.set_defaults(func=_triage)
    b = sub.add_parser("bookings", help="stored booking requests")
    bsub = b.add_subparsers(dest="bookings_command", required=True)
    e = bsub.add_parser("export", help="print the stored booking requests as JSON or CSV")
    e.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default json)")
    e.add_argument("--since", type=_iso_date, help="only bookings created on or after this date (YYYY-MM-DD, UTC)")
    e.set_defaults(func=_bookings_export)
    p = sub.add_parser("purge", help="delete conversations and bookings older than the retention period")
    p.add_argument("--older-than", dest="older_than", type=_days, required=True, metavar="DAYS")
    p.set_defaults(func=_purge)
    s = sub.add_parser("staff", help="staff accounts of the review app")
    ssub = s.add_subparsers(dest="staff_command", required=True)
    a = ssub.add_parser("add-user", help="create a staff account; the password is read from stdin or prompted")
    a.add_argument("username")
    a.add_argument("--role", choices=("reviewer", "admin"), default="reviewer", help="reviewer (default) or admin")
    a.set_defaults(func=_staff_add_user)
    ssub.add_parser("list", help="list the staff accounts, one JSON object a line").set_defaults(func=_staff_list)
    rp = ssub.add_parser(
        "reset-password",
        help="set a new password (read from stdin or prompted); ends the account's open sessions and lifts a lock-out",
    )
    rp.add_argument("username")
    rp.set_defaults(func=_staff_reset_password)
    for action, what in (
        ("unlock", "lift a lock-out after wrong passwords"),
        ("disable", "stop an account signing in (its open sessions end); not your last admin"),
        ("enable", "let a disabled account sign in again"),
        ("remove", "delete an account (status history keeps its name); not the last admin"),
    ):
        sp = ssub.add_parser(action, help=what)
        sp.add_argument("username")
        sp.set_defaults(func=_staff_simple(action))
    c = sub.add_parser("channels", help="the channels' conversation ids")
    csub = c.add_subparsers(dest="channels_command", required=True)
    m = csub.add_parser(
        "migrate-ids",
        help="give stored REST and Telegram conversations their channel's id (rest:..., telegram:...); run once, "
        "with the Rasa server stopped",
    )
    m.add_argument("--dry-run", action="store_true", help="print the counts only; change nothing")
    m.set_defaults(func=_channels_migrate_ids)
    d = sub.add_parser(
        "doctor",
        help="list the enabled channels and other doors with their protection, and risky settings, from the "
        "environment; exit code 1 on a risk outside development",
    )
    d.set_defaults(func=_doctor)
    al = sub.add_parser("alerts", help="alerts to the clinic about red-flag escalations")
    asub = al.add_subparsers(dest="alerts_command", required=True)
    r = asub.add_parser("run", help="the alert worker: send due alerts until stopped (SIGTERM)")
    r.add_argument("--once", action="store_true", help="send what is due now, then exit")
    r.set_defaults(func=_alerts_run)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    return int(args.func(args, sys.stdout))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
