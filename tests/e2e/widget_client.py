"""A socket.io client that talks to the widget channel as the browser's script
does (python-socketio's AsyncClient, the same protocol), for the e2e tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import socketio

PATH = "/webhooks/widget/socket.io"

# The choices a professional presses, first match wins, to walk from the last question
# to the draft: no more signs, see the assessment, confirm the answers, and so on.
WALK_TO_THE_DRAFT = (
    "None of these",  # before "No", which its text holds
    "No",
    "Not known",
    "No, nothing else",
    "See the assessment and draft",
    "Yes, carry on",
    "All of these",
    "Not had the chance yet",
)


@dataclass
class WidgetClient:
    base: str
    origin: str | None = None
    # The load balancer's routing key (deploy/haproxy.cfg), sent on every
    # socket.io request as the widget does; None sends none.
    route: str | None = None
    sio: socketio.AsyncClient = field(default_factory=socketio.AsyncClient)
    received: list[dict[str, Any]] = field(default_factory=list)
    session: dict[str, Any] | None = None
    drafts: list[dict[str, Any]] = field(default_factory=list)
    _new: asyncio.Event = field(default_factory=asyncio.Event)

    async def connect(self) -> WidgetClient:
        @self.sio.on("bot_uttered")
        async def _bot(message: dict[str, Any]) -> None:
            self.received.append(message)
            self._new.set()

        @self.sio.on("session_confirm")
        async def _session(data: dict[str, Any]) -> None:
            self.session = data
            self._new.set()

        @self.sio.on("draft")
        async def _draft(data: dict[str, Any]) -> None:
            self.drafts.append(data)
            self._new.set()

        headers = {"Origin": self.origin} if self.origin else {}
        url = f"{self.base}?route={self.route}" if self.route else self.base
        await self.sio.connect(url, socketio_path=PATH, headers=headers, transports=["polling"])
        return self

    async def start_session(self, offered: str | None = None) -> dict[str, Any]:
        self.session = None
        await self.sio.emit("session_request", {"session": offered})
        await self.wait_for(lambda: self.session is not None)
        assert self.session is not None
        return self.session

    async def say(self, message: Any) -> list[dict]:
        """Send a message; return what came back: the whole turn, which ends with
        the first message not marked ``more``."""
        start = len(self.received)
        await self.sio.emit(
            "user_uttered", message if isinstance(message, dict) else {"message": message}
        )

        def whole() -> bool:
            got = self.received[start:]
            return bool(got) and got[-1].get("more") is not True

        await self.wait_for(whole)
        return self.received[start:]

    async def draft(self, fmt: str) -> dict[str, Any]:
        start = len(self.drafts)
        await self.sio.emit("draft_request", {"format": fmt})
        await self.wait_for(lambda: len(self.drafts) > start)
        return self.drafts[-1]

    async def wait_for(self, done: Any, timeout: float = 60) -> None:
        async def wait() -> None:
            while not done():
                self._new.clear()
                await self._new.wait()

        await asyncio.wait_for(wait(), timeout)

    async def close(self) -> None:
        # Say goodbye as socket.io's disconnect() does, but do not wait for the
        # long-poll in flight: that wait is up to the ping interval (25 s) a socket.
        for namespace in self.sio.namespaces:
            await self.sio._send_packet(
                self.sio.packet_class(socketio.packet.DISCONNECT, namespace=namespace)
            )
        await self.sio.eio.disconnect(abort=True)


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def button(messages: list[dict], title: str) -> str:
    for m in messages:
        for b in m.get("buttons", []):
            if b["title"] == title:
                return b["payload"]
    raise AssertionError(f"no button {title!r} in {messages}")
