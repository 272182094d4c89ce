"""An in-process Sanic server for a channel's blueprint, and a fake upstream API that records calls."""

from __future__ import annotations

import itertools
import socket
from typing import Any, Callable, List

import pytest
from aiohttp import web
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

_ids = itertools.count()


class Upstream:
    """A fake Telegram Bot API / Twilio REST API on 127.0.0.1; can be told to fail."""

    def __init__(self) -> None:
        self.calls: List[Any] = []
        self.fail = False
        self.runner: Any = None
        self.url = ""

    async def start(self) -> None:
        async def handle(request: web.Request) -> web.Response:
            if self.fail:
                return web.Response(status=503)
            body = await (request.json() if request.content_type == "application/json" else request.post())
            self.calls.append((request.path, dict(body)))
            return web.json_response({"ok": True, "sid": "SM1"}, status=201 if "Messages" in request.path else 200)

        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture()
async def upstream():
    up = Upstream()
    await up.start()
    yield up
    await up.runner.cleanup()


def free_port() -> int:
    """A port nobody listens on (Sanic 21 reads port 0 as its default 8000)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
async def serve():
    """Serves a channel like Rasa does (under /webhooks/<name>); the bot answers with text and buttons, or `reply`."""
    servers = []

    async def start(channel: Any, reply: Callable[[UserMessage], Any] | None = None):
        received: List[UserMessage] = []

        async def on_new_message(msg: UserMessage) -> None:
            received.append(msg)
            if reply is not None:
                return await reply(msg)
            await msg.output_channel.send_text_with_buttons(
                msg.sender_id,
                f"you said {msg.text}",
                [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
            )

        app = Sanic(f"channel_test_{next(_ids)}")
        Sanic.test_mode = True  # Sanic 21 rewrites its protocol class per app unless in test mode
        app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}")
        port = free_port()
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
        await server.startup()
        servers.append(server)
        return f"http://127.0.0.1:{port}/webhooks/{channel.name()}", received

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


@pytest.fixture(autouse=True)
def clinic_store(monkeypatch, tmp_path):
    """The channels claim message ids in the clinic store: a fresh SQLite file per test."""
    from clinicbot.conversation import store_records

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'channels.db'}")
    monkeypatch.setenv("CLINICBOT_HASH_KEY", "channels-test-key")
    store_records.sessions.cache_clear()
    yield
    store_records.sessions.cache_clear()
