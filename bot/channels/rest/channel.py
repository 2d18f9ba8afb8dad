"""The REST channel, hardened: checked input, the safety net on every turn, no
message text in logs, and a health endpoint.

Configured in credentials.yml as ``bot.channels.rest.SafeRestInput``; it serves
``POST /webhooks/rest/webhook`` (same body as Rasa's REST channel:
``{"sender": "...", "message": "..."}``) and ``GET /webhooks/rest/health``.

Who may post is decided by bot/channels/rest/door.py: a bearer token
(GOLDEN_HOUR_REST_TOKEN), or, without one, only a server that listens on loopback.
Every REST route is behind that door, ``GET /webhooks/rest/`` and ``/health``
included: a probe sends the token too (a load balancer can also watch the
widget's page, which needs none). ``require_token: true`` in the credentials (the production file)
refuses every post while no token is set, wherever the server listens.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import inbound, root_route, safety_net
from bot.channels.common.collect import CustomCollector
from bot.channels.common.inbound import Rejected
from bot.channels.common.pipeline import TURN_TIMEOUT_S, InboundMessage, TurnPipeline, turn_timeout
from bot.channels.common.safety_net import TurnResult
from bot.channels.rest import door as rest_door
from bot.config import settings
from bot.ops import probes

log = logging.getLogger("golden_hour.channels.rest")


class SafeRestInput(TurnPipeline[InboundMessage, HTTPResponse], InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            turn_timeout_s=turn_timeout(credentials),
            require_token=credentials.get("require_token") is True,
        )

    def __init__(self, turn_timeout_s: float = TURN_TIMEOUT_S, require_token: bool = False) -> None:
        # At server start: broken guidance stops the server here.
        self.start_pipeline(turn_timeout_s)
        self.require_token = require_token
        # Decided once the server knows where it listens (before_server_start).
        self.door: rest_door.Door | None = None

    def open_door(self, app: Any) -> rest_door.Door:
        """Decide who may post, from where ``app`` listens, and say so in the log."""
        host = rest_door.listening_host(app)
        self.door = rest_door.door_for(
            settings().rest_token, host=host, require_token=self.require_token
        )
        level = logging.WARNING if self.door.mode == "closed" else logging.INFO
        log.log(level, "rest door", extra={"rest_door": self.door.mode, "why": self.door.why})
        return self.door

    def _answer(self, recipient: str, text: str, status: int) -> HTTPResponse:
        messages = [
            {"recipient_id": recipient, "text": text},
            safety_net.safety_payload(recipient, self.safety_text),
        ]
        return response.json(messages, status=status)

    # --- the shared pipeline's steps, as REST answers them -----------------------------

    def check_inbound(self, message: InboundMessage) -> Rejected | None:
        """The shared checks, and no id that another channel issues."""
        rejected = super().check_inbound(message)
        if rejected is None and str(message.sender).startswith(inbound.ISSUED_PREFIXES):
            rejected = Rejected("issued_sender", 400)
        return rejected

    async def refuse(self, message: InboundMessage, rejected: Rejected) -> HTTPResponse:
        return self._answer("", self.refusal_text(rejected), rejected.status)

    def collector(self) -> CollectingOutputChannel:
        return CustomCollector()

    async def deliver(
        self, message: InboundMessage, result: TurnResult, agent: Any
    ) -> HTTPResponse:
        return response.json(result.messages, status=503 if result.outcome == "error" else 200)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("golden_hour_rest", __name__)
        cfg = settings()
        root_route.on_start(bp)

        @bp.listener("before_server_start")
        async def _decide_door(app: Any, _loop: Any) -> None:
            self.open_door(app)

        def refused(request: Request) -> HTTPResponse | None:
            """The answer for a request the door does not let through, else None.
            Every REST route is behind the door, the probes included."""
            door = self.door or self.open_door(request.app)
            refusal = rest_door.admit(door, request.headers.get("authorization"))
            if refusal is None:
                return None
            log.info("REST request refused", extra={"channel": "rest", "reason": refusal.reason})
            headers = {"WWW-Authenticate": 'Bearer realm="golden-hour-rest"'}
            return response.json(
                {"error": refusal.reason, "message": refusal.message},
                status=refusal.status,
                headers=headers if refusal.status == 401 else None,
            )

        @bp.route("/", methods=["GET"])
        async def alive(request: Request) -> HTTPResponse:
            return refused(request) or response.json({"status": "ok"})

        @bp.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            if (refusal := refused(request)) is not None:
                return refusal
            agent = getattr(request.app.ctx, "agent", None)
            state = await probes.readiness(agent, cfg.health_timeout_s)
            body = {
                "status": "ok" if state.ready else "degraded",
                "model_loaded": state.model_loaded,
                "action_server": state.action_server,
                "tracker_store": state.tracker_store,
            }
            return response.json(body, status=200 if state.ready else 503)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if (refusal := refused(request)) is not None:
                return refusal
            try:
                body = request.json
            except Exception:
                body = None
            if not isinstance(body, dict):
                return self._answer("", inbound.rejection_text("body", cfg.max_message_chars), 400)
            message = InboundMessage(sender=body.get("sender"), text=body.get("message"))
            agent = getattr(request.app.ctx, "agent", None)
            return await self.handle(message, on_new_message, agent)

        return bp
