"""Liveness, readiness and metrics routes for the Rasa server.

- ``GET /live``: the process answers (200 whenever it can answer at all).
- ``GET /ready``: 200 only when the model is loaded, the action server is ready
  (which includes its case store) and Rasa's conversation store can be read;
  503 otherwise, so a load balancer stops sending new turns here.
- ``GET /metrics``: Prometheus's text format (bot/ops/metrics.py).

Rasa adds its own routes to the app before the channels' blueprints are
registered, so, like ``GET /`` (bot/channels/common/root_route.py), these are answered
by an app-wide request middleware installed when the server starts. They carry
no personal data; the load balancer's public side refuses them all the same
(deploy/haproxy.cfg), and operators reach each server directly.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import Any

import aiohttp
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import settings
from bot.ops import metrics
from bot.rasa_adapter import tracker_store

LIVE, READY, METRICS = "/live", "/ready", "/metrics"


@dataclass(frozen=True)
class Readiness:
    model_loaded: bool
    action_server: str  # "ok", "not_ready" (its case store is down) or "unreachable"
    tracker_store: str  # "ok", "failing" or "unknown"

    @property
    def ready(self) -> bool:
        return self.model_loaded and self.action_server == "ok" and self.tracker_store != "failing"

    def body(self) -> dict[str, Any]:
        return {"status": "ready" if self.ready else "not_ready", **asdict(self)}


async def readiness(agent: Any, timeout_s: float, action_path: str = READY) -> Readiness:
    """What the server depends on, checked now (the two checks run together)."""
    model_loaded = bool(agent and agent.is_ready())
    actions, tracker = await asyncio.gather(
        action_server_state(agent, timeout_s, action_path), tracker_store_state(agent, timeout_s)
    )
    return Readiness(model_loaded, actions, tracker)


async def tracker_store_state(agent: Any, timeout_s: float) -> str:
    """The conversation store's state; a probe that waits on a locked database
    longer than the timeout counts as failing."""
    try:
        return await asyncio.wait_for(tracker_store.health(agent), timeout_s)
    except asyncio.TimeoutError:
        return "failing"


async def action_server_state(agent: Any, timeout_s: float, path: str = READY) -> str:
    """ "ok" if the action server answers 200 at ``path`` (beside its /webhook),
    "not_ready" if it answers otherwise, "unreachable" if it does not answer."""
    endpoint = getattr(agent, "action_endpoint", None) if agent else None
    url = getattr(endpoint, "url", None)
    if not url:
        return "unreachable"
    probe = url.rsplit("/", 1)[0] + path
    try:
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(probe) as resp:
            return "ok" if resp.status == 200 else "not_ready"
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return "unreachable"


async def answer(request: Request) -> HTTPResponse | None:
    """The answer to a probe or metrics request, or None for any other request."""
    if request.method != "GET" or request.path not in (LIVE, READY, METRICS):
        return None
    if request.path == LIVE:
        return response.json({"status": "alive"})
    if request.path == METRICS:
        return response.raw(metrics.render(), content_type=metrics.CONTENT_TYPE)
    agent = getattr(request.app.ctx, "agent", None)
    state = await readiness(agent, settings().health_timeout_s)
    return response.json(state.body(), status=200 if state.ready else 503)


def install(app: Any) -> None:
    """Answer the probes on ``app`` (once, however many channels ask)."""
    if getattr(app.ctx, "golden_hour_probes", False):
        return
    app.ctx.golden_hour_probes = True
    app.register_middleware(answer, "request")
