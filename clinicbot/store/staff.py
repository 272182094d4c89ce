"""Staff accounts of the review app: creation, look-up, and lock-out after repeated wrong passwords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinicbot.store.models import STAFF_ROLES, StaffUser, utcnow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class LockoutPolicy:
    """After `max_failures` wrong passwords in a row an account is locked for `lock_minutes`."""

    max_failures: int = 5
    lock_minutes: int = 15


def check_username(username: str) -> str:
    """The username, lower-cased, or ValueError with what is wrong."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise ValueError(
            "a username has 3-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return name


def check_password(password: str) -> None:
    """ValueError when a new password is too weak to accept."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise ValueError("a password cannot start or end with spaces")


def find_user(session: Session, username: str) -> Optional[StaffUser]:
    """The account with this username (case-insensitive), if any."""
    stmt = select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower())
    return session.scalars(stmt).first()


def add_user(session: Session, username: str, password_hash: str, role: str = "reviewer") -> StaffUser:
    """Create an account; ValueError for a bad name, an unknown role or a name already taken."""
    name = check_username(username)
    if role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}")
    if find_user(session, name) is not None:
        raise ValueError(f"the user {name!r} exists already")
    user = StaffUser(username=name, password_hash=password_hash, role=role, active=1, created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def is_locked(user: StaffUser, now: Optional[datetime] = None) -> bool:
    """Whether the account is locked out right now."""
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def register_failure(user: StaffUser, policy: LockoutPolicy, now: Optional[datetime] = None) -> bool:
    """Count a wrong password; lock the account when the policy says so. True when it is now locked."""
    now = now or utcnow()
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= policy.max_failures:
        user.locked_until = now + timedelta(minutes=policy.lock_minutes)
        user.failed_logins = 0
        return True
    return False


def register_success(user: StaffUser, now: Optional[datetime] = None) -> None:
    """A good sign-in clears the failure count."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now or utcnow()
