"""`clinicbot staff add-user`: the password from stdin, never a default account."""

from __future__ import annotations

import io
import json

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
