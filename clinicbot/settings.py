"""The environment, read in one place: every variable the project reads, with what it means.

Modules ask `get(NAME)` (or take `environment()` as a mapping when they read many); a name that is
not in `VARIABLES` is an error, so a new setting is declared here, and documented in
docs/interfaces.md or docs/operations.md (a test holds the two together).
"""

from __future__ import annotations

import os
from typing import Dict, Mapping, Optional

VARIABLES: Dict[str, str] = {
    "CLINICBOT_ENV": "development or production (development allows throw-away secrets)",
    "LOG_LEVEL": "log level of the servers (DEBUG logs more than a clinic should keep)",
    "DATABASE_URL": "SQLAlchemy URL of the clinic store (default SQLite under var/)",
    "TRACKER_STORE_URL": "SQLAlchemy URL of Rasa's tracker store (default SQLite under var/)",
    "TRACKER_POOL_SIZE": "connections each Rasa replica keeps to a PostgreSQL tracker store (default 5)",
    "TRACKER_MAX_OVERFLOW": "extra connections a replica may open above the pool at a peak (default 10)",
    "TRACKER_RETRIES": "tries of a tracker store read or write before the visitor is asked to resend (default 3)",
    "TRACKER_RETRY_SECONDS": "how long those tries may take together (default 1.5)",
    "REDIS_URL": "Redis for several Rasa replicas: the lock store and the widget's socket.io messages",
    "LOCK_TTL_SECONDS": "how long a dead replica can block a conversation (the lock's lifetime)",
    "LOCK_WAIT_SECONDS": "how long a message waits for its conversation's lock",
    "RASA_API_TOKEN": "turns on Rasa's HTTP API, guarded by this token",
    "REST_CHANNEL": "turns the REST channel on or off",
    "REST_CHANNEL_TOKEN": "Bearer token the REST channel requires",
    "CLINICBOT_HASH_KEY": "key of the hash that stores sender ids",
    "PUBLIC_BASE_URL": "the public https origin of the channels",
    "TELEGRAM_BOT_TOKEN": "Telegram bot token",
    "TELEGRAM_BOT_USERNAME": "Telegram bot username",
    "TELEGRAM_WEBHOOK_SECRET": "secret token Telegram sends with each update",
    "TELEGRAM_API_BASE": "Telegram's API address (tests point it at a local fake)",
    "TWILIO_ACCOUNT_SID": "Twilio account",
    "TWILIO_AUTH_TOKEN": "Twilio auth token (checks X-Twilio-Signature)",
    "TWILIO_WHATSAPP_FROM": "the WhatsApp sender number",
    "TWILIO_API_BASE": "Twilio's API address (tests point it at a local fake)",
    "WIDGET_ALLOWED_ORIGINS": "origins allowed to open the website widget's socket",
    "WIDGET_SESSION_SECRET": "signs the widget's sessions",
    "WIDGET_SESSION_HOURS": "how long a widget session lasts",
    "STAFF_SECRET_KEY": "signs staff sessions",
    "STAFF_BASE_URL": "the staff app's address, for links in alerts",
    "STAFF_HOST": "address the staff app listens on",
    "STAFF_PORT": "port the staff app listens on",
    "STAFF_IDLE_MINUTES": "idle minutes before a staff session ends",
    "SMTP_HOST": "mail server for alerts",
    "SMTP_PORT": "its port",
    "SMTP_USERNAME": "its user",
    "SMTP_PASSWORD": "its password",
    "SMTP_STARTTLS": "whether to use STARTTLS",
    "ALERT_EMAIL_FROM": "sender of alert e-mails",
    "ALERT_EMAIL_TO": "recipients of alert e-mails",
    "ALERT_WEBHOOK_URL": "address alerts are POSTed to",
    "ALERT_WEBHOOK_SECRET": "HMAC key of the webhook's signature",
    "ALERT_URGENT": "whether urgent escalations are alerted too",
    "ALERT_POLL_SECONDS": "how often the alert worker looks for due alerts",
    "ALERT_RETRY_BASE_SECONDS": "first retry delay of a failed alert",
    "ALERT_RETRY_MAX_SECONDS": "longest retry delay",
    "ALERT_TIMEOUT_SECONDS": "timeout of one delivery",
    "ALERT_MAX_ATTEMPTS": "attempts before an alert is marked failed",
    "ALERT_LOG_LEVEL": "log level of the alert worker",
}


def environment() -> Mapping[str, str]:
    """The process environment (the one place the project reads it)."""
    return os.environ


def get(name: str, default: str = "", env: Optional[Mapping[str, str]] = None) -> str:
    """A declared variable's value, stripped, or ``default`` when it is unset or empty."""
    if name not in VARIABLES:
        raise KeyError(f"{name} is not a declared setting (clinicbot/settings.py)")
    value = (env if env is not None else environment()).get(name, "").strip()
    return value or default
