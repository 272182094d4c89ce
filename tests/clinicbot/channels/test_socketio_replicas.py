"""The widget across replicas: with REDIS_URL, a message emitted on one replica's socket.io server (or by
another process) reaches a visitor connected to another replica, through Redis pub/sub."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, List

import pytest
from socketio import AsyncManager, AsyncRedisManager

from clinicbot.channels import socketio as widget_channel
from clinicbot.channels.socketio import SecureSocketIOInput, SessionTokens, client_manager, pubsub_channel, sender_of
from tests.clinicbot.channels.test_socketio import ORIGIN, SECRET, Client
from tests.redis_db import RedisForTest


def test_without_redis_each_process_keeps_its_own_rooms():
    assert client_manager("") is None
    channel = SecureSocketIOInput([ORIGIN], SessionTokens(SECRET))
    channel.blueprint(lambda _: asyncio.sleep(0))
    assert type(channel.sio.manager) is AsyncManager


def test_with_redis_the_rooms_go_through_redis(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/4")
    channel = SecureSocketIOInput([ORIGIN], SessionTokens(SECRET))
    channel.blueprint(lambda _: asyncio.sleep(0))
    assert isinstance(channel.sio.manager, AsyncRedisManager)
    assert channel.sio.manager.channel == "clinicbot-widget-4"


@pytest.mark.parametrize(
    ("url", "channel"),
    [("redis://127.0.0.1:6379/0", "clinicbot-widget-0"), ("redis://h", "clinicbot-widget-0"), ("rediss://:pw@h:1/12", "clinicbot-widget-12")],
)
def test_each_redis_database_has_its_own_pubsub_channel(url, channel):
    assert pubsub_channel(url) == channel


class Replicas:
    """Two widget channels, each on its own Sanic server, as two Rasa replicas; a visitor on the first."""

    def __init__(self, serve: Any, redis: RedisForTest) -> None:
        self.serve, self.redis = serve, redis
        self.channels: List[SecureSocketIOInput] = []
        self.clients: List[Client] = []

    async def start(self) -> None:
        for _ in range(2):
            channel = SecureSocketIOInput([ORIGIN], SessionTokens(SECRET))
            url, _ = await self.serve(channel)
            channel.base = url.split("/webhooks/")[0]  # type: ignore[attr-defined]
            self.channels.append(channel)

    async def visitor(self) -> tuple:
        """A visitor connected to the first replica, with a session; (client, conversation id)."""
        client = Client()
        await client.connect(self.channels[0].base)  # type: ignore[attr-defined]
        self.clients.append(client)
        token = (await client.session({"token": None}))["token"]
        return client, sender_of(SessionTokens(SECRET).verify(token))

    async def listening(self, subscribers: int) -> None:
        """Waits until that many socket.io servers listen on the Redis channel."""
        channel = pubsub_channel(self.redis.url)
        for _ in range(250):
            if dict(self.redis.client.pubsub_numsub(channel)).get(channel.encode(), 0) >= subscribers:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the first replica never subscribed to the Redis channel")

    async def close(self) -> None:
        for channel in self.channels:
            manager = channel.sio.manager
            thread = getattr(manager, "thread", None)
            if thread is not None:
                thread.cancel()
            if getattr(manager, "redis", None) is not None:
                await manager.redis.close()
            await channel.sio.shutdown()
        for client in self.clients:
            await client.close()


@pytest.fixture()
async def replicas(serve, monkeypatch, redis_db):
    monkeypatch.setenv("REDIS_URL", redis_db.url)
    monkeypatch.setattr(widget_channel, "PUBSUB_PREFIX", f"{redis_db.prefix}widget-")  # this test's own channel
    both = Replicas(serve, redis_db)
    await both.start()
    yield both
    await both.close()


async def no_event(client: Client, name: str, seconds: float = 0.6) -> bool:
    await asyncio.sleep(seconds)
    return not [d for n, d in client.events if n == name]


async def test_a_reply_emitted_on_another_replica_reaches_the_visitor(replicas):
    client, conversation = await replicas.visitor()
    await replicas.listening(1)
    other = replicas.channels[1].get_output_channel()
    await other.send_text_message(conversation, "Sent from the second replica")
    got = await client.wait_for("bot_uttered")
    assert got == [{"text": "Sent from the second replica"}]


async def test_a_message_from_another_process_reaches_the_visitor(replicas):
    """A staff reply: a write-only manager in a process that serves no socket.io at all."""
    client, conversation = await replicas.visitor()
    await replicas.listening(1)
    staff = AsyncRedisManager(replicas.redis.url, channel=pubsub_channel(replicas.redis.url), write_only=True)
    try:
        await staff.emit("bot_uttered", {"text": "The clinic will call you at 5"}, room=conversation)
    finally:
        if staff.redis is not None:
            await staff.redis.close()
    assert await client.wait_for("bot_uttered") == [{"text": "The clinic will call you at 5"}]


async def test_an_emit_to_another_room_does_not_reach_the_visitor(replicas):
    client, _ = await replicas.visitor()
    await replicas.listening(1)
    await replicas.channels[1].get_output_channel().send_text_message(f"web-{uuid.uuid4().hex}", "someone else's")
    assert await no_event(client, "bot_uttered")


async def test_without_redis_another_replicas_reply_is_lost(serve, monkeypatch):
    """The control: the same two replicas without REDIS_URL do not reach each other's visitors."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    channels, clients = [], []
    try:
        for _ in range(2):
            channel = SecureSocketIOInput([ORIGIN], SessionTokens(SECRET))
            url, _ = await serve(channel)
            channels.append((channel, url.split("/webhooks/")[0]))
        client = Client()
        clients.append(client)
        await client.connect(channels[0][1])
        session = SessionTokens(SECRET).verify((await client.session({"token": None}))["token"])
        await channels[1][0].get_output_channel().send_text_message(sender_of(session), "lost")
        assert await no_event(client, "bot_uttered")
        await channels[0][0].get_output_channel().send_text_message(sender_of(session), "local")
        assert await client.wait_for("bot_uttered") == [{"text": "local"}]
    finally:
        for channel, _ in channels:
            await channel.sio.shutdown()
        for c in clients:
            await c.close()
