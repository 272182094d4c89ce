"""Staff accounts: names, password rules, lock-out policy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from clinicbot.store.models import StaffUser
from clinicbot.store.staff import (
    LockoutPolicy,
    add_user,
    check_password,
    check_username,
    find_user,
    is_locked,
    register_failure,
    register_success,
)
from tests.clinicbot.store.conftest import T0


@pytest.mark.parametrize(
    ("name", "ok"),
    [("Rita", "rita"), ("dr.sharma-2", "dr.sharma-2"), ("ab", None), ("-x1", None), ("a b c", None), ("x" * 65, None)],
)
def test_usernames(name, ok):
    if ok:
        assert check_username(name) == ok
    else:
        with pytest.raises(ValueError):
            check_username(name)


@pytest.mark.parametrize(
    ("password", "ok"), [("correct horse battery", True), ("short", False), (" padded password ", False)]
)
def test_passwords(password, ok):
    if ok:
        check_password(password)
    else:
        with pytest.raises(ValueError):
            check_password(password)


def test_add_and_find(db):
    with Session(db, future=True) as s, s.begin():
        add_user(s, "Rita", "hash", "admin")
        assert find_user(s, "RITA").role == "admin"
        with pytest.raises(ValueError):
            add_user(s, "rita", "hash")
        with pytest.raises(ValueError):
            add_user(s, "sam", "hash", "owner")


@pytest.mark.parametrize(("failures", "locked"), [(1, False), (2, False), (3, True)])
def test_lockout_policy(failures, locked):
    user = StaffUser(username="rita", password_hash="x", failed_logins=0)
    policy = LockoutPolicy(max_failures=3, lock_minutes=10)
    results = [register_failure(user, policy, T0) for _ in range(failures)]
    assert results[-1] is locked
    assert is_locked(user, T0 + timedelta(minutes=9)) is locked
    assert not is_locked(user, T0 + timedelta(minutes=10, seconds=1))
    register_success(user, T0)
    assert user.failed_logins == 0 and not is_locked(user, T0)
