"""``GET /`` without Rasa's version.

Rasa adds ``GET /`` ("Hello from Rasa: 3.6.21", rasa/server.py add_root_route) to
the app before the channels' blueprints are registered, and a blueprint cannot
replace an app route. So the channels install, when the server starts, an
app-wide request middleware that answers ``/`` itself; Sanic runs request
middleware before the route's handler, so Rasa's handler is never reached.
"""

from __future__ import annotations

from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.ops import probes

ROOT_BODY = {"status": "ok"}


async def plain_root(request: Request) -> HTTPResponse | None:
    if request.path == "/":
        return response.json(ROOT_BODY)
    return None


def install(app: Any) -> None:
    """Answer ``/`` on ``app`` without the version, and the operators' probes
    (bot/ops/probes.py). Once per app, however many channels ask."""
    if getattr(app.ctx, "golden_hour_root", False):
        return
    app.ctx.golden_hour_root = True
    app.register_middleware(plain_root, "request")
    probes.install(app)


def on_start(blueprint: Any) -> None:
    """Install on the app ``blueprint`` is registered with, at server start."""

    @blueprint.listener("before_server_start")
    async def _hide_version(app: Any, _loop: Any) -> None:
        install(app)
