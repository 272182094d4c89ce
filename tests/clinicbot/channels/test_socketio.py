"""The widget's socket.io channel: Origin checked at the handshake, sessions only the server issues."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional

import aiohttp
import pytest
import socketio
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from clinicbot.channels.socketio import (
    SecureSocketIOInput,
    SessionTokens,
    parse_origins,
    sender_of,
    session_secret,
    transcript,
)
from clinicbot.channels.widget import BUNDLE

ORIGIN = "http://127.0.0.1:5180"
SECRET = b"k" * 32


class Client:
    """A socket.io client that records what the server sends it."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: List[tuple] = []
        for name in ("session_confirm", "bot_uttered", "bot_done", "widget_error"):
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name: str):
        async def record(data: Any = None) -> None:
            self.events.append((name, data))

        return record

    async def connect(self, base: str, origin: Optional[str] = ORIGIN) -> None:
        headers = {"Origin": origin} if origin else {}
        await self.sio.connect(base, headers=headers, transports=["polling"], wait_timeout=5)

    async def close(self) -> None:
        """Disconnects without waiting for the pending long poll (that takes the ping interval)."""
        if self.sio.eio.http is not None:
            await self.sio.eio.http.close()
        await self.sio.disconnect()

    async def wait_for(self, name: str, count: int = 1, timeout: float = 5.0) -> List[Any]:
        for _ in range(int(timeout / 0.02)):
            got = [d for n, d in self.events if n == name]
            if len(got) >= count:
                return got
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {name} event (got {[n for n, _ in self.events]})")

    async def session(self, data: Any = None) -> Dict[str, Any]:
        before = len([1 for n, _ in self.events if n == "session_confirm"])
        await self.sio.emit("session_request", data)
        return (await self.wait_for("session_confirm", before + 1))[-1]

    async def say(self, data: Any) -> None:
        before = len([1 for n, _ in self.events if n == "bot_done"])
        await self.sio.emit("user_uttered", data)
        await self.wait_for("bot_done", before + 1)


@pytest.fixture()
async def widget(serve):
    """The channel served in-process; yields (base URL, received messages, channel, clients)."""
    clients: List[Client] = []
    history_calls: List[str] = []

    async def history(sender_id: str) -> List[Dict[str, Any]]:
        history_calls.append(sender_id)
        return [{"sender": "user", "text": "earlier"}, {"sender": "bot", "text": "earlier reply", "quick_replies": []}]

    channel = SecureSocketIOInput([ORIGIN], SessionTokens(SECRET), history=history)
    url, received = await serve(channel)
    base = url.split("/webhooks/")[0]

    async def client(origin: Optional[str] = ORIGIN) -> Client:
        c = Client()
        await c.connect(base, origin)
        clients.append(c)
        return c

    yield base, received, channel, client, history_calls
    await channel.sio.shutdown()
    for c in clients:
        await c.close()


async def test_a_foreign_origin_is_refused_at_the_handshake(widget):
    base, *_ = widget
    handshake = f"{base}/socket.io/?EIO=4&transport=polling"
    async with aiohttp.ClientSession() as s:
        async with s.get(handshake, headers={"Origin": "https://evil.example"}) as r:
            assert r.status == 400
            assert "not an accepted origin" in (await r.text())
        async with s.get(handshake, headers={"Origin": ORIGIN}) as r:
            assert r.status == 200 and '"sid"' in (await r.text())


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:5181", "null"])
async def test_a_foreign_origin_cannot_connect(widget, origin):
    _, _, _, client, _ = widget
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client(origin)


async def socketio_connect_reply(base: str, headers: Dict[str, str]) -> str:
    """Engine.IO polling by hand: the server's answer to a Socket.IO CONNECT packet ("40...", "44...")."""
    url = f"{base}/socket.io/?EIO=4&transport=polling"
    async with aiohttp.ClientSession() as s:
        async with s.get(url, headers=headers) as r:
            sid = json.loads((await r.text())[1:])["sid"]
        async with s.post(f"{url}&sid={sid}", data="40", headers=headers) as r:
            assert r.status == 200
        async with s.get(f"{url}&sid={sid}", headers=headers) as r:
            return await r.text()


async def test_a_connection_without_origin_is_refused(widget):
    base, *_ = widget
    assert (await socketio_connect_reply(base, {})).startswith("44")
    assert (await socketio_connect_reply(base, {"Origin": ORIGIN})).startswith("40")


async def test_the_server_issues_the_session_and_a_message_is_answered(widget):
    _, received, _, client, history_calls = widget
    c = await client()
    confirm = await c.session({"session_id": "chosen-by-client", "token": None})
    assert confirm["resumed"] is False and confirm["history"] == []
    session = SessionTokens(SECRET).verify(confirm["token"])
    assert session and session != "chosen-by-client" and len(session) == 32
    await c.say({"message": "my back hurts"})
    assert received[-1].sender_id == sender_of(session) and received[-1].text == "my back hurts"
    bot = await c.wait_for("bot_uttered")
    assert bot[0]["text"] == "you said my back hurts"
    assert [q["title"] for q in bot[0]["quick_replies"]] == ["Yes", "No"]
    assert history_calls == []


async def test_a_reload_resumes_the_session_with_the_conversation_so_far(widget):
    _, received, _, client, history_calls = widget
    first = await client()
    token = (await first.session())["token"]
    await first.say({"message": "hello"})
    await first.close()
    again = await client()
    confirm = await again.session({"token": token})
    assert confirm["resumed"] is True
    assert confirm["history"][0] == {"sender": "user", "text": "earlier"}
    session = SessionTokens(SECRET).verify(token)
    assert history_calls == [sender_of(session)]
    await again.say({"message": "still here"})
    assert received[-1].sender_id == received[0].sender_id == sender_of(session)


def _forge(token: str) -> str:
    head, mac = token.rsplit(".", 1)
    return head + "." + ("A" if mac[0] != "A" else "B") + mac[1:]


async def test_forged_expired_foreign_or_junk_tokens_get_a_new_session(widget):
    _, received, _, client, history_calls = widget
    victim = await client()
    victim_token = (await victim.session())["token"]
    victim_session = SessionTokens(SECRET).verify(victim_token)
    _, other_secret = SessionTokens(b"x" * 32).issue(victim_session)
    _, expired = SessionTokens(SECRET, clock=lambda: 1_000_000.0).issue(victim_session)
    head = victim_token.rsplit(".", 1)[0]
    bad = [
        _forge(victim_token),
        other_secret,
        expired,
        victim_session,  # the bare session id
        head,  # without its MAC
        victim_token + "x",
        victim_token.upper(),
        "v1." + victim_session + ".99999999999.",
        12345,
        ["v1"],
        {"token": victim_token},
        "x" * 5000,
    ]
    attacker = await client()
    for token in bad:
        confirm = await attacker.session({"token": token})
        assert confirm["resumed"] is False
        assert SessionTokens(SECRET).verify(confirm["token"]) != victim_session
    for data in (None, "token", 7, [victim_token]):
        assert (await attacker.session(data))["resumed"] is False
    assert history_calls == []
    await attacker.say({"message": "hi", "session_id": victim_session, "sender": sender_of(victim_session)})
    assert received[-1].sender_id != sender_of(victim_session)
    await asyncio.sleep(0.1)
    assert not [d for n, d in victim.events if n == "bot_uttered"]


async def test_a_message_cannot_target_another_session(widget):
    _, received, _, client, _ = widget
    a, b = await client(), await client()
    a_session = SessionTokens(SECRET).verify((await a.session())["token"])
    await b.session()
    for payload in (
        {"message": "into a", "session_id": a_session},
        {"message": "into a", "session_id": sender_of(a_session), "metadata": {"sender": a_session}},
        {"message": "into a", "room": sender_of(a_session), "to": sender_of(a_session)},
    ):
        await b.say(payload)
        assert received[-1].sender_id != sender_of(a_session)
        assert received[-1].metadata is None
    await asyncio.sleep(0.1)
    assert [n for n, _ in a.events] == ["session_confirm"]
    assert len([1 for n, _ in b.events if n == "bot_uttered"]) == 3


async def test_a_message_naming_another_channels_conversation_stays_in_its_own_session(widget):
    _, received, _, client, history_calls = widget
    c = await client()
    session = SessionTokens(SECRET).verify((await c.session({"session_id": "whatsapp:+919811122233"}))["token"])
    for other in ("whatsapp:+919811122233", "telegram:4242", "4242", "rest:me"):
        await c.say({"message": "what is my booking", "session_id": other, "sender": other, "room": other})
        assert received[-1].sender_id == sender_of(session) and received[-1].input_channel == "socketio"
    assert history_calls == []


@pytest.mark.parametrize(
    "payload, code",
    [
        (None, "bad_request"),
        ("just a string", "bad_request"),
        (42, "bad_request"),
        ([1, 2], "bad_request"),
        ({}, "bad_request"),
        ({"message": None}, "bad_request"),
        ({"message": {"text": "x"}}, "bad_request"),
        ({"message": ""}, "empty"),
        ({"message": "  \n "}, "empty"),
        ({"message": "back pain " * 600}, "too_long"),
    ],
)
async def test_malformed_messages_get_an_answer_and_the_handler_lives_on(widget, payload, code, caplog):
    _, received, _, client, _ = widget
    c = await client()
    await c.session()
    await c.say(payload)
    assert (await c.wait_for("widget_error"))[-1] == {"code": code}
    assert received == []
    await c.say({"message": "my name is Ravi and my back hurts"})
    assert received[-1].text == "my name is Ravi and my back hurts"
    assert "Ravi" not in caplog.text and "back pain" not in caplog.text


async def test_an_oversized_packet_drops_only_that_connection(widget):
    _, received, _, client, _ = widget
    c = await client()
    await c.session()
    await c.sio.emit("user_uttered", {"message": "x" * 100_000})
    for _ in range(100):
        if not c.sio.connected:
            break
        await asyncio.sleep(0.05)
    assert not c.sio.connected and received == []
    other = await client()
    await other.session()
    await other.say({"message": "hello"})
    assert received[-1].text == "hello"


async def test_a_message_before_the_session_is_refused(widget):
    _, received, _, client, _ = widget
    c = await client()
    await c.say({"message": "hello", "session_id": "anything"})
    assert (await c.wait_for("widget_error")) == [{"code": "no_session"}]
    assert received == []


async def test_a_failing_bot_answers_kindly_without_logging_the_text(serve, caplog):
    channel = SecureSocketIOInput([ORIGIN], SessionTokens(SECRET), history=None)

    async def broken(_msg: Any) -> None:
        raise RuntimeError("boom")

    blueprint_of = channel.blueprint

    def blueprint(_on_new_message: Any) -> Any:
        return blueprint_of(broken)

    channel.blueprint = blueprint  # type: ignore[method-assign]
    url, _ = await serve(channel)
    c = Client()
    await c.connect(url.split("/webhooks/")[0])
    await c.session()
    await c.say({"message": "my name is Ravi"})
    (told,) = await c.wait_for("bot_uttered")  # not taken in: the visitor is asked to send it again
    assert "technical problem" in told["text"] and "112" in told["text"] and "Ravi" not in told["text"]
    assert "RuntimeError" in caplog.text and "Ravi" not in caplog.text
    await c.close()


async def test_a_message_the_socket_sends_again_is_answered_once(widget):
    _, received, _, client, _ = widget
    c = await client()
    await c.session()
    for _ in range(3):  # socket.io re-sends what it buffered across a reconnect, with the same id
        await c.say({"message": "my back hurts", "message_id": "3f1c0b7e-one"})
    await c.say({"message": "my back hurts", "message_id": "3f1c0b7e-two"})
    await c.say({"message": "and my leg"})  # an older widget without ids: handled as before
    assert [m.text for m in received] == ["my back hurts", "my back hurts", "and my leg"]


async def test_an_unreadable_history_still_resumes(serve):
    async def failing(_sender: str) -> List[Dict[str, Any]]:
        raise OSError("database down")

    channel = SecureSocketIOInput([ORIGIN], SessionTokens(SECRET), history=failing)
    url, _ = await serve(channel)
    c = Client()
    await c.connect(url.split("/webhooks/")[0])
    token = (await c.session())["token"]
    confirm = await c.session({"token": token})
    assert confirm["resumed"] is True and confirm["history"] == []
    await c.close()


async def test_malformed_http_requests_get_4xx_never_5xx(widget):
    base, received, _, client, _ = widget
    sio = f"{base}/socket.io/"
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{sio}?EIO=4&transport=polling", headers={"Origin": ORIGIN}) as r:
            sid = json.loads((await r.text())[1:])["sid"]
        requests = [
            ("GET", f"{sio}", None),
            ("GET", f"{sio}?EIO=3&transport=polling", None),
            ("GET", f"{sio}?EIO=4&transport=carrier-pigeon", None),
            ("GET", f"{sio}?EIO=4&transport=websocket", None),  # no Upgrade header
            ("GET", f"{sio}?EIO=4&transport=polling&sid=forged", None),
            ("GET", f"{sio}?EIO=4&transport=polling&j=x", None),
            ("POST", f"{sio}?EIO=4&transport=polling&sid=forged", b"40"),
            ("POST", f"{sio}?EIO=4&transport=polling&sid={sid}", b"\xff\xfe\x00"),
            ("POST", f"{sio}?EIO=4&transport=polling&sid={sid}", b"42[unclosed"),
            ("POST", f"{sio}?EIO=4&transport=polling&sid={sid}", b"9nonsense"),
            ("POST", f"{base}/webhooks/socketio/widget.js", b"{}"),
            ("GET", f"{base}/webhooks/socketio/demo?x=%ff%fe", None),
            ("DELETE", f"{base}/webhooks/socketio/", None),
        ]
        for method, url, body in requests:
            async with s.request(method, url, data=body, headers={"Origin": ORIGIN}) as r:
                assert 200 <= r.status < 500, (method, url, r.status)
    c = await client()
    await c.session()
    await c.say({"message": "still working"})
    assert received[-1].text == "still working"


async def test_widget_script_and_demo_page_are_served(widget):
    base, *_ = widget
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{base}/webhooks/socketio/demo") as r:
            page = await r.text()
            assert r.status == 200 and 'src="/webhooks/socketio/widget.js"' in page
            assert "Renew Orthopedic Clinic" in page
        async with s.get(f"{base}/webhooks/socketio/widget.js") as r:
            body = await r.text()
            if BUNDLE.exists():
                assert r.status == 200 and r.headers["Content-Type"].startswith("application/javascript")
                assert body.startswith("window.ClinicbotWidgetDefaults=") and "not a diagnosis" in body
            else:  # not built (no npm): a clear 404, not a crash
                assert r.status == 404 and "make setup" in body


def test_tokens_round_trip_and_expire():
    now = [1_800_000_000.0]
    tokens = SessionTokens(SECRET, ttl_seconds=3600, clock=lambda: now[0])
    session, token = tokens.issue()
    assert tokens.verify(token) == session
    assert tokens.issue()[0] != session
    now[0] += 3599
    assert tokens.verify(token) == session
    now[0] += 2
    assert tokens.verify(token) is None
    assert SessionTokens(b"y" * 32, clock=lambda: now[0]).verify(tokens.issue(session)[1]) is None


def test_origins_are_parsed_strictly():
    assert parse_origins(" https://clinic.example, http://127.0.0.1:5005/ ,") == [
        "https://clinic.example",
        "http://127.0.0.1:5005",
    ]
    for bad in ("*", "clinic.example", "https://clinic.example/path", "https://*.example"):
        with pytest.raises(ValueError):
            parse_origins(bad)
    with pytest.raises(ValueError):
        SecureSocketIOInput([], SessionTokens(SECRET))
    with pytest.raises(ValueError):
        SecureSocketIOInput(["*"], SessionTokens(SECRET))


def test_the_channel_is_off_without_allowed_origins(monkeypatch):
    monkeypatch.delenv("WIDGET_ALLOWED_ORIGINS", raising=False)
    with pytest.raises(Exception, match="credentials"):
        SecureSocketIOInput.from_credentials(None)


def test_the_channel_reads_its_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", "https://clinic.example")
    monkeypatch.setenv("WIDGET_SESSION_SECRET", "s" * 40)
    channel = SecureSocketIOInput.from_credentials(None)
    assert isinstance(channel, SecureSocketIOInput) and channel.allowed_origins == ["https://clinic.example"]
    assert channel.tokens.secret == b"s" * 40


def test_the_secret_comes_from_the_environment_or_a_kept_file(tmp_path):
    assert session_secret({"WIDGET_SESSION_SECRET": "z" * 32}) == b"z" * 32
    with pytest.raises(ValueError):
        session_secret({"WIDGET_SESSION_SECRET": "short"})
    key = tmp_path / "widget-session.key"
    first = session_secret({}, key)
    assert len(first) == 64 and session_secret({}, key) == first
    assert oct(key.stat().st_mode & 0o777) == "0o600"


def test_transcript_shows_user_and_bot_messages_with_button_titles_and_extras():
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        UserUttered("my back hurts"),
        BotUttered("Sorry to hear that.", {"custom": {"language": "en", "card": "", "other": 1}}),
        BotUttered("Any numbness?", {"buttons": buttons, "custom": {"card": "emergency"}}),
        UserUttered("/deny"),
        BotUttered("Noted."),
        UserUttered("/deny"),
    ]
    assert transcript(events) == [
        {"sender": "user", "text": "my back hurts"},
        {"sender": "bot", "text": "Sorry to hear that.", "quick_replies": [], "language": "en", "card": ""},
        {
            "sender": "bot",
            "text": "Any numbness?",
            "card": "emergency",
            "quick_replies": [
                {"content_type": "text", "title": "Yes", "payload": "/affirm"},
                {"content_type": "text", "title": "No", "payload": "/deny"},
            ],
        },
        {"sender": "user", "text": "No"},
        {"sender": "bot", "text": "Noted.", "quick_replies": []},
        {"sender": "user", "text": "/deny"},
    ]
    assert len(transcript([UserUttered(str(i)) for i in range(500)], limit=200)) == 200


def test_the_stack_enables_the_widget_only_with_allowed_origins():
    from clinicbot.deploy import credentials

    name = "clinicbot.channels.socketio.SecureSocketIOInput"
    assert name not in credentials({})
    assert name not in credentials({"WIDGET_ALLOWED_ORIGINS": ""})
    assert credentials({"WIDGET_ALLOWED_ORIGINS": "https://clinic.example"})[name] == {"enabled": True}


def test_a_bad_session_lifetime_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", "https://clinic.example")
    monkeypatch.setenv("WIDGET_SESSION_SECRET", "s" * 40)
    monkeypatch.setenv("WIDGET_SESSION_HOURS", "a day")
    with pytest.raises(ValueError, match="WIDGET_SESSION_HOURS"):
        SecureSocketIOInput.from_credentials(None)


async def test_the_history_is_read_from_the_agents_tracker_store():
    from types import SimpleNamespace

    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    store = InMemoryTrackerStore(Domain.empty())
    tracker = DialogueStateTracker.from_events(
        sender_of("ab" * 16), [UserUttered("my back hurts"), BotUttered("Any numbness?", {"buttons": []})]
    )
    await store.save(tracker)
    channel = SecureSocketIOInput([ORIGIN], SessionTokens(SECRET))
    assert await channel.tracker_history(sender_of("ab" * 16)) == []  # not served yet: no app, no agent
    channel.app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))  # type: ignore[assignment]
    assert [m["text"] for m in await channel.tracker_history(sender_of("ab" * 16))] == ["my back hurts", "Any numbness?"]
    assert await channel.tracker_history(sender_of("cd" * 16)) == []


async def test_a_flood_is_slowed_down(widget, monkeypatch):
    from clinicbot.channels import socketio as channel_module

    monkeypatch.setattr(channel_module, "RATE_LIMIT", 3)
    _, received, _, client, _ = widget
    c = await client()
    await c.session()  # 1
    await c.say({"message": "one"})  # 2
    await c.say({"message": "two"})  # 3
    await c.say({"message": "three"})
    assert [m.text for m in received] == ["one", "two"]
    assert (await c.wait_for("widget_error"))[-1] == {"code": "slow_down"}
    other = await client()  # other connections are not affected
    await other.session()
    await other.say({"message": "four"})
    assert received[-1].text == "four"
