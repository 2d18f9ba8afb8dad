"""A Sanic app built the way ``rasa run`` builds it (rasa.core.run.configure_app,
without the HTTP API: Rasa's own ``GET /`` route, then the channels' blueprints),
served on 127.0.0.1 inside the test's event loop, with a stand-in for Rasa's
agent. No model is loaded; the real server is in tests/e2e."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.run import configure_app
from sanic import Sanic

DOMAIN_INTENTS = (
    "greet", "affirm", "deny", "back", "start_again", "inform", "resume", "out_of_scope",
    "restart", "session_start", "nlu_fallback",
)  # fmt: skip


class Agent:
    """Stands in for Rasa's agent: records each message and answers one line."""

    def __init__(self, reply: Callable[[UserMessage], Awaitable[None]] | None = None) -> None:
        self.received: list[UserMessage] = []
        self.domain = SimpleNamespace(intents=list(DOMAIN_INTENTS))
        self.tracker_store = None
        self.action_endpoint = None
        self._reply = reply

    def is_ready(self) -> bool:
        return True

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if self._reply is not None:
            await self._reply(message)
            return
        await message.output_channel.send_text_message(message.sender_id, "heard you")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def serve(
    channels: list[InputChannel], agent: Agent, *, told_host: str | None = None
) -> AsyncIterator[str]:
    """Serve ``channels`` on loopback; yield the base URL. ``told_host`` is the
    address the app is told it listens on (``rasa run --interface``), for the
    checks that depend on it: the socket itself is always on 127.0.0.1."""
    Sanic.test_mode = True  # the same app name, once per test
    port = free_port()
    app = configure_app(channels, enable_api=False, port=port)
    app.ctx.agent = agent
    # Listening from here on (create_server awaits the asyncio server); nothing is
    # sent to it before the start-up listeners have run.
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    if told_host is not None:
        app.state.host = told_host
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


async def request(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, dict[str, str]]:
    """(status, parsed JSON body or text, headers)."""
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, data=data, headers=headers or {}) as resp,
    ):
        raw = await resp.text()
        try:
            parsed: Any = json.loads(raw)
        except ValueError:
            parsed = raw
        return resp.status, parsed, dict(resp.headers)
