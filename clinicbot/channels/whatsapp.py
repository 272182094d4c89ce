"""WhatsApp through Twilio: every request's X-Twilio-Signature is checked with twilio's RequestValidator
against PUBLIC_BASE_URL; replies go out over Twilio's REST API without blocking; buttons become numbered options.

The conversation id is Twilio's own `From` (`whatsapp:+<E.164 digits>`, channels/ids.py); a `From` of
any other shape is refused, so this channel can address no other channel's conversation.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from clinicbot.channels import ids
from clinicbot.channels.common import Inbound, OneMessageOutput, deliver, env, extras, handle, message_id, numbers_first
from clinicbot.conversation.wording import ENGLISH, wording

logger = logging.getLogger(__name__)
PATH = "/webhooks/whatsapp/webhook"
DEFAULT_API = "https://api.twilio.com"


class NumberedOptions:
    """The options last shown in each conversation (by conversation id), so "2" can be read back as the second button."""

    def __init__(self, max_senders: int = 10000):
        self._by_sender: OrderedDict[str, List[str]] = OrderedDict()
        self.max_senders = max_senders

    def remember(self, sender: str, payloads: List[str]) -> None:
        """Keeps the payloads of the options just sent."""
        self._by_sender[sender] = payloads
        self._by_sender.move_to_end(sender)
        while len(self._by_sender) > self.max_senders:
            self._by_sender.popitem(last=False)

    def resolve(self, sender: str, text: str) -> str:
        """The payload for a numbered answer, or the text as it is."""
        options = self._by_sender.get(sender) or []
        t = text.strip().rstrip(".")
        if t.isdigit() and 1 <= int(t) <= len(options):
            return options[int(t) - 1]
        return text


class TwilioWhatsAppOutput(OneMessageOutput, OutputChannel):
    """Sends WhatsApp messages through Twilio's REST API (aiohttp: the server never blocks).

    One bot message is one WhatsApp message; an emergency card starts with the numbers to call.
    """

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(self, sid: str, token: str, sender: str, options: NumberedOptions, api_base: str = DEFAULT_API):
        self.url = f"{api_base.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        self.auth = aiohttp.BasicAuth(sid, token)
        self.sender = sender
        self.options = options

    async def _send(self, recipient_id: str, body: str) -> None:
        data = {"To": ids.recipient(ids.WHATSAPP, recipient_id), "From": self.sender, "Body": body}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            async with session.post(self.url, data=data, auth=self.auth) as resp:
                if resp.status >= 300:
                    raise RuntimeError(f"Twilio refused the message ({resp.status})")

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await deliver("whatsapp", self._send(recipient_id, numbers_first(text, extras(kwargs))))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        extra = extras(kwargs)
        hint = wording(str(extra.get("language") or ENGLISH)).text("reply_with_number")
        options = [f"{i}. {b['title']}" for i, b in enumerate(buttons, 1)]
        lines = [numbers_first(text, extra), "", *options, hint]
        self.options.remember(recipient_id, [str(b["payload"]) for b in buttons])
        await deliver("whatsapp", self._send(recipient_id, "\n".join(lines)))


class TwilioWhatsAppInput(InputChannel):
    """The WhatsApp webhook at /webhooks/whatsapp/webhook."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Settings come from the environment (TWILIO_*, PUBLIC_BASE_URL), never from credentials.yml."""
        sid, token, sender, base = (
            env(n) for n in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_FROM", "PUBLIC_BASE_URL")
        )
        if not (sid and token and sender and base):
            cls.raise_missing_credentials_exception()
        return cls(sid, token, sender, base, env("TWILIO_API_BASE") or DEFAULT_API)

    def __init__(self, sid: str, token: str, sender: str, public_base_url: str, api_base: str = DEFAULT_API):
        self.validator = RequestValidator(token)
        self.public_url = public_base_url.rstrip("/") + PATH
        self.options = NumberedOptions()
        self.output = TwilioWhatsAppOutput(sid, token, sender, self.options, api_base)
        self.inbound = Inbound(self.name())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("twilio_whatsapp_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                params = dict(
                    parse_qsl((request.body or b"").decode("utf-8"), keep_blank_values=True, strict_parsing=False)
                )
            except UnicodeDecodeError:
                return response.json({"error": "a form body is expected"}, status=400)
            signature = request.headers.get("X-Twilio-Signature", "")
            if not signature or not self.validator.validate(self.public_url, params, signature):
                return response.json({"error": "forbidden"}, status=403)
            sender, text = ids.whatsapp_id(params.get("From")), params.get("Body")
            if sender is None or text is None:
                return response.json({"error": "a From of whatsapp:+<number> and a Body are required"}, status=400)
            sid = message_id(params.get("MessageSid"))
            first, _ = await self.inbound.first(sender, sid)
            if not first:
                return response.text("", status=204)  # Twilio retried a message handled once already
            text = self.options.resolve(sender, text)
            if not await handle("whatsapp", on_new_message, UserMessage(text, self.output, sender, input_channel=self.name())):
                await self.inbound.release(sender, sid)
            return response.text("", status=204)

        return bp

    def get_output_channel(self) -> OutputChannel:
        return self.output
