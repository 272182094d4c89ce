"""The guarded REST channel: REST conversations only, the caller's sender given back, a bearer token when set."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

import aiohttp
import pytest
from twilio.request_validator import RequestValidator

from clinicbot import deploy
from clinicbot.channels import rest
from clinicbot.channels.rest import GuardedRestInput, MissingTokenError
from clinicbot.channels.telegram import SECRET_HEADER, SecureTelegramInput
from clinicbot.channels.whatsapp import PATH, TwilioWhatsAppInput
from clinicbot.content import clinic
from clinicbot.conversation.wording import wording

TOKEN = "rest-token-0123456789abcdef0123456789"
WHATSAPP = "whatsapp:+919811122233"
SESSION = "0123456789abcdef" * 2


async def post(url: str, json: Any = None, headers: Optional[Dict[str, str]] = None, data: Any = None, query: str = ""):
    async with aiohttp.ClientSession() as s:
        async with s.post(url + "/webhook" + query, json=json, data=data, headers=headers or {}) as r:
            return r.status, await r.json(content_type=None)


@pytest.mark.parametrize(
    "sender, conversation",
    [
        (WHATSAPP, "rest:" + WHATSAPP),
        ("telegram:4242", "rest:telegram:4242"),
        ("4242", "rest:4242"),
        (4242, "rest:4242"),
        ("web-" + SESSION, "rest:web-" + SESSION),
        ("rest:me", "rest:rest:me"),
        ("e2e-abc", "rest:e2e-abc"),
    ],
)
async def test_any_sender_lands_in_a_rest_conversation_and_gets_its_own_id_back(serve, sender, conversation):
    url, received = await serve(GuardedRestInput())
    status, body = await post(url, {"sender": sender, "message": "what is my booking", "input_channel": "whatsapp"})
    assert status == 200
    assert [m.sender_id for m in received] == [conversation]
    assert received[0].input_channel == "rest" and received[0].text == "what is my booking"
    assert body == [
        {
            "recipient_id": str(sender),
            "text": "you said what is my booking",
            "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        }
    ]


async def test_metadata_passes_as_before(serve):
    url, received = await serve(GuardedRestInput())
    await post(url, {"sender": "me", "message": "hi", "metadata": {"page": "home"}})
    await post(url, {"sender": "me", "message": "hi", "metadata": "not an object"})
    assert [m.metadata for m in received] == [{"page": "home"}, None]


@pytest.mark.parametrize(
    "headers, status",
    [
        ({}, 401),
        ({"Authorization": ""}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": f"Bearer {TOKEN}x"}, 401),
        ({"Authorization": f"Bearer {TOKEN[:-1]}"}, 401),
        ({"Authorization": TOKEN}, 401),
        ({"Authorization": f"Basic {TOKEN}"}, 401),
        ({"Authorization": f"Bearer {TOKEN}"}, 200),
        ({"Authorization": f"bearer {TOKEN}"}, 200),
    ],
)
async def test_with_a_token_only_its_bearer_gets_in(serve, headers, status):
    url, received = await serve(GuardedRestInput(TOKEN))
    got, body = await post(url, {"sender": "me", "message": "hi"}, headers)
    assert got == status
    if status == 401:
        assert received == [] and set(body) == {"error"}
    else:
        assert [m.sender_id for m in received] == ["rest:me"]


async def test_the_401_names_the_scheme(serve):
    url, _ = await serve(GuardedRestInput(TOKEN))
    async with aiohttp.ClientSession() as s:
        async with s.post(url + "/webhook", json={"sender": "me", "message": "hi"}) as r:
            assert r.status == 401 and r.headers["WWW-Authenticate"] == "Bearer"


async def test_the_token_is_compared_in_constant_time(serve, monkeypatch):
    compared: List[tuple] = []

    def compare(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return a == b

    monkeypatch.setattr(rest.hmac, "compare_digest", compare)
    url, _ = await serve(GuardedRestInput(TOKEN))
    await post(url, {"sender": "me", "message": "hi"}, {"Authorization": "Bearer guess"})
    await post(url, {"sender": "me", "message": "hi"})
    assert compared == [(b"guess", TOKEN.encode()), (b"", TOKEN.encode())]


async def test_without_a_token_the_channel_is_open(serve):
    url, received = await serve(GuardedRestInput())
    status, _ = await post(url, {"sender": "me", "message": "hi"}, {"Authorization": "Bearer anything"})
    assert status == 200 and len(received) == 1


@pytest.mark.parametrize(
    "json, data, query",
    [
        (None, b"{not json", ""),
        (None, b"\xff\xfe", ""),
        ([1, 2], None, ""),
        ({"message": "hi"}, None, ""),
        ({"sender": "", "message": "hi"}, None, ""),
        ({"sender": None, "message": "hi"}, None, ""),
        ({"sender": True, "message": "hi"}, None, ""),
        ({"sender": ["me"], "message": "hi"}, None, ""),
        ({"sender": "x" * 251, "message": "hi"}, None, ""),
        ({"sender": "me"}, None, ""),
        ({"sender": "me", "message": None}, None, ""),
        ({"sender": "me", "message": {"text": "hi"}}, None, ""),
        ({"sender": "me", "message": "hi"}, None, "?stream=true"),
    ],
)
async def test_malformed_requests_get_400(serve, json, data, query):
    url, received = await serve(GuardedRestInput())
    headers = {"Content-Type": "application/json"} if data is not None else {}
    status, body = await post(url, json=json, data=data, headers=headers, query=query)
    assert status == 400 and set(body) == {"error"} and received == []


async def test_a_failure_is_logged_without_the_text(serve, caplog):
    async def fail(_: Any) -> None:
        raise RuntimeError("boom")

    url, received = await serve(GuardedRestInput(), fail)
    with caplog.at_level(logging.ERROR):
        status, body = await post(url, {"sender": "me", "message": "my name is Ravi Kumar"})
    assert status == 200 and received
    assert [m["text"] for m in body] == [wording().text("outage", phone=clinic().phone)]  # send it again
    assert "RuntimeError" in caplog.text and "Ravi" not in caplog.text


async def test_a_failed_turn_shows_nothing_of_itself_and_a_red_flag_still_gets_its_advice(serve):
    async def reply_then_fail(msg: Any) -> None:
        await msg.output_channel.send_response(msg.sender_id, {"text": "a reply that was never kept"})
        raise RuntimeError("the tracker store is down")

    url, _ = await serve(GuardedRestInput(), reply_then_fail)
    status, body = await post(url, {"sender": "me", "message": "back pain and I can't pee since this morning"})
    assert status == 200 and [m.get("custom", {}).get("card") for m in body] == ["emergency", None]
    assert "112" in body[0]["text"] and "a reply that was never kept" not in str(body)


@pytest.mark.parametrize(
    "environ, token",
    [
        ({"CLINICBOT_ENV": "development"}, None),
        ({"CLINICBOT_ENV": "test"}, None),
        ({"CLINICBOT_ENV": "development", "REST_CHANNEL_TOKEN": TOKEN}, TOKEN),
        ({"REST_CHANNEL_TOKEN": TOKEN}, TOKEN),
        ({"CLINICBOT_ENV": "production", "REST_CHANNEL_TOKEN": TOKEN}, TOKEN),
    ],
)
def test_the_token_comes_from_the_environment(monkeypatch, environ, token):
    monkeypatch.delenv("CLINICBOT_ENV", raising=False)
    monkeypatch.delenv("REST_CHANNEL_TOKEN", raising=False)
    for k, v in environ.items():
        monkeypatch.setenv(k, v)
    channel = GuardedRestInput.from_credentials(None)
    assert isinstance(channel, GuardedRestInput) and channel.token == token


@pytest.mark.parametrize("environ", [{}, {"CLINICBOT_ENV": "production"}, {"REST_CHANNEL_TOKEN": "  "}])
def test_outside_development_the_channel_refuses_to_start_without_a_token(monkeypatch, environ):
    monkeypatch.delenv("CLINICBOT_ENV", raising=False)
    monkeypatch.delenv("REST_CHANNEL_TOKEN", raising=False)
    for k, v in environ.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(MissingTokenError, match="REST_CHANNEL_TOKEN"):
        GuardedRestInput.from_credentials(None)


@pytest.mark.parametrize(
    "environ, state",
    [
        ({}, "off"),
        ({"REST_CHANNEL_TOKEN": TOKEN}, "token"),
        ({"REST_CHANNEL": "on"}, "refused"),
        ({"REST_CHANNEL": "on", "CLINICBOT_ENV": "production"}, "refused"),
        ({"REST_CHANNEL": "on", "REST_CHANNEL_TOKEN": TOKEN}, "token"),
        ({"REST_CHANNEL": "ON", "REST_CHANNEL_TOKEN": TOKEN}, "token"),
        ({"REST_CHANNEL": "off", "REST_CHANNEL_TOKEN": TOKEN}, "off"),
        ({"CLINICBOT_ENV": "development"}, "open"),
        ({"CLINICBOT_ENV": "dev", "REST_CHANNEL": "on"}, "open"),
        ({"CLINICBOT_ENV": "development", "REST_CHANNEL_TOKEN": TOKEN}, "token"),
        ({"CLINICBOT_ENV": "development", "REST_CHANNEL": "off"}, "off"),
        ({"CLINICBOT_ENV": "development", "REST_CHANNEL": "0"}, "off"),
    ],
)
def test_the_stack_enables_rest_by_environment(environ, state):
    warnings: List[str] = []
    assert deploy.rest_channel(environ) == state
    enabled = deploy.credentials(environ, warnings.append)
    assert (deploy.REST_MODULE in enabled) == (state in ("open", "token"))
    assert "rest" not in enabled  # never Rasa's own, open channel
    assert bool(warnings) == (state == "refused")
    if warnings:
        assert "REST_CHANNEL_TOKEN" in warnings[0]


def test_a_bad_rest_channel_value_is_a_clear_error(monkeypatch, capsys):
    with pytest.raises(ValueError, match="REST_CHANNEL"):
        deploy.rest_channel({"REST_CHANNEL": "maybe"})
    monkeypatch.setenv("REST_CHANNEL", "maybe")
    assert deploy.main(["credentials"]) == 2
    assert "REST_CHANNEL must be on or off" in capsys.readouterr().err


def test_the_written_credentials_name_the_guarded_channel(monkeypatch, capsys):
    for k in ("REST_CHANNEL", "REST_CHANNEL_TOKEN"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("CLINICBOT_ENV", "development")
    assert deploy.main(["credentials"]) == 0
    assert capsys.readouterr().out.startswith("clinicbot.channels.rest.GuardedRestInput: null")


# --- no channel reaches another channel's conversation -------------------------------------------------------


class Conversations:
    """A stand-in for Rasa's tracker store: each conversation id's messages; the bot replies with them all."""

    def __init__(self) -> None:
        self.by_id: Dict[str, List[str]] = {}

    async def reply(self, msg: Any) -> None:
        said = self.by_id.setdefault(msg.sender_id, [])
        said.append(msg.text)
        await msg.output_channel.send_text_message(msg.sender_id, " | ".join(said))


async def test_rest_callers_naming_whatsapp_or_telegram_conversations_neither_read_nor_change_them(serve, upstream):
    store = Conversations()
    wa_token, base = "twilio-auth-token", "https://clinic.example"
    wa_url, _ = await serve(
        TwilioWhatsAppInput("AC1", wa_token, "whatsapp:+14155238886", base, upstream.url), store.reply
    )
    tg_url, _ = await serve(SecureTelegramInput("TOKEN", "tg-secret", upstream.url), store.reply)
    rest_url, _ = await serve(GuardedRestInput(), store.reply)

    form = {"From": WHATSAPP, "To": "whatsapp:+14155238886", "Body": "my name is Ravi Kumar", "MessageSid": "SM1"}
    sig = RequestValidator(wa_token).compute_signature(base + PATH, form)
    async with aiohttp.ClientSession() as s:
        async with s.post(wa_url + "/webhook", data=form, headers={"X-Twilio-Signature": sig}) as r:
            assert r.status == 204
        update = {"update_id": 1, "message": {"message_id": 1, "chat": {"id": 4242}, "text": "my number is 98111"}}
        async with s.post(tg_url + "/webhook", json=update, headers={SECRET_HEADER: "tg-secret"}) as r:
            assert r.status == 200
    before = {k: list(v) for k, v in store.by_id.items()}
    assert set(before) == {WHATSAPP, "telegram:4242"}

    for sender in (WHATSAPP, "telegram:4242", "4242", "+919811122233"):
        status, body = await post(rest_url, {"sender": sender, "message": "what is my booking"})
        assert status == 200 and body == [{"recipient_id": sender, "text": "what is my booking"}]
    assert {k: v for k, v in store.by_id.items() if not k.startswith("rest:")} == before
    sent_to = [body.get("To") or body.get("chat_id") for _, body in upstream.calls]
    assert sent_to == [WHATSAPP, "4242"]  # each patient got only their own reply, none of the REST ones


async def test_a_resent_message_id_gets_the_original_replies_and_is_handled_once(serve):
    import asyncio

    handled = []

    async def slow(msg: Any) -> None:
        handled.append(msg.text)
        await asyncio.sleep(0.3)
        await msg.output_channel.send_response(msg.sender_id, {"text": f"reply {len(handled)}"})

    url, _ = await serve(GuardedRestInput(), slow)
    body = {"sender": "me", "message": "my back hurts", "metadata": {"message_id": "m-1"}}
    first, racing = await asyncio.gather(post(url, body), post(url, body))  # a client retrying at once
    again = await post(url, body)  # and once more, later
    assert handled == ["my back hurts"]
    assert first[1] == racing[1] == again[1] and [m["text"] for m in first[1]] == ["reply 1"]
    other = await post(url, {**body, "metadata": {"message_id": "m-2"}})
    assert [m["text"] for m in other[1]] == ["reply 2"]
    no_id = await post(url, {"sender": "me", "message": "my back hurts"})  # no id: handled every time
    assert [m["text"] for m in no_id[1]] == ["reply 3"]


async def test_a_message_not_taken_in_is_handled_when_resent_with_its_id(serve):
    calls = []

    async def down_once(msg: Any) -> None:
        calls.append(msg.text)
        if len(calls) == 1:
            raise RuntimeError("the tracker store is down")
        await msg.output_channel.send_response(msg.sender_id, {"text": "answered in context"})

    url, _ = await serve(GuardedRestInput(), down_once)
    body = {"sender": "me", "message": "98765 43210", "metadata": {"message_id": "m-9"}}
    assert "technical problem" in (await post(url, body))[1][0]["text"]
    assert [m["text"] for m in (await post(url, body))[1]] == ["answered in context"]
    assert calls == ["98765 43210", "98765 43210"]
