"""Telegram: forged or missing secrets refused, genuine updates answered, failures kept off the webhook."""

from __future__ import annotations

import aiohttp
import pytest

from clinicbot.channels.telegram import (
    SECRET_HEADER,
    SecureTelegramInput,
    TelegramBotApi,
    TelegramOutput,
    register_webhook,
)

SECRET = "s3cret-token_value"


def update(text="my back hurts", chat=4242):
    return {
        "update_id": 10001,
        "message": {
            "message_id": 7,
            "date": 1764000000,
            "chat": {"id": chat, "type": "private", "first_name": "A"},
            "from": {"id": chat, "is_bot": False, "first_name": "A"},
            "text": text,
        },
    }


async def post(url, json=None, data=None, headers=None):
    async with aiohttp.ClientSession() as s:
        async with s.post(url + "/webhook", json=json, data=data, headers=headers or {}) as r:
            return r.status


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}, {SECRET_HEADER: ""}])
async def test_forged_or_missing_secret_is_refused(serve, upstream, headers):
    url, received = await serve(SecureTelegramInput("TOKEN", SECRET, upstream.url))
    assert await post(url, json=update(), headers=headers) == 403
    assert received == [] and upstream.calls == []


async def test_genuine_update_is_answered_with_an_inline_keyboard(serve, upstream):
    url, received = await serve(SecureTelegramInput("TOKEN", SECRET, upstream.url))
    assert await post(url, json=update(), headers={SECRET_HEADER: SECRET}) == 200
    assert received[0].text == "my back hurts" and received[0].sender_id == "telegram:4242"
    assert received[0].input_channel == "telegram"
    path, body = upstream.calls[0]
    assert path == "/botTOKEN/sendMessage" and body["chat_id"] == "4242"
    assert body["reply_markup"]["inline_keyboard"][0][0] == {"text": "Yes", "callback_data": "/affirm"}


async def test_start_and_button_presses(serve, upstream):
    url, received = await serve(SecureTelegramInput("TOKEN", SECRET, upstream.url))
    await post(url, json=update("/start"), headers={SECRET_HEADER: SECRET})
    press = {
        "update_id": 2,
        "callback_query": {
            "id": "1",
            "from": {"id": 5},
            "data": "/deny",
            "message": {"message_id": 8, "chat": {"id": 5}},
        },
    }
    await post(url, json=press, headers={SECRET_HEADER: SECRET})
    assert [m.text for m in received] == ["hi", "/deny"]
    assert [m.sender_id for m in received] == ["telegram:4242", "telegram:5"]


@pytest.mark.parametrize("chat", ["4242", "telegram:4242", "rest:me", 4242.0, True, [4242], {"id": 1}, 10**19])
async def test_a_chat_id_that_is_not_an_integer_is_ignored(serve, upstream, chat):
    url, received = await serve(SecureTelegramInput("TOKEN", SECRET, upstream.url))
    assert await post(url, json=update(chat=chat), headers={SECRET_HEADER: SECRET}) == 200
    assert received == [] and upstream.calls == []


@pytest.mark.parametrize("recipient", ["4242", "rest:4242", "rest:telegram:4242", "whatsapp:+919811122233", "web-x"])
async def test_the_output_sends_to_no_other_channels_conversation(upstream, recipient, caplog):
    output = TelegramOutput(TelegramBotApi("TOKEN", upstream.url))
    await output.send_text_message(recipient, "your booking")
    await output.send_text_with_buttons(recipient, "ok?", [{"title": "Yes", "payload": "/affirm"}])
    assert upstream.calls == [] and "could not be delivered" in caplog.text


@pytest.mark.parametrize("body", [b"{not json", b"[1,2]", b"\xff\xfe", b""])
async def test_malformed_bodies_get_4xx(serve, upstream, body):
    url, _ = await serve(SecureTelegramInput("TOKEN", SECRET, upstream.url))
    assert await post(url, data=body, headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"}) == 400


async def test_delivery_failure_still_answers_200(serve, upstream, caplog):
    upstream.fail = True
    url, received = await serve(SecureTelegramInput("TOKEN", SECRET, upstream.url))
    assert await post(url, json=update("my name is Ravi"), headers={SECRET_HEADER: SECRET}) == 200
    assert received and "could not be delivered" in caplog.text and "Ravi" not in caplog.text


async def test_webhook_registration_sends_the_secret(upstream):
    await register_webhook(TelegramBotApi("TOKEN", upstream.url), "https://clinic.example", SECRET)
    path, body = upstream.calls[0]
    assert path == "/botTOKEN/setWebhook"
    assert body["secret_token"] == SECRET and body["url"] == "https://clinic.example/webhooks/telegram/webhook"


async def test_when_the_conversation_cannot_be_read_the_visitor_is_asked_to_send_it_again(serve, upstream):
    async def down(_):
        raise RuntimeError("the tracker store is down")

    url, _ = await serve(SecureTelegramInput("TOKEN", SECRET, upstream.url), down)
    assert await post(url, json=update("mera naam Ravi hai"), headers={SECRET_HEADER: SECRET}) == 200
    (sent,) = [body["text"] for _, body in upstream.calls]
    assert "112" in sent and "108" in sent and "Ravi" not in sent and "technical problem" in sent


async def test_an_update_telegram_retries_is_handled_once(serve, upstream):
    url, received = await serve(SecureTelegramInput("TOKEN", SECRET, upstream.url))
    for _ in range(3):
        assert await post(url, json=update(), headers={SECRET_HEADER: SECRET}) == 200
    assert len(received) == 1 and len(upstream.calls) == 1
    later = {**update("and my leg"), "update_id": 10002}
    assert await post(url, json=later, headers={SECRET_HEADER: SECRET}) == 200
    assert [m.text for m in received] == ["my back hurts", "and my leg"]
