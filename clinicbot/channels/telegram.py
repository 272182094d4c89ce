"""Telegram: refuses updates without the matching X-Telegram-Bot-Api-Secret-Token; inline-keyboard buttons.

Rasa's own TelegramInput checks no secret and calls Telegram for every update; this one checks the
secret in constant time, answers /start, and registers its webhook with `secret_token` through the
Bot API (`register_webhook`), which the aiogram 2.15 that Rasa pins cannot do.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinicbot.channels import ids
from clinicbot.channels.common import (
    Inbound,
    OneMessageOutput,
    deliver,
    env,
    extras,
    handle,
    message_id,
    numbers_first,
    parse_json,
)

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_API = "https://api.telegram.org"


class TelegramBotApi:
    """The few Bot API calls the channel needs, over aiohttp (base URL settable for tests)."""

    def __init__(self, token: str, base_url: str = DEFAULT_API, timeout: float = 10.0):
        self.url = f"{base_url.rstrip('/')}/bot{token}"
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def call(self, method: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        """Calls one Bot API method; raises on a transport error or a refusal."""
        async with aiohttp.ClientSession(timeout=self.timeout) as session:
            async with session.post(f"{self.url}/{method}", json=payload) as resp:
                data = await resp.json(content_type=None)
                if not data.get("ok"):
                    raise RuntimeError(f"Bot API {method} refused ({resp.status})")
                return data


async def register_webhook(api: TelegramBotApi, public_base_url: str, secret: str) -> Dict[str, Any]:
    """Registers the webhook with its secret token (setWebhook)."""
    url = f"{public_base_url.rstrip('/')}/webhooks/telegram/webhook"
    return await api.call(
        "setWebhook", {"url": url, "secret_token": secret, "allowed_updates": ["message", "callback_query"]}
    )


class TelegramOutput(OneMessageOutput, OutputChannel):
    """Sends text, and buttons as an inline keyboard, to the chat of a `telegram:<chat id>` conversation.

    One bot message is one Telegram message; an emergency card starts with the numbers to call.
    """

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, api: TelegramBotApi):
        self.api = api

    async def _send(self, recipient_id: str, payload: Dict[str, Any]) -> None:
        """Sends one message to the conversation's chat; never to a conversation of another channel."""
        chat_id = ids.recipient(ids.TELEGRAM, recipient_id)
        await self.api.call("sendMessage", {"chat_id": chat_id, **payload})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await deliver("telegram", self._send(recipient_id, {"text": numbers_first(text, extras(kwargs))}))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        keyboard = [[{"text": b["title"], "callback_data": str(b["payload"])[:64]}] for b in buttons]
        await deliver(
            "telegram",
            self._send(
                recipient_id,
                {"text": numbers_first(text, extras(kwargs)), "reply_markup": {"inline_keyboard": keyboard}},
            ),
        )


def read_update(update: Dict[str, Any]) -> Optional[tuple]:
    """(chat id as sent, text) of a message or a button press, or None for anything else."""
    if isinstance(update.get("callback_query"), dict):
        cq = update["callback_query"]
        chat = ((cq.get("message") or {}).get("chat") or {}).get("id")
        return (chat, cq.get("data")) if chat is not None and cq.get("data") else None
    msg = update.get("message") or update.get("edited_message")
    if isinstance(msg, dict) and isinstance(msg.get("text"), str):
        chat = (msg.get("chat") or {}).get("id")
        return (chat, msg["text"]) if chat is not None else None
    return None


class SecureTelegramInput(InputChannel):
    """The Telegram webhook at /webhooks/telegram/webhook."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Settings come from the environment (TELEGRAM_*), never from credentials.yml."""
        token, secret = env("TELEGRAM_BOT_TOKEN"), env("TELEGRAM_WEBHOOK_SECRET")
        if not token or not secret:
            cls.raise_missing_credentials_exception()
        return cls(token, secret, env("TELEGRAM_API_BASE") or DEFAULT_API)

    def __init__(self, token: str, secret: str, api_base: str = DEFAULT_API):
        self.secret = secret
        self.api = TelegramBotApi(token, api_base)
        self.inbound = Inbound(self.name())

    def authorised(self, request: Request) -> bool:
        """Whether the request carries the webhook's secret (compared in constant time)."""
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode(), self.secret.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("secure_telegram_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return response.json({"error": "forbidden"}, status=403)
            update = parse_json(request.body or b"")
            if update is None:
                return response.json({"error": "a JSON object is expected"}, status=400)
            read = read_update(update)
            if read is None:
                return response.json({"status": "ignored"})
            chat_id, text = read
            conversation = ids.telegram_id(chat_id)  # `telegram:<int>`; anything else is no chat of ours
            if conversation is None:
                return response.json({"status": "ignored"})
            if text.strip() == "/start":
                text = "hi"
            # Answered 200 whatever happens: Telegram must not retry forever; a failure is told to the visitor.
            update_id = message_id(update.get("update_id"))
            first, _ = await self.inbound.first(conversation, update_id)
            if not first:
                return response.json({"status": "seen"})  # a retried update: handled once already
            message = UserMessage(text, self.get_output_channel(), conversation, input_channel=self.name())
            if not await handle("telegram", on_new_message, message):
                await self.inbound.release(conversation, update_id)
            return response.json({"status": "ok"})

        return bp

    def get_output_channel(self) -> OutputChannel:
        return TelegramOutput(self.api)
