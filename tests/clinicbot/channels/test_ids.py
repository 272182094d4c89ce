"""Each channel's id space: what a channel's own id becomes, and that no channel can make another's id."""

from __future__ import annotations

import pytest

from clinicbot.channels import ids

WHATSAPP = "whatsapp:+919811122233"
SESSION = "0123456789abcdef" * 2


@pytest.mark.parametrize(
    "channel, external, expected",
    [
        ("rest", "me", "rest:me"),
        ("rest", WHATSAPP, "rest:" + WHATSAPP),
        ("rest", "telegram:4242", "rest:telegram:4242"),
        ("rest", "4242", "rest:4242"),
        ("rest", "web-" + SESSION, "rest:web-" + SESSION),
        ("rest", "rest:x", "rest:rest:x"),
        ("rest", " ", "rest: "),
        ("rest", "x" * 250, "rest:" + "x" * 250),
        ("rest", "x" * 251, None),
        ("rest", "", None),
        ("rest", None, None),
        ("rest", 4242, None),
        ("telegram", 4242, "telegram:4242"),
        ("telegram", -1001234567890, "telegram:-1001234567890"),
        ("telegram", "4242", None),
        ("telegram", "telegram:4242", None),
        ("telegram", 42.0, None),
        ("telegram", True, None),
        ("telegram", 0, None),
        ("telegram", None, None),
        ("telegram", 10**19, None),
        ("whatsapp", WHATSAPP, WHATSAPP),
        ("whatsapp", "whatsapp:+14155238886", "whatsapp:+14155238886"),
        ("whatsapp", "whatsapp:+1234567", "whatsapp:+1234567"),
        ("whatsapp", "whatsapp:+123456", None),
        ("whatsapp", "whatsapp:+1234567890123456", None),
        ("whatsapp", "whatsapp:+0919811122233", None),
        ("whatsapp", "whatsapp:919811122233", None),
        ("whatsapp", "+919811122233", None),
        ("whatsapp", "rest:x", None),
        ("whatsapp", "whatsapp:+91981112223\n", None),
        ("whatsapp", "whatsapp:+٩١٩٨١١١٢٢٢٣٣", None),
        ("whatsapp", "WhatsApp:+919811122233", None),
        ("whatsapp", "whatsapp:+91 98111 22233", None),
        ("whatsapp", None, None),
        ("socketio", SESSION, "web-" + SESSION),
        ("socketio", SESSION.upper(), None),
        ("socketio", SESSION[:-1], None),
        ("socketio", "web-" + SESSION, None),
        ("socketio", "chosen-by-client", None),
    ],
)
def test_conversation_ids(channel, external, expected):
    assert ids.conversation_id(channel, external) == expected


@pytest.mark.parametrize(
    "conversation_id, channel",
    [
        ("rest:me", "rest"),
        ("rest:" + WHATSAPP, "rest"),
        ("rest:", None),
        ("telegram:4242", "telegram"),
        ("telegram:-100123", "telegram"),
        ("telegram:abc", None),
        (WHATSAPP, "whatsapp"),
        ("whatsapp:+91", None),
        ("web-" + SESSION, "socketio"),
        ("web-chosen", None),
        ("4242", None),
        ("e2e-abc", None),
        ("default", None),
    ],
)
def test_channel_of(conversation_id, channel):
    assert ids.channel_of(conversation_id) == channel


@pytest.mark.parametrize(
    "channel, conversation_id, expected",
    [
        ("telegram", "telegram:4242", "4242"),
        ("telegram", "telegram:-1001234567890", "-1001234567890"),
        ("whatsapp", WHATSAPP, WHATSAPP),
        ("rest", "rest:" + WHATSAPP, WHATSAPP),
        ("socketio", "web-" + SESSION, "web-" + SESSION),
    ],
)
def test_recipient_is_the_address_the_channel_api_wants(channel, conversation_id, expected):
    assert ids.recipient(channel, conversation_id) == expected


@pytest.mark.parametrize(
    "channel, conversation_id",
    [
        ("telegram", "4242"),
        ("telegram", "rest:4242"),
        ("telegram", "rest:telegram:4242"),
        ("whatsapp", "rest:" + WHATSAPP),
        ("whatsapp", "telegram:4242"),
        ("rest", WHATSAPP),
        ("socketio", "rest:web-" + SESSION),
    ],
)
def test_an_output_channel_never_addresses_another_channels_conversation(channel, conversation_id):
    with pytest.raises(ValueError):
        ids.recipient(channel, conversation_id)


def test_no_prefix_starts_another():
    prefixes = list(ids.PREFIXES.values())
    assert len(set(prefixes)) == len(prefixes) == 4
    assert not [(a, b) for a in prefixes for b in prefixes if a != b and b.startswith(a)]


@pytest.mark.parametrize(
    "attempt",
    [WHATSAPP, "telegram:4242", "4242", "web-" + SESSION, "rest:me", "", "x" * 300, "socketio", "whatsapp:"],
)
def test_whatever_a_rest_caller_sends_is_a_rest_conversation(attempt):
    made = ids.conversation_id("rest", attempt)
    assert made is None or ids.channel_of(made) == "rest"


@pytest.mark.parametrize(
    "channel, external",
    [
        ("telegram", 4242),
        ("telegram", -5),
        ("whatsapp", WHATSAPP),
        ("socketio", SESSION),
    ],
)
def test_other_channels_never_make_a_rest_id(channel, external):
    made = ids.conversation_id(channel, external)
    assert made is not None and ids.channel_of(made) == channel and not made.startswith("rest:")


@pytest.mark.parametrize(
    "sender_id, known",
    [("rest:x", True), ("telegram:1", True), (WHATSAPP, True), ("web-x", True), ("4242", False), ("e2e-1", False)],
)
def test_ids_from_before_the_cut_over_have_no_known_prefix(sender_id, known):
    assert ids.has_known_prefix(sender_id) is known


def test_an_unknown_channel_is_an_error():
    with pytest.raises(ValueError):
        ids.conversation_id("sms", "x")
