"""The REST channel at /webhooks/rest/webhook, for development and integration: REST conversations only, a bearer token.

Rasa's own RestInput authenticates nothing, takes the conversation id (`sender`) and even the input
channel from the request body, and logs the text of a message whose handling failed, so anyone who
reaches it can read and steer any conversation whose id they know. This one (same name, URL,
request and answer JSON):

- keeps every REST conversation under `rest:<sender>` (channels/ids.py): a caller naming a WhatsApp
  number, a Telegram chat id or a widget session gets a conversation of its own, never theirs; the
  answer gives `recipient_id` back as the caller's own sender, so clients see no change;
- when REST_CHANNEL_TOKEN is set, requires `Authorization: Bearer <token>` (compared in constant
  time) and answers 401 without it; outside development it refuses to start without a token;
- is always input channel `rest` (the body cannot name another), and logs error types only.

Streaming (`?stream=true`) is not offered: such a request gets 400.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinicbot.channels import ids
from clinicbot.channels.common import ENV_NAME, Inbound, development, env, message_id, parse_json, tell_outage

logger = logging.getLogger(__name__)
TOKEN_ENV = "REST_CHANNEL_TOKEN"


class MissingTokenError(RuntimeError):
    """The REST channel was enabled outside development without REST_CHANNEL_TOKEN."""


def bearer_token(header: str) -> str:
    """The token of an `Authorization: Bearer <token>` header, or an empty string."""
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _error(message: str, status: int, headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
    """A JSON error answer."""
    return response.json({"error": message}, status=status, headers=headers)


class RestOutput(CollectingOutputChannel):
    """Collects each bot message as one JSON object: text, buttons and its `custom` extras together."""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        out: Dict[str, Any] = {"recipient_id": recipient_id, "text": message.get("text")}
        for key in ("buttons", "custom", "image", "attachment"):
            if message.get(key):
                out[key] = message[key]
        self.messages.append(out)


class GuardedRestInput(RestInput):
    """Rasa's REST channel with its own id space (`rest:<sender>`) and an optional bearer token."""

    @classmethod
    def name(cls) -> str:
        return ids.REST

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """The token comes from the environment (REST_CHANNEL_TOKEN); outside development it is required."""
        token = env(TOKEN_ENV)
        if not token and not development():
            raise MissingTokenError(
                f"the REST channel needs {TOKEN_ENV} outside development: set it (clients then send "
                f"'Authorization: Bearer <token>'), or turn the channel off with REST_CHANNEL=off "
                f"({ENV_NAME}=development runs it without a token on a developer's machine)"
            )
        return cls(token or None)

    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token
        self.inbound = Inbound(self.name())

    def authorised(self, request: Request) -> bool:
        """Whether the request may use the channel: no token configured, or the right one (constant time)."""
        if not self.token:
            return True
        given = bearer_token(request.headers.get("Authorization", ""))
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("guarded_rest_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                message = "a valid 'Authorization: Bearer <token>' header is required"
                return _error(message, 401, {"WWW-Authenticate": "Bearer"})
            if request.args.get("stream", "").lower() == "true":
                return _error("streaming is not offered by this server", 400)
            body = parse_json(request.body or b"")
            if body is None:
                return _error("a JSON object is expected", 400)
            sender, text = body.get("sender"), body.get("message")
            if isinstance(sender, int) and not isinstance(sender, bool):
                sender = str(sender)  # Rasa's RestInput took numbers too
            conversation = ids.conversation_id(ids.REST, sender) if isinstance(sender, str) else None
            if conversation is None:
                return _error(f"'sender' must be a string of 1 to {ids.MAX_REST_SENDER_CHARS} characters", 400)
            if not isinstance(text, str):
                return _error("'message' must be a string", 400)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            mid = message_id((metadata or {}).get("message_id"))
            first, kept = await self.inbound.first(conversation, mid)
            if not first and mid:  # a resend: the replies the original got, never a second turn
                replies = kept if kept is not None else await self.inbound.replies(conversation, mid)
                return response.json([{**m, "recipient_id": sender} for m in replies])
            collector = RestOutput()
            message = UserMessage(text, collector, conversation, input_channel=self.name(), metadata=metadata)
            try:
                await on_new_message(message)
                await self.inbound.keep(conversation, mid, collector.messages)
            except asyncio.CancelledError:
                logger.error("rest: handling a message timed out")
            except Exception as exc:  # never the text: it is the visitor's
                logger.error("rest: handling a message failed (%s)", type(exc).__name__)
                collector.messages.clear()  # not taken in: nothing of this turn was kept, so nothing of it is shown
                await self.inbound.release(conversation, mid)
                await tell_outage("rest", message)
            return response.json([{**m, "recipient_id": sender} for m in collector.messages])

        return bp
