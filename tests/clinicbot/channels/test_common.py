"""One bot message is one message on every channel, with its extras; an emergency card puts the numbers first."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from clinicbot.channels.common import numbers_first
from clinicbot.channels.rest import RestOutput
from clinicbot.channels.socketio import WidgetOutput
from clinicbot.channels.telegram import TelegramBotApi, TelegramOutput
from clinicbot.channels.whatsapp import NumberedOptions, TwilioWhatsAppOutput
from clinicbot.content import clinic

BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def message(card: str = "", buttons: bool = True) -> Dict[str, Any]:
    """What Rasa hands an output for one bot message of the conversation (BotUttered.message())."""
    extra = {"language": "hi-Latn", **({"card": card} if card else {})}
    return {"text": "Line one.\n\nLine two.", "buttons": BUTTONS if buttons else None, "custom": extra, "timestamp": 1.0}


def test_numbers_first_only_on_an_emergency_card():
    assert numbers_first("plain", {"card": ""}) == "plain"
    card = numbers_first("Go now.", {"card": "emergency"})
    first_line = card.split("\n")[0]
    assert all(n.number in first_line for n in clinic().emergency_numbers) and clinic().phone in first_line
    assert card.endswith("Go now.")


@pytest.mark.parametrize("buttons", [True, False])
async def test_rest_gives_one_object_per_message_with_its_extras(buttons):
    out = RestOutput()
    await out.send_response("rest:me", message("emergency", buttons))
    assert len(out.messages) == 1
    got = out.messages[0]
    assert got["text"] == "Line one.\n\nLine two." and got["custom"] == {"language": "hi-Latn", "card": "emergency"}
    assert ("buttons" in got) is buttons


@pytest.mark.parametrize("buttons", [True, False])
async def test_telegram_sends_one_message_numbers_first(upstream, buttons):
    out = TelegramOutput(TelegramBotApi("TOKEN", upstream.url))
    await out.send_response("telegram:4242", message("emergency", buttons))
    assert len(upstream.calls) == 1
    body = upstream.calls[0][1]
    assert body["text"].startswith("\U0001F6A8 112") and body["text"].endswith("Line one.\n\nLine two.")
    assert ("reply_markup" in body) is buttons


async def test_whatsapp_sends_one_message_numbers_first(upstream):
    out = TwilioWhatsAppOutput("AC1", "tok", "whatsapp:+14155238886", NumberedOptions(), upstream.url)
    await out.send_response("whatsapp:+919811122233", message("emergency"))
    assert len(upstream.calls) == 1
    assert upstream.calls[0][1]["Body"].startswith("\U0001F6A8 112")
    await out.send_response("whatsapp:+919811122233", message(buttons=False))
    assert upstream.calls[1][1]["Body"] == "Line one.\n\nLine two."


class FakeSio:
    def __init__(self) -> None:
        self.emitted: List[Any] = []

    async def emit(self, event: str, data: Any, room: str = "") -> None:
        self.emitted.append((event, data, room))


async def test_the_widget_gets_one_bot_uttered_with_its_extras():
    sio = FakeSio()
    out = WidgetOutput(sio, "bot_uttered")  # type: ignore[arg-type]
    await out.send_response("web-" + "a" * 32, message("emergency"))
    assert len(sio.emitted) == 1
    event, data, _ = sio.emitted[0]
    assert event == "bot_uttered" and data["text"] == "Line one.\n\nLine two."
    assert data["card"] == "emergency" and data["language"] == "hi-Latn"
    assert [r["title"] for r in data["quick_replies"]] == ["Yes", "No"]
