"""Staff accounts: names, password rules, lock-out policy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinicbot.store.models import StaffUser
from clinicbot.store.staff import (
    AccountRefused,
    LockoutPolicy,
    add_user,
    check_password,
    check_username,
    find_user,
    get_user,
    is_locked,
    list_users,
    register_failure,
    register_success,
    remove_user,
    reset_password,
    set_active,
    unlock,
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


def _accounts(s, *specs):
    """Accounts from (name, role, active) triples."""
    for name, role, active in specs:
        add_user(s, name, "hash", role).active = active
    s.flush()


@pytest.mark.parametrize(
    ("accounts", "target", "acting", "refused"),
    [
        ([("ana", "admin", 1), ("rita", "reviewer", 1)], "rita", "ana", None),
        ([("ana", "admin", 1), ("rita", "reviewer", 1)], "rita", "rita", "your own account"),
        ([("ana", "admin", 1), ("rita", "reviewer", 1)], "ana", None, "last admin"),
        ([("ana", "admin", 1), ("bob", "admin", 0)], "ana", None, "last admin"),  # a disabled admin does not count
        ([("ana", "admin", 1), ("bob", "admin", 1)], "bob", "ana", None),
        ([("ana", "admin", 1), ("bob", "admin", 0)], "bob", "ana", None),  # already disabled: not the last
    ],
)
@pytest.mark.parametrize("change", ["disable", "remove"])
def test_who_may_be_disabled_or_removed(db, accounts, target, acting, refused, change):
    with Session(db, future=True) as s, s.begin():
        _accounts(s, *accounts)
        user = get_user(s, target)
        if refused:
            with pytest.raises(AccountRefused, match=refused):
                _change(s, user, change, acting)
        else:
            _change(s, user, change, acting)
        after = find_user(s, target)
        if change == "remove":
            assert (after is None) is (refused is None)
        else:
            assert after.active == (1 if refused else 0)


def _change(s, user, change, acting):
    if change == "disable":
        set_active(s, user, False, acting)
    else:
        remove_user(s, user, acting)


def test_reset_password_ends_sessions_and_lifts_the_lock(db):
    with Session(db, future=True) as s, s.begin():
        user = add_user(s, "rita", "old-hash")
        register_failure(user, LockoutPolicy(max_failures=1), T0)
        assert is_locked(user, T0)
        reset_password(user, "new-hash")
        assert (user.password_hash, user.session_generation, user.failed_logins) == ("new-hash", 1, 0)
        assert not is_locked(user, T0)


def test_enable_unlock_list_and_unknown_names(db):
    with Session(db, future=True) as s, s.begin():
        _accounts(s, ("zed", "reviewer", 0), ("ana", "admin", 1))
        zed = get_user(s, "ZED")
        set_active(s, zed, True)
        zed.locked_until = T0 + timedelta(days=9999)
        unlock(zed)
        assert zed.active == 1 and zed.locked_until is None
        assert [u.username for u in list_users(s)] == ["ana", "zed"]
        with pytest.raises(AccountRefused, match="no user 'nobody'"):
            get_user(s, "nobody")


def test_status_history_keeps_the_name_of_a_removed_account(db):
    from clinicbot.store.models import StatusChange

    with Session(db, future=True) as s, s.begin():
        _accounts(s, ("ana", "admin", 1), ("rita", "reviewer", 1))
        rita = get_user(s, "rita")
        s.add(StatusChange(subject="booking", subject_id=1, new_status="closed", staff_user_id=rita.id, username="rita"))
        s.flush()
        remove_user(s, rita, "ana")
        change = s.scalars(select(StatusChange)).one()
        s.refresh(change)
        assert (change.username, change.staff_user_id) == ("rita", None)
