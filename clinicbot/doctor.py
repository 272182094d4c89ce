"""`clinicbot doctor`: the doors of a deployment, what each requires, and the risky settings, from the environment.

It reads the same variables the stack starts from (clinicbot/deploy.py, scripts/stack.sh) and prints
no secret, only whether one is set and how long it is when that matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Mapping, TextIO
from urllib.parse import urlparse

from clinicbot.channels.common import development
from clinicbot.deploy import CHANNELS, rest_channel

MIN_TOKEN_CHARS = 32  # REST_CHANNEL_TOKEN, RASA_API_TOKEN, STAFF_SECRET_KEY, WIDGET_SESSION_SECRET
MIN_TELEGRAM_SECRET_CHARS = 16
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass
class Door:
    """One way into the stack: its name and path, whether it is on, and what it requires."""

    name: str
    where: str
    state: str


@dataclass
class Checkup:
    """The doors, the risky settings and the notes of one environment."""

    development: bool
    doors: List[Door] = field(default_factory=list)
    risks: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether the deployment should not go live as it is (a risk outside development)."""
        return bool(self.risks) and not self.development


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def _missing(env: Mapping[str, str], names: tuple) -> List[str]:
    return [n for n in names if not _get(env, n)]


def _https(url: str) -> bool:
    return urlparse(url).scheme == "https"


def _local(url: str) -> bool:
    return (urlparse(url).hostname or "") in LOCAL_HOSTS


def _rest(env: Mapping[str, str], c: Checkup) -> None:
    where = "/webhooks/rest/webhook"
    try:
        state = rest_channel(env)
    except ValueError as exc:
        c.doors.append(Door("REST", where, "off (REST_CHANNEL unreadable)"))
        c.risks.append(str(exc))
        return
    token = _get(env, "REST_CHANNEL_TOKEN")
    if state == "token":
        c.doors.append(
            Door("REST", where, "on: 'Authorization: Bearer' with REST_CHANNEL_TOKEN; REST conversations only")
        )
        if len(token) < MIN_TOKEN_CHARS:
            c.risks.append(f"REST_CHANNEL_TOKEN is shorter than {MIN_TOKEN_CHARS} characters")
    elif state == "open":
        c.doors.append(Door("REST", where, "on: no token (development only); REST conversations only"))
        c.notes.append("the REST channel is open to whoever reaches the server: fine on a developer's machine only")
    elif state == "refused":
        c.doors.append(Door("REST", where, "off: REST_CHANNEL=on but no REST_CHANNEL_TOKEN"))
        c.risks.append(
            "REST_CHANNEL=on without REST_CHANNEL_TOKEN outside development: the stack leaves REST off; "
            "set a token or REST_CHANNEL=off"
        )
    else:
        c.doors.append(Door("REST", where, "off"))


def _telegram(env: Mapping[str, str], c: Checkup) -> None:
    needed = CHANNELS["clinicbot.channels.telegram.SecureTelegramInput"]
    missing = _missing(env, needed)
    where = "/webhooks/telegram/webhook"
    if missing:
        c.doors.append(Door("Telegram", where, "off"))
        if len(missing) < len(needed):
            c.notes.append(f"Telegram is half-configured and stays off: {', '.join(missing)} not set")
        return
    c.doors.append(Door("Telegram", where, "on: webhook secret set (X-Telegram-Bot-Api-Secret-Token checked)"))
    if len(_get(env, "TELEGRAM_WEBHOOK_SECRET")) < MIN_TELEGRAM_SECRET_CHARS:
        c.risks.append(f"TELEGRAM_WEBHOOK_SECRET is shorter than {MIN_TELEGRAM_SECRET_CHARS} characters")


def _whatsapp(env: Mapping[str, str], c: Checkup) -> None:
    needed = CHANNELS["clinicbot.channels.whatsapp.TwilioWhatsAppInput"]
    missing = _missing(env, needed)
    where = "/webhooks/whatsapp/webhook"
    if missing:
        c.doors.append(Door("WhatsApp", where, "off"))
        if len(missing) < len(needed):
            c.notes.append(f"WhatsApp is half-configured and stays off: {', '.join(missing)} not set")
        return
    base = _get(env, "PUBLIC_BASE_URL").rstrip("/")
    c.doors.append(Door("WhatsApp", where, f"on: Twilio signature checked against {base}{where}"))
    if not _https(base) and not c.development:
        c.risks.append("PUBLIC_BASE_URL is not https: Twilio would post patients' messages in the clear")


def _widget(env: Mapping[str, str], c: Checkup) -> None:
    from clinicbot.channels.common import parse_origins

    where = "/socket.io, /webhooks/socketio/"
    value = _get(env, "WIDGET_ALLOWED_ORIGINS")
    try:
        origins = parse_origins(value)
    except ValueError as exc:
        c.doors.append(Door("widget", where, "off (WIDGET_ALLOWED_ORIGINS unreadable)"))
        c.risks.append(str(exc))
        return
    if not origins:
        c.doors.append(Door("widget", where, "off"))
        return
    secret = _get(env, "WIDGET_SESSION_SECRET")
    signing = "WIDGET_SESSION_SECRET" if secret else "the key in var/widget-session.key"
    c.doors.append(Door("widget", where, f"on: origins {', '.join(origins)}; sessions signed with {signing}"))
    plain = [o for o in origins if not _https(o) and not _local(o)]
    if plain and not c.development:
        c.risks.append(f"WIDGET_ALLOWED_ORIGINS has origins without https: {', '.join(plain)}")
    if secret and len(secret) < MIN_TOKEN_CHARS:
        c.risks.append(f"WIDGET_SESSION_SECRET is shorter than {MIN_TOKEN_CHARS} characters (the widget refuses it)")
    if not secret:
        c.notes.append("WIDGET_SESSION_SECRET is not set: fine on one machine, set it (the same) on every replica")


def _rasa_api(env: Mapping[str, str], c: Checkup) -> None:
    token = _get(env, "RASA_API_TOKEN")
    if not token:
        c.doors.append(Door("Rasa HTTP API", "/conversations/..., /model/...", "off"))
        return
    c.doors.append(
        Door(
            "Rasa HTTP API",
            "/conversations/..., /model/...",
            "on: RASA_API_TOKEN (reads and writes every conversation)",
        )
    )
    if len(token) < MIN_TOKEN_CHARS:
        c.risks.append(f"RASA_API_TOKEN is shorter than {MIN_TOKEN_CHARS} characters: it guards every conversation")


def _staff(env: Mapping[str, str], c: Checkup) -> None:
    key = _get(env, "STAFF_SECRET_KEY")
    base = _get(env, "STAFF_BASE_URL") or "http://127.0.0.1:8000"
    if key:
        state = "on: staff sign-in; sessions signed with STAFF_SECRET_KEY"
    elif c.development:
        state = "on: staff sign-in; sessions signed with a throw-away key (development)"
    else:
        state = "does not start: STAFF_SECRET_KEY is not set"
    c.doors.append(Door("staff review app", base, state))
    if c.development:
        return
    if len(key) < MIN_TOKEN_CHARS:
        c.risks.append(
            f"STAFF_SECRET_KEY is missing or shorter than {MIN_TOKEN_CHARS} characters (the app refuses to start)"
        )
    if not _https(base):
        c.risks.append("STAFF_BASE_URL is not https: staff cookies are not Secure; put the app behind an https proxy")


def _logging(env: Mapping[str, str], c: Checkup) -> None:
    if _get(env, "LOG_LEVEL").upper() == "DEBUG":
        c.risks.append("LOG_LEVEL=DEBUG: Rasa's debug log prints what patients write; use WARNING")


def check(env: Mapping[str, str]) -> Checkup:
    """The doors and risks of the deployment the environment `env` describes."""
    c = Checkup(development=development(env))
    for part in (_rest, _telegram, _whatsapp, _widget, _rasa_api, _staff, _logging):
        part(env, c)
    return c


def report(c: Checkup, out: TextIO) -> None:
    """Prints the checkup as a short text."""
    out.write(f"clinicbot doctor: {'development' if c.development else 'not development'} (CLINICBOT_ENV)\n\ndoors\n")
    width = max(len(d.name) for d in c.doors)
    for d in c.doors:
        out.write(f"  {d.name:<{width}}  {d.state}  [{d.where}]\n")
    if c.risks:
        tail = "" if c.failed else " (development: not failing)"
        out.write(f"\nrisks{tail}\n" + "".join(f"  - {r}\n" for r in c.risks))
    if c.notes:
        out.write("\nnotes\n" + "".join(f"  - {n}\n" for n in c.notes))
    if not c.risks:
        out.write("\nno risky setting found\n")
