"""Runtime configuration of the stack from the environment: Rasa's endpoints and credentials.

`python -m clinicbot.deploy endpoints|credentials` prints the YAML that scripts/stack.sh hands to Rasa.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional

import yaml

from clinicbot import settings
from clinicbot.channels.common import development
from clinicbot.paths import ROOT

DEFAULT_TRACKER_URL = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
# Rasa's SQL store with pre-pinged connections, brief retries and no fall-back to memory (issue 17).
SQL_TRACKER_STORE = "clinicbot.rasa_nlu.tracker_store.ResilientSQLTrackerStore"


def tracker_store(url: str) -> Dict[str, Any]:
    """The SQL tracker store's settings for a SQLAlchemy URL ("memory": in memory, for measurements)."""
    from sqlalchemy.engine import make_url

    if url == "memory":
        return {"type": "in_memory"}
    u = make_url(url)
    conf: Dict[str, Any] = {"type": SQL_TRACKER_STORE, "dialect": u.drivername, "db": u.database}
    if u.host:
        conf["url"] = u.host
    if u.port:
        conf["port"] = u.port
    if u.username:
        conf["username"] = u.username
    if u.password:
        conf["password"] = u.password
    if u.drivername.startswith("sqlite") and u.database:
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    return conf


LOCK_STORE_MODULE = "clinicbot.rasa_nlu.lock_store.AtomicRedisLockStore"


def _seconds(name: str, env: Optional[Mapping[str, str]], default: float, positive: bool) -> float:
    value = settings.get(name, "", env)
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {value!r}") from None
    if not math.isfinite(seconds) or seconds < 0 or (positive and seconds == 0):
        raise ValueError(f"{name} must be a {'positive' if positive else 'non-negative'} number of seconds")
    return seconds


def lock_store(url: Optional[str], env: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """The atomic Redis lock store (clinicbot.locks) when REDIS_URL is set, else Rasa's in-memory one.

    LOCK_TTL_SECONDS: how long a dead holder can block a conversation; LOCK_WAIT_SECONDS: how long a
    message waits for its conversation (default: the ttl and 15 s more).
    """
    if not url:
        return {"type": "in_memory"}
    from urllib.parse import urlparse

    from clinicbot import locks

    u = urlparse(url)
    if u.scheme not in ("redis", "rediss"):
        raise ValueError(f"REDIS_URL must be a redis:// or rediss:// URL, not {u.scheme or url!r}")
    ttl = _seconds("LOCK_TTL_SECONDS", env, locks.DEFAULT_TTL_SECONDS, positive=True)
    wait = _seconds("LOCK_WAIT_SECONDS", env, locks.default_wait(ttl), positive=False)
    conf: Dict[str, Any] = {"type": LOCK_STORE_MODULE, "url": u.hostname or "127.0.0.1", "port": u.port or 6379}
    if u.username:
        conf["username"] = u.username
    if u.password:
        conf["password"] = u.password
    if u.scheme == "rediss":
        conf["use_ssl"] = True
    db = (u.path or "/0").lstrip("/")
    conf["db"] = int(db or 0)
    conf["lock_ttl_seconds"] = ttl
    conf["lock_wait_seconds"] = wait
    return conf


def tracker_url(env: Optional[Mapping[str, str]] = None) -> str:
    """The tracker store's URL: TRACKER_STORE_URL or the SQLite default under var/."""
    return settings.get("TRACKER_STORE_URL", DEFAULT_TRACKER_URL, env)


def endpoints(env: Mapping[str, str]) -> Dict[str, Any]:
    """The endpoints of the Rasa server."""
    return {
        "action_endpoint": {"url": f"http://127.0.0.1:{env.get('ACTIONS_PORT', '5055')}/webhook"},
        "tracker_store": tracker_store(tracker_url(env)),
        "lock_store": lock_store(env.get("REDIS_URL"), env),
    }


# Channels and the environment variables that enable them (interfaces.md); their secrets are read
# from the environment by the channel itself, so the written file holds none.
CHANNELS = {
    "clinicbot.channels.telegram.SecureTelegramInput": ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"),
    "clinicbot.channels.whatsapp.TwilioWhatsAppInput": (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_WHATSAPP_FROM",
        "PUBLIC_BASE_URL",
    ),
    "clinicbot.channels.socketio.SecureSocketIOInput": ("WIDGET_ALLOWED_ORIGINS",),
}


REST_MODULE = "clinicbot.channels.rest.GuardedRestInput"
ON, OFF = ("on", "1", "true", "yes"), ("off", "0", "false", "no")


def rest_channel(env: Mapping[str, str]) -> str:
    """How the REST channel runs: "token", "open" (development, no token), "off", or "refused" (on, no token, not development).

    REST_CHANNEL unset: on in development or when REST_CHANNEL_TOKEN is set (a token asks for the
    channel), off elsewhere; outside development it needs REST_CHANNEL_TOKEN.
    """
    value = env.get("REST_CHANNEL", "").strip().lower()
    if value and value not in ON + OFF:
        raise ValueError(f"REST_CHANNEL must be on or off, not {value!r}")
    dev = development(env)
    token = bool(env.get("REST_CHANNEL_TOKEN", "").strip())
    if value in OFF or (not value and not dev and not token):
        return "off"
    if token:
        return "token"
    return "open" if dev else "refused"


def _warn(message: str) -> None:
    print(f"clinicbot.deploy: {message}", file=sys.stderr)


def credentials(env: Mapping[str, str], warn: Callable[[str], None] = _warn) -> Dict[str, Any]:
    """The enabled input channels: REST (see `rest_channel`), and each channel whose variables are set."""
    out: Dict[str, Any] = {}
    rest = rest_channel(env)
    if rest == "refused":
        warn(
            "REST_CHANNEL=on but REST_CHANNEL_TOKEN is not set outside development: the REST channel stays off "
            "(set REST_CHANNEL_TOKEN, or CLINICBOT_ENV=development on a developer's machine)"
        )
    elif rest != "off":
        out[REST_MODULE] = None
    for module, needed in CHANNELS.items():
        if all(env.get(v) for v in needed):
            out[module] = {"enabled": True}
    return out


def main(argv: Optional[list] = None) -> int:
    """Prints the requested configuration."""
    args = argv if argv is not None else sys.argv[1:]
    makers = {"endpoints": endpoints, "credentials": credentials}
    if len(args) != 1 or args[0] not in makers:
        print("usage: python -m clinicbot.deploy endpoints|credentials", file=sys.stderr)
        return 2
    try:
        made = makers[args[0]](settings.environment())
    except ValueError as exc:
        _warn(str(exc))
        return 2
    yaml.safe_dump(made, sys.stdout, sort_keys=False)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
