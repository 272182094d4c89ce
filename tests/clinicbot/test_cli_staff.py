"""`clinicbot staff ...`: passwords from stdin, never a default account; account changes audited."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from clinicbot import cli
from clinicbot.review.passwords import verify_password
from clinicbot.store.db import get_engine, reset_engines
from clinicbot.store.staff import find_user


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'staff.db'}")
    reset_engines()
    yield
    reset_engines()


def run(argv, stdin_text, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin_text))
    return cli.main(argv)


def test_add_user_hashes_the_password(store, monkeypatch, capsys):
    assert run(["staff", "add-user", "Rita", "--role", "admin"], "correct horse battery\n", monkeypatch) == 0
    assert json.loads(capsys.readouterr().out) == {"created": "rita", "role": "admin"}
    with Session(get_engine(), future=True) as s:
        user = find_user(s, "rita")
        assert user.role == "admin" and user.password_hash != "correct horse battery"
        assert verify_password(user.password_hash, "correct horse battery")


@pytest.mark.parametrize(
    ("argv", "stdin", "error"),
    [
        (["staff", "add-user", "rita"], "short\n", "at least 12"),
        (["staff", "add-user", "a b"], "correct horse battery\n", "username"),
        (["staff", "add-user", "rita"], "", "at least 12"),
    ],
)
def test_bad_input_is_refused(store, monkeypatch, capsys, argv, stdin, error):
    assert run(argv, stdin, monkeypatch) == 2
    assert error in capsys.readouterr().err


def test_existing_user_is_refused(store, monkeypatch, capsys):
    assert run(["staff", "add-user", "rita"], "correct horse battery\n", monkeypatch) == 0
    assert run(["staff", "add-user", "RITA"], "another good password\n", monkeypatch) == 2
    assert "exists already" in capsys.readouterr().err


def _accounts(monkeypatch, capsys):
    for name, role in (("ana", "admin"), ("rita", "reviewer")):
        assert run(["staff", "add-user", name, "--role", role], "correct horse battery\n", monkeypatch) == 0
    capsys.readouterr()


def _audit():
    from sqlalchemy import select

    from clinicbot.store.models import AuditEvent

    with Session(get_engine(), future=True) as s:
        return [(e.username.split(":")[0], e.action, e.target, e.detail) for e in s.scalars(select(AuditEvent))]


def test_list_shows_accounts_without_hashes(store, monkeypatch, capsys):
    _accounts(monkeypatch, capsys)
    assert run(["staff", "list"], "", monkeypatch) == 0
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["username"], r["role"], r["active"], r["locked_until"]) for r in rows] == [
        ("ana", "admin", True, None),
        ("rita", "reviewer", True, None),
    ]
    assert "argon2" not in out and "password" not in out
    assert ("cli", "view_list", "staff:*", "") in _audit()


@pytest.mark.parametrize(
    ("argv", "printed", "check"),
    [
        (["staff", "disable", "rita"], {"disabled": "rita"}, lambda u: u.active == 0),
        (["staff", "unlock", "rita"], {"unlocked": "rita"}, lambda u: u.locked_until is None),
        (["staff", "remove", "RITA"], {"removed": "rita"}, lambda u: u is None),
    ],
)
def test_account_changes_are_made_and_audited(store, monkeypatch, capsys, argv, printed, check):
    _accounts(monkeypatch, capsys)
    with Session(get_engine(), future=True) as s, s.begin():
        find_user(s, "rita").locked_until = datetime.now(timezone.utc) + timedelta(minutes=5)
    assert run(argv, "", monkeypatch) == 0
    assert json.loads(capsys.readouterr().out) == printed
    with Session(get_engine(), future=True) as s:
        assert check(find_user(s, "rita"))
    assert ("cli", f"account_{argv[1]}", "staff:rita", "") in _audit()


def test_enable_after_disable(store, monkeypatch, capsys):
    _accounts(monkeypatch, capsys)
    assert run(["staff", "disable", "rita"], "", monkeypatch) == 0
    assert run(["staff", "enable", "rita"], "", monkeypatch) == 0
    assert capsys.readouterr().out.splitlines()[-1] == '{"enabled": "rita"}'
    with Session(get_engine(), future=True) as s:
        assert find_user(s, "rita").active == 1


def test_reset_password_from_stdin(store, monkeypatch, capsys):
    _accounts(monkeypatch, capsys)
    assert run(["staff", "reset-password", "rita"], "a brand new password\n", monkeypatch) == 0
    assert json.loads(capsys.readouterr().out) == {"password_reset": "rita"}
    with Session(get_engine(), future=True) as s:
        user = find_user(s, "rita")
        assert verify_password(user.password_hash, "a brand new password")
        assert not verify_password(user.password_hash, "correct horse battery")
        assert user.session_generation == 1
    events = _audit()
    assert ("cli", "account_reset_password", "staff:rita", "") in events
    assert "a brand new password" not in repr(events)


@pytest.mark.parametrize(
    ("argv", "stdin", "error"),
    [
        (["staff", "reset-password", "rita"], "short\n", "at least 12"),
        (["staff", "reset-password", "nobody"], "a brand new password\n", "no user 'nobody'"),
        (["staff", "disable", "ana"], "", "last admin"),
        (["staff", "remove", "ana"], "", "last admin"),
        (["staff", "unlock", "nobody"], "", "no user 'nobody'"),
    ],
)
def test_refused_changes_change_nothing(store, monkeypatch, capsys, argv, stdin, error):
    _accounts(monkeypatch, capsys)
    assert run(argv, stdin, monkeypatch) == 2
    assert error in capsys.readouterr().err
    with Session(get_engine(), future=True) as s:
        assert find_user(s, "ana").active == 1 and find_user(s, "rita").session_generation == 0
    assert [a for a in _audit() if a[1] != "account_add"] == []


def test_passwords_are_never_arguments():
    from clinicbot.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["staff", "reset-password", "rita", "--password", "x" * 12])
