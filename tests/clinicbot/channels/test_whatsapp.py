"""WhatsApp through Twilio: signatures made by twilio's RequestValidator; forged ones refused."""

from __future__ import annotations

import aiohttp
import pytest
from twilio.request_validator import RequestValidator

from clinicbot.channels.whatsapp import PATH, NumberedOptions, TwilioWhatsAppInput, TwilioWhatsAppOutput

TOKEN, BASE = "twilio-auth-token", "https://clinic.example"
FORM = {
    "From": "whatsapp:+919876543210",
    "To": "whatsapp:+14155238886",
    "Body": "my back hurts",
    "MessageSid": "SM123",
    "AccountSid": "AC1",
}


def sign(params, token=TOKEN):
    return RequestValidator(token).compute_signature(BASE + PATH, params)


async def post(url, form=None, headers=None, data=None):
    async with aiohttp.ClientSession() as s:
        async with s.post(url + "/webhook", data=data if data is not None else form, headers=headers or {}) as r:
            return r.status


def channel(upstream):
    return TwilioWhatsAppInput("AC1", TOKEN, "whatsapp:+14155238886", BASE, upstream.url)


async def test_genuine_request_is_answered_with_numbered_options(serve, upstream):
    url, received = await serve(channel(upstream))
    assert await post(url, FORM, {"X-Twilio-Signature": sign(FORM)}) == 204
    assert received[0].text == "my back hurts" and received[0].sender_id == FORM["From"]
    assert received[0].input_channel == "whatsapp"
    path, body = upstream.calls[0]
    assert path == "/2010-04-01/Accounts/AC1/Messages.json"
    assert "1. Yes" in body["Body"] and "2. No" in body["Body"] and body["To"] == FORM["From"]
    reply = {**FORM, "Body": "2", "MessageSid": "SM124"}
    assert await post(url, reply, {"X-Twilio-Signature": sign(reply)}) == 204
    assert received[1].text == "/deny"


async def test_a_message_twilio_sends_again_is_handled_once(serve, upstream):
    url, received = await serve(channel(upstream))
    for _ in range(3):
        assert await post(url, FORM, {"X-Twilio-Signature": sign(FORM)}) == 204
    assert len(received) == 1 and len(upstream.calls) == 1
    other = {**FORM, "From": "whatsapp:+919811122233"}  # the same id from another sender is another message
    assert await post(url, other, {"X-Twilio-Signature": sign(other)}) == 204
    assert len(received) == 2


async def test_a_message_not_taken_in_is_handled_when_sent_again(serve, upstream):
    calls = []

    async def down_once(msg):
        calls.append(msg.text)
        if len(calls) == 1:
            raise RuntimeError("the tracker store is down")

    url, _ = await serve(channel(upstream), down_once)
    for _ in range(2):
        assert await post(url, FORM, {"X-Twilio-Signature": sign(FORM)}) == 204
    assert calls == ["my back hurts", "my back hurts"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Twilio-Signature": "bm9wZQ=="},
        {"X-Twilio-Signature": sign(FORM, "another-token")},
        {"X-Twilio-Signature": sign({**FORM, "Body": "other"})},
    ],
)
async def test_forged_or_missing_signature_is_refused(serve, upstream, headers):
    url, received = await serve(channel(upstream))
    assert await post(url, FORM, headers) == 403
    assert received == []


@pytest.mark.parametrize(
    "sender",
    [
        "rest:me",
        "rest:whatsapp:+919876543210",
        "telegram:4242",
        "4242",
        "+919876543210",
        "whatsapp:919876543210",
        "whatsapp:+0919876543210",
        "whatsapp:+12345",
        "whatsapp:+9198765 43210",
        "web-" + "0" * 32,
        "",
    ],
)
async def test_a_signed_request_from_anything_but_a_whatsapp_number_gets_400(serve, upstream, sender):
    url, received = await serve(channel(upstream))
    form = {**FORM, "From": sender}
    assert await post(url, form, {"X-Twilio-Signature": sign(form)}) == 400
    assert received == [] and upstream.calls == []


@pytest.mark.parametrize("recipient", ["rest:whatsapp:+919876543210", "telegram:4242", "+919876543210", "4242"])
async def test_the_output_sends_to_no_other_channels_conversation(upstream, recipient, caplog):
    output = TwilioWhatsAppOutput("AC1", TOKEN, "whatsapp:+14155238886", NumberedOptions(), upstream.url)
    await output.send_text_message(recipient, "your booking")
    assert upstream.calls == [] and "could not be delivered" in caplog.text


async def test_signed_request_without_a_body_gets_400(serve, upstream):
    url, _ = await serve(channel(upstream))
    assert (
        await post(
            url, data=b"", headers={"X-Twilio-Signature": sign({}), "Content-Type": "application/x-www-form-urlencoded"}
        )
        == 400
    )


async def test_malformed_form_is_4xx(serve, upstream):
    url, _ = await serve(channel(upstream))
    assert await post(
        url,
        data=b"\xff\xfe=\xff",
        headers={"X-Twilio-Signature": "x", "Content-Type": "application/x-www-form-urlencoded"},
    ) in (400, 403)


async def test_delivery_failure_still_answers(serve, upstream, caplog):
    upstream.fail = True
    url, received = await serve(channel(upstream))
    assert await post(url, FORM, {"X-Twilio-Signature": sign(FORM)}) == 204
    assert received and "could not be delivered" in caplog.text and "9876543210" not in caplog.text


async def test_an_emergency_during_an_outage_gets_the_card_first_numbers_first(serve, upstream):
    async def down(_):
        raise RuntimeError("the tracker store is down")

    url, _ = await serve(channel(upstream), down)
    form = {**FORM, "Body": "peshab nahi ho raha aur kamar mein dard hai"}
    assert await post(url, form, {"X-Twilio-Signature": sign(form)}) == 204
    bodies = [body["Body"] for _, body in upstream.calls]
    assert len(bodies) == 2 and bodies[0].startswith("\U0001F6A8 112") and "112" in bodies[1]
    assert "technical problem" in bodies[1]
