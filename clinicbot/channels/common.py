"""Pieces the channel connectors share: reading settings, answering bad requests, safe delivery."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Tuple

from clinicbot import settings

logger = logging.getLogger(__name__)
ENV_NAME = "CLINICBOT_ENV"
DEVELOPMENT_NAMES = ("development", "dev", "test")


def env(name: str, environ: Optional[Mapping[str, str]] = None) -> str:
    """A setting from the environment, or an empty string."""
    return settings.get(name, env=environ)


def development(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether CLINICBOT_ENV names a development environment (make run and scripts/with-stack set it)."""
    return env(ENV_NAME, environ).lower() in DEVELOPMENT_NAMES


def parse_json(body: bytes) -> Optional[Dict[str, Any]]:
    """A JSON object from a request body, or None when it is not one."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


EXTRA = "clinicbot"  # the key under which a message's custom JSON reaches an output's send methods
EMERGENCY_CARD = "emergency"


class OneMessageOutput:
    """A mixin for output channels: one bot message goes out as one message, with its extras.

    The conversation sends each message's language, card and what it expects as Rasa's `custom`
    JSON; Rasa's `send_response` would send that as a message of its own. Here it travels with the
    text to `send_text_message` / `send_text_with_buttons` as the keyword argument `clinicbot`.
    """

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        message = dict(message)
        extra = message.pop("custom", None)
        message[EXTRA] = extra if isinstance(extra, dict) else {}
        await super().send_response(recipient_id, message)  # type: ignore[misc]


def extras(kwargs: Mapping[str, Any]) -> Dict[str, Any]:
    """The extras of a message (see OneMessageOutput): language, card, expects."""
    extra = kwargs.get(EXTRA)
    return extra if isinstance(extra, dict) else {}


def numbers_first(text: str, extra: Mapping[str, Any]) -> str:
    """An emergency card for a text-only channel: the numbers to call first, then the message."""
    if extra.get("card") != EMERGENCY_CARD:
        return text
    from clinicbot.content import clinic

    c = clinic()
    numbers = " / ".join(n.number for n in c.emergency_numbers)
    return f"\U0001F6A8 {numbers} \u00b7 {c.phone}\n\n{text}"


async def handle(channel: str, on_new_message: Callable[[Any], Awaitable[Any]], message: Any) -> bool:
    """Hands a message to Rasa; when that fails, `tell_outage`. True when it was handled."""
    try:
        await on_new_message(message)
        return True
    except Exception as exc:  # never the text: it is the visitor's
        logger.error("%s: handling a message failed (%s)", channel, type(exc).__name__)
    await tell_outage(channel, message)
    return False


async def tell_outage(channel: str, message: Any) -> None:
    """The message was not taken in (the conversation's database is down, after brief retries): the
    visitor is told so, with the red-flag advice their words call for, and asked to send it again."""
    from clinicbot.conversation.language import follow
    from clinicbot.conversation.outage import outage_reply
    from clinicbot.conversation.wording import ENGLISH

    language = follow(None, message.text or "") or ENGLISH
    for say in outage_reply(message.text or ""):
        extra = {"language": language, **({"card": say.card} if say.card else {})}
        reply = {"text": say.text, "custom": extra}
        await deliver(channel, message.output_channel.send_response(message.sender_id, reply))


class Inbound:
    """A channel's inbound message ids, claimed in the clinic store before a message is handled, so a
    message resent or retried (by the visitor's client, by Telegram or Twilio, on any replica) is
    processed once. If the store cannot be reached the message is handled anyway (logged): a reply
    twice beats none."""

    WAIT_SECONDS = 10.0  # how long a REST repeat waits for the original's replies

    def __init__(self, channel: str) -> None:
        self.channel = channel

    async def _run(self, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        import asyncio

        from clinicbot.conversation.store_records import sessions

        def work() -> Any:
            with sessions()() as session, session.begin():
                return fn(session, self.channel, *args)

        try:
            return await asyncio.to_thread(work)
        except Exception as exc:
            logger.error("%s: %s failed (%s)", self.channel, what, type(exc).__name__)
            return None

    async def first(self, sender_id: str, message_id: Optional[str]) -> Tuple[bool, Optional[List[Any]]]:
        """Whether to handle this message (first seen, or no id), and the replies kept for a repeat."""
        from clinicbot.store.inbound import claim

        if not message_id:
            return True, None
        got = await self._run("claiming a message id", claim, sender_id, message_id)
        return (True, None) if got is None else (got.first, got.replies)

    async def release(self, sender_id: str, message_id: Optional[str]) -> None:
        """The message was not taken in: its resend must be handled."""
        from clinicbot.store.inbound import release

        if message_id:
            await self._run("releasing a message id", release, sender_id, message_id)

    async def keep(self, sender_id: str, message_id: Optional[str], replies: List[Any]) -> None:
        """Keeps the replies a message got, for a resend of it (REST)."""
        from clinicbot.store.inbound import keep_replies

        if message_id:
            await self._run("keeping replies", keep_replies, sender_id, message_id, replies)

    async def replies(self, sender_id: str, message_id: str) -> List[Any]:
        """The original's replies, waiting a little while it is still being handled."""
        import asyncio

        from clinicbot.store.inbound import replies_of

        deadline = asyncio.get_running_loop().time() + self.WAIT_SECONDS
        while True:
            got = await self._run("reading replies", replies_of, sender_id, message_id)
            if got is not None or asyncio.get_running_loop().time() >= deadline:
                return list(got or [])
            await asyncio.sleep(0.2)


def message_id(value: Any) -> Optional[str]:
    """A provider's or client's message id as text (None when there is none usable)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= 128 else None


async def deliver(channel: str, coro: Any) -> bool:
    """Awaits a send; a failure is logged without personal data and never reaches the webhook's answer."""
    try:
        await coro
        return True
    except Exception as exc:
        logger.error("%s: a reply could not be delivered (%s)", channel, type(exc).__name__)
        return False


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
ORIGINS_ENV = "WIDGET_ALLOWED_ORIGINS"


def parse_origins(value: str) -> List[str]:
    """The allowed origins from a comma-separated list (`scheme://host[:port]`, no path, no wildcard)."""
    origins = []
    for item in value.split(","):
        origin = item.strip().rstrip("/")
        if not origin:
            continue
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"{ORIGINS_ENV}: {origin!r} is not an origin like https://clinic.example")
        origins.append(origin)
    return origins
