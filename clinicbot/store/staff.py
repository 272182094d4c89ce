"""Staff accounts of the review app: creation, look-up, lock-out after repeated wrong passwords, and
the admin's changes (reset, unlock, disable, enable, remove) with their rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional

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


class AccountRefused(ValueError):
    """An account change the rules do not allow (your own account, the last admin, no such account)."""


def list_users(session: Session) -> List[StaffUser]:
    """Every staff account, by username."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def get_user(session: Session, username: str) -> StaffUser:
    """The account with this username, or AccountRefused when there is none."""
    user = find_user(session, username)
    if user is None:
        raise AccountRefused(f"there is no user {username.strip().lower()!r}")
    return user


def _active_admins(session: Session) -> int:
    """How many admin accounts can sign in."""
    stmt = select(func.count(StaffUser.id)).where(StaffUser.role == "admin", StaffUser.active == 1)
    return int(session.scalar(stmt) or 0)


def _check_may_lose(session: Session, user: StaffUser, acting: Optional[str], what: str) -> None:
    """Refuse to disable or remove your own account, or the last admin who can sign in."""
    if acting is not None and user.username == acting.strip().lower():
        raise AccountRefused(f"you cannot {what} your own account")
    if user.role == "admin" and user.active and _active_admins(session) <= 1:
        raise AccountRefused(f"{user.username!r} is the last admin who can sign in: add another admin first")


def reset_password(user: StaffUser, password_hash: str) -> None:
    """Give the account a new password; its open sessions end and any lock-out is lifted."""
    user.password_hash = password_hash
    user.session_generation = (user.session_generation or 0) + 1
    unlock(user)


def unlock(user: StaffUser) -> None:
    """Lift a lock-out and forget the wrong passwords counted so far."""
    user.failed_logins = 0
    user.locked_until = None


def set_active(session: Session, user: StaffUser, active: bool, acting: Optional[str] = None) -> None:
    """Enable or disable an account; a disabled account cannot sign in and its sessions end."""
    if not active and user.active:
        _check_may_lose(session, user, acting, "disable")
    user.active = 1 if active else 0


def remove_user(session: Session, user: StaffUser, acting: Optional[str] = None) -> None:
    """Delete an account (status history keeps the name it was made under)."""
    _check_may_lose(session, user, acting, "remove")
    session.delete(user)
    session.flush()
