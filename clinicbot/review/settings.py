"""The review app's settings, read from the environment (interfaces.md) with safe defaults."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Mapping, Optional

from clinicbot import settings
from clinicbot.store.staff import LockoutPolicy


class ConfigError(RuntimeError):
    """The app cannot start with these settings."""


@dataclass(frozen=True)
class ReviewSettings:
    """Everything the app needs to know at start-up."""

    secret_key: str
    development: bool = False
    cookie_secure: bool = False
    idle_minutes: int = 30
    per_page: int = 50
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    base_url: str = "http://127.0.0.1:8000"


def from_env(env: Optional[Mapping[str, str]] = None) -> ReviewSettings:
    """Settings from the environment; outside development STAFF_SECRET_KEY is required."""
    env = env if env is not None else settings.environment()
    development = env.get("CLINICBOT_ENV", "").strip().lower() in ("development", "dev", "test")
    key = env.get("STAFF_SECRET_KEY", "").strip()
    if not key:
        if not development:
            raise ConfigError(
                "STAFF_SECRET_KEY is not set: the staff app signs its sessions with it and will not start "
                "without it outside development (set CLINICBOT_ENV=development to run locally with a "
                "throw-away key)"
            )
        key = secrets.token_hex(32)  # development only: sessions end when the process does
    elif len(key) < 32 and not development:
        raise ConfigError("STAFF_SECRET_KEY is too short: use at least 32 random characters")
    base_url = env.get("STAFF_BASE_URL", "").strip() or "http://127.0.0.1:8000"
    return ReviewSettings(
        secret_key=key,
        development=development,
        cookie_secure=base_url.startswith("https://"),
        idle_minutes=int(env.get("STAFF_IDLE_MINUTES", "30") or 30),
        base_url=base_url.rstrip("/"),
    )
