"""The website widget's channel: socket.io with the Origin checked and sessions the server issues.

Rasa's own SocketIOInput turns engine.io's Origin check off (`cors_allowed_origins=[]`), accepts the
session id the client asks for and takes each message's sender from the payload, so any page can
talk to it and any client can write into any conversation. This one:

- allows only the origins in WIDGET_ALLOWED_ORIGINS (engine.io refuses a foreign Origin at the
  handshake; a connection without an Origin header is refused too);
- issues every session itself (128 random bits) inside a token signed with HMAC-SHA256
  (`v1.<session>.<issued>.<mac>`); a reload hands the token back to resume, and a forged, expired or
  unreadable token just gets a new session;
- takes the sender of every message from its own socket → session map, never from the payload;
- sends a resumed client the conversation so far, read from Rasa's tracker store;
- answers malformed payloads with a `widget_error` event, and never logs what visitors write;
- with REDIS_URL, passes every emit through Redis pub/sub (python-socketio's AsyncRedisManager), so a
  message emitted on one replica reaches a visitor connected to another.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections import deque
from pathlib import Path
from typing import Any, Awaitable, Callable, Deque, Dict, Iterable, List, Optional, Sequence, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from clinicbot.channels import ids
from clinicbot.channels.common import ORIGINS_ENV, Inbound, env, handle, message_id, parse_origins

logger = logging.getLogger(__name__)

SECRET_ENV = "WIDGET_SESSION_SECRET"
TTL_ENV = "WIDGET_SESSION_HOURS"
SECRET_FILE_NAME = "widget-session.key"
DEFAULT_TTL_HOURS = 24.0
MIN_SECRET_CHARS = 32
MAX_MESSAGE_CHARS = 5000  # the bot itself keeps max_message_chars (clinic.yml); this only stops floods
MAX_PACKET_BYTES = 64 * 1024
RATE_LIMIT = 30  # messages (and session requests) per connection per RATE_WINDOW seconds
RATE_WINDOW = 60.0
HISTORY_LIMIT = 200
HISTORY_TIMEOUT = 5.0
USER_EVT, BOT_EVT = "user_uttered", "bot_uttered"

_TOKEN = re.compile(r"v1\.([0-9a-f]{32})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})")

HistoryLoader = Callable[[str], Awaitable[List[Dict[str, Any]]]]

REDIS_ENV = "REDIS_URL"
PUBSUB_PREFIX = "clinicbot-widget-"  # + the database number: pub/sub channels ignore Redis databases


def pubsub_channel(redis_url: str) -> str:
    """The Redis pub/sub channel of the widget's socket.io messages for a REDIS_URL (one per database)."""
    from urllib.parse import urlparse

    db = (urlparse(redis_url).path or "/0").lstrip("/") or "0"
    return f"{PUBSUB_PREFIX}{db}"


def client_manager(redis_url: str) -> Optional[AsyncRedisManager]:
    """Redis pub/sub between the replicas' socket.io servers when REDIS_URL is set; None: this process alone.

    Another process (a staff reply) reaches a visitor with
    `AsyncRedisManager(REDIS_URL, channel=pubsub_channel(REDIS_URL), write_only=True).emit(...)`.
    """
    if not redis_url:
        return None
    return AsyncRedisManager(redis_url, channel=pubsub_channel(redis_url))


def session_secret(environ: Optional[Dict[str, str]] = None, key_file: Optional[Path] = None) -> bytes:
    """The token-signing secret: WIDGET_SESSION_SECRET, else a random one kept in var/widget-session.key."""
    value = env(SECRET_ENV, environ)
    if value:
        if len(value) < MIN_SECRET_CHARS:
            raise ValueError(f"{SECRET_ENV} must be at least {MIN_SECRET_CHARS} characters long")
        return value.encode("utf-8")
    from clinicbot.paths import var_dir
    from clinicbot.store.keys import _read_or_create_key_file

    return _read_or_create_key_file(key_file or var_dir() / SECRET_FILE_NAME)


class SessionTokens:
    """Issues and checks session tokens: `v1.<32 hex session>.<issued unix time>.<HMAC-SHA256, base64url>`."""

    def __init__(self, secret: bytes, ttl_seconds: float = DEFAULT_TTL_HOURS * 3600, clock: Callable[[], float] = time.time):
        if not secret:
            raise ValueError("an empty signing secret")
        self.secret = secret
        self.ttl = ttl_seconds
        self.clock = clock

    def _mac(self, session: str, issued: int) -> str:
        digest = hmac.new(self.secret, f"v1.{session}.{issued}".encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def issue(self, session: Optional[str] = None) -> Tuple[str, str]:
        """(session, token): a token for `session`, or for a new random 128-bit session."""
        session = session or secrets.token_hex(16)
        issued = int(self.clock())
        return session, f"v1.{session}.{issued}.{self._mac(session, issued)}"

    def verify(self, token: Any) -> Optional[str]:
        """The session a genuine, unexpired token names; None for anything else."""
        if not isinstance(token, str) or len(token) > 100:
            return None
        match = _TOKEN.fullmatch(token)
        if not match:
            return None
        session, issued = match.group(1), int(match.group(2))
        if not hmac.compare_digest(match.group(3), self._mac(session, issued)):
            return None
        age = self.clock() - issued
        if age < -60 or age > self.ttl:  # a minute of clock skew between replicas
            return None
        return session


def sender_of(session: str) -> str:
    """Rasa's sender id (conversation id) of a widget session: `web-<session>` (channels/ids.py)."""
    return ids.widget_id(session)


WIDGET_EXTRAS = ("language", "card", "expects")


def quick_replies(buttons: Any) -> List[Dict[str, str]]:
    """Rasa buttons as the channel's quick replies (title and payload, both strings)."""
    out = []
    for b in buttons if isinstance(buttons, list) else []:
        if isinstance(b, dict) and b.get("title") and b.get("payload") is not None:
            out.append({"content_type": "text", "title": str(b["title"]), "payload": str(b["payload"])})
    return out


def transcript(events: Iterable[Any], limit: int = HISTORY_LIMIT) -> List[Dict[str, Any]]:
    """The visible conversation in tracker events: user and bot messages, oldest first, the last `limit`.

    A button press shows as the button's title, as it did when it was clicked.
    """
    out: List[Dict[str, Any]] = []
    last_buttons: List[Dict[str, str]] = []
    for event in events:
        kind = getattr(event, "type_name", None)
        text = getattr(event, "text", None)
        if kind == "user":
            shown = text or ""
            shown = next((b["title"] for b in last_buttons if b["payload"] == shown), shown)
            if shown:
                out.append({"sender": "user", "text": shown})
            last_buttons = []
        elif kind == "bot":
            data = getattr(event, "data", None) or {}
            buttons = quick_replies(data.get("buttons"))
            if text or buttons:
                said: Dict[str, Any] = {"sender": "bot", "text": text or "", "quick_replies": buttons}
                extra = data.get("custom")
                if isinstance(extra, dict):
                    said.update({k: extra[k] for k in WIDGET_EXTRAS if isinstance(extra.get(k), str)})
                out.append(said)
            last_buttons = buttons
    return out[-limit:]


class WidgetOutput(SocketIOOutput):
    """Rasa's socket.io output, except that one bot message is one `bot_uttered` (text, quick replies and
    the extras: language, card, expects), and custom JSON can only go to the conversation's own room."""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        out: Dict[str, Any] = {}
        extra = message.get("custom")
        if isinstance(extra, dict):
            out.update({k: extra[k] for k in WIDGET_EXTRAS if isinstance(extra.get(k), str)})
        if isinstance(message.get("text"), str):
            out["text"] = message["text"]
        replies = quick_replies(message.get("buttons"))
        if replies:
            out["quick_replies"] = replies
        if out.get("text") or replies:
            await self._send_message(recipient_id, out)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        message = {k: v for k, v in json_message.items() if k not in ("room", "to", "namespace", "skip_sid")}
        await self.sio.emit(self.bot_message_evt, message, room=recipient_id)


class _WidgetBlueprint(SocketBlueprint):
    """Attaches the socket.io server to the app and remembers the app (its agent reads the history)."""

    def __init__(self, channel: SecureSocketIOInput, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.ctx.channel = channel

    def register(self, app: Sanic, options: Dict[str, Any]) -> None:
        self.ctx.channel.app = app
        super().register(app, options)


class SecureSocketIOInput(InputChannel):
    """The website widget at /socket.io (events) and /webhooks/socketio/ (widget.js, demo page)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Settings come from the environment (WIDGET_*); the channel is off without allowed origins."""
        origins = parse_origins(env(ORIGINS_ENV))
        if not origins:
            cls.raise_missing_credentials_exception()
        try:
            hours = float(env(TTL_ENV) or DEFAULT_TTL_HOURS)
        except ValueError:
            raise ValueError(f"{TTL_ENV} must be a number of hours, for example 24") from None
        path = (credentials or {}).get("socketio_path") or "/socket.io"
        return cls(origins, SessionTokens(session_secret(), hours * 3600), socketio_path=path)

    def __init__(
        self,
        allowed_origins: Sequence[str],
        tokens: SessionTokens,
        socketio_path: str = "/socket.io",
        history: Optional[HistoryLoader] = None,
    ):
        if not allowed_origins or "*" in allowed_origins:
            raise ValueError("the widget channel needs an explicit list of allowed origins")
        self.allowed_origins = list(allowed_origins)
        self.tokens = tokens
        self.socketio_path = socketio_path
        self.history = history or self.tracker_history
        self.sessions: Dict[str, str] = {}  # socket id -> session
        self.recent: Dict[str, Deque[float]] = {}  # socket id -> times of its latest requests
        self.sio: Optional[AsyncServer] = None
        self.app: Optional[Sanic] = None
        self.inbound = Inbound(self.name())

    async def tracker_history(self, sender_id: str) -> List[Dict[str, Any]]:
        """The conversation so far from Rasa's tracker store (latest Rasa session), via the agent."""
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return []
        tracker = await store.retrieve(sender_id)
        return transcript(tracker.events) if tracker is not None else []

    async def _history(self, sender_id: str) -> List[Dict[str, Any]]:
        try:
            return await asyncio.wait_for(self.history(sender_id), HISTORY_TIMEOUT)
        except Exception as exc:  # a resume without history beats no resume
            logger.error("socketio: the conversation so far could not be read (%s)", type(exc).__name__)
            return []

    def too_fast(self, sid: str) -> bool:
        """Whether a connection sent more than RATE_LIMIT requests in the last RATE_WINDOW seconds."""
        now = time.monotonic()
        times = self.recent.setdefault(sid, deque(maxlen=RATE_LIMIT))
        full = len(times) == RATE_LIMIT and now - times[0] < RATE_WINDOW
        if not full:
            times.append(now)
        return full

    def origin_allowed(self, environ: Dict[str, Any]) -> bool:
        """Whether the handshake came from an allowed page (engine.io already refused foreign ones)."""
        return environ.get("HTTP_ORIGIN", "") in self.allowed_origins

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WidgetOutput(self.sio, BOT_EVT) if self.sio is not None else None

    async def _handle(
        self, sio: AsyncServer, sid: str, data: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Optional[str]:
        """Hands a visitor's message to Rasa; the code of what was wrong with it, or None."""
        session = self.sessions.get(sid)
        if session is None:
            return "no_session"
        if self.too_fast(sid):
            return "slow_down"
        text = data.get("message") if isinstance(data, dict) else None
        if not isinstance(text, str):
            return "bad_request"
        if not text.strip():
            return "empty"
        if len(text) > MAX_MESSAGE_CHARS:
            return "too_long"
        sender = sender_of(session)  # never data["session_id"] or anything else the client sends
        mid = message_id(data.get("message_id"))  # the widget's own id: a re-sent message is answered once
        first, _ = await self.inbound.first(sender, mid)
        if not first:
            return None
        message = UserMessage(text, WidgetOutput(sio, BOT_EVT), sender, input_channel=self.name())
        if not await handle(self.name(), on_new_message, message):  # told to the visitor: send it again
            await self.inbound.release(sender, mid)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(
            async_mode="sanic",
            client_manager=client_manager(env(REDIS_ENV)),
            cors_allowed_origins=self.allowed_origins,
            max_http_buffer_size=MAX_PACKET_BYTES,
            logger=False,
            engineio_logger=False,
        )
        self.sio = sio
        bp = _WidgetBlueprint(self, sio, self.socketio_path, "secure_socketio_webhook")

        async def error(sid: str, code: str) -> None:
            await sio.emit("widget_error", {"code": code}, room=sid)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        from clinicbot.channels import widget

        widget.add_routes(bp)

        @sio.on("connect")
        async def connect(sid: str, environ: Dict[str, Any], auth: Any = None) -> bool:
            return self.origin_allowed(environ)

        @sio.on("disconnect")
        async def disconnect(sid: str, *args: Any) -> None:
            self.sessions.pop(sid, None)
            self.recent.pop(sid, None)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            if self.too_fast(sid):
                return await error(sid, "slow_down")
            token = data.get("token") if isinstance(data, dict) else None
            resumed = self.tokens.verify(token)
            session, fresh = self.tokens.issue(resumed)
            previous = self.sessions.get(sid)
            if previous and previous != session:
                await sio.leave_room(sid, sender_of(previous))
            self.sessions[sid] = session
            await sio.enter_room(sid, sender_of(session))
            history = await self._history(sender_of(session)) if resumed else []
            await sio.emit("session_confirm", {"token": fresh, "resumed": bool(resumed), "history": history}, room=sid)

        @sio.on(USER_EVT)
        async def handle_message(sid: str, data: Any = None) -> None:
            try:
                problem = await self._handle(sio, sid, data, on_new_message)
            except Exception as exc:  # never lets a visitor's message take the handler down
                logger.error("socketio: handling a message failed (%s)", type(exc).__name__)
                problem = "server"
            if problem:
                await error(sid, problem)
            await sio.emit("bot_done", {}, room=sid)

        return bp
