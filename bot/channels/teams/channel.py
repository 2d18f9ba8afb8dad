"""Microsoft Teams, through the Bot Framework.

Configured in credentials.yml as ``bot.channels.teams.TeamsInput``; it serves
``POST /webhooks/teams/webhook`` (the bot's messaging endpoint) and reads its
settings from ``GOLDEN_HOUR_TEAMS_*`` environment variables
(bot/channels/teams/settings.py).

Every request is verified in full (bot/channels/teams/auth.py) before anything
is read from it; anything else gets 401, no reply, and nothing reaches Rasa. A
verified activity is answered 200 at once (the Bot Framework wants a quick
answer) and handled in the background: one conversation's turns run one after
another, in the order they came, and replies are posted in order to the
``serviceUrl`` the token vouched for. Only personal (one-to-one) chats run the
triage: details about a child do not belong in a group chat or a channel.

Training: "training" starts a practice on a fictional scenario in its own
conversation, "end training" ends it (bot/channels/teams/training.py).

The hand-off: when a safeguarding lead is configured, the summary card has a
"Send this draft to <name>" button. Only that press sends the case's latest
draft, as a card marked DRAFT, to the lead's conversation; the professional is
told whether it was delivered, and the case's audit trail records it.

This module is the webhook; what happens to a verified activity is in
bot/channels/teams/turns.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import root_route
from bot.channels.common.pipeline import TURN_TIMEOUT_S, OnNewMessage
from bot.channels.teams.activity import Address, address_of, greeting_address
from bot.channels.teams.auth import MIN_REFRESH_S, AuthError, KeyCache, Verifier
from bot.channels.teams.card_parts import message
from bot.channels.teams.client import Connector, Http, token_url_for
from bot.channels.teams.settings import TeamsSettings
from bot.channels.teams.training import Modes
from bot.channels.teams.turns import TeamsTurns

log = logging.getLogger("golden_hour.channels.teams")

MAX_BODY_BYTES = 256 * 1024
RECENT_ACTIVITIES = 4096  # activity ids remembered to drop redeliveries
SHUTDOWN_WAIT_S = 10.0
Job = tuple[str, Callable[[], Awaitable[None]], Callable[[Exception], Awaitable[None]]]
__all__ = ["TeamsInput", "TeamsSettings"]


class TeamsInput(TeamsTurns, InputChannel):
    @classmethod
    def name(cls) -> str:
        return "teams"

    def __init__(
        self,
        turn_timeout_s: float = TURN_TIMEOUT_S,
        teams: TeamsSettings | None = None,
        *,
        keys_min_refresh_s: float = MIN_REFRESH_S,
        retry_delay_s: float = 1.0,
        modes: Modes | None = None,
    ) -> None:
        # At server start: broken guidance stops the server here.
        self.start_pipeline(turn_timeout_s)
        self.cfg = teams or TeamsSettings.from_env()
        self.http = Http()
        self.keys = KeyCache(
            self.cfg.openid_url, self.http.get_json, min_refresh_s=keys_min_refresh_s
        )
        self.verifier = Verifier(self.cfg.app_id, self.keys, issuer=self.cfg.issuer)
        self.connector = Connector(
            self.http,
            app_id=self.cfg.app_id,
            app_password=self.cfg.app_password,
            token_url=token_url_for(self.cfg.token_url, self.cfg.tenant),
            retry_delay_s=retry_delay_s,
        )
        self.modes = modes or Modes()
        self.start_lanes("teams activity failed")
        self._recent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._log_configuration()

    def _log_configuration(self) -> None:
        cfg = self.cfg
        if not cfg.app_id:
            log.warning(
                "teams channel not configured: every request is refused (401) until "
                "GOLDEN_HOUR_TEAMS_APP_ID and GOLDEN_HOUR_TEAMS_APP_PASSWORD are set"
            )
            return
        if not cfg.app_password:
            log.warning("teams replies cannot be sent: GOLDEN_HOUR_TEAMS_APP_PASSWORD is not set")
        dsl = (cfg.dsl_conversation_id, cfg.dsl_service_url, cfg.dsl_name)
        if any(dsl) and not cfg.handoff_ready:
            log.warning(
                "teams hand-off off: set GOLDEN_HOUR_TEAMS_DSL_CONVERSATION_ID, "
                "GOLDEN_HOUR_TEAMS_DSL_SERVICE_URL (https) and GOLDEN_HOUR_TEAMS_DSL_NAME"
            )
        log.info("teams channel ready", extra={"handoff": cfg.handoff_ready})

    # --- HTTP ---------------------------------------------------------------------------

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("golden_hour_teams", __name__)
        root_route.on_start(bp)  # "/" without the version, and the probes

        @bp.route("/", methods=["GET"])
        async def alive(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            status, body = await self.receive(
                request.headers.get("Authorization"), request.body or b"", agent, on_new_message
            )
            return response.json(body, status=status)

        @bp.listener("before_server_stop")
        async def finish(_app: Any, _loop: Any) -> None:
            # Let turns in progress post their replies, then close the session.
            try:
                await asyncio.wait_for(self.wait_idle(), SHUTDOWN_WAIT_S)
            except asyncio.TimeoutError:
                log.warning("teams replies cut short", extra={"pending": len(self.lanes)})
            await self.http.close()

        return bp

    async def receive(
        self, authorization: str | None, body: bytes, agent: Any, on_new_message: OnNewMessage
    ) -> tuple[int, dict[str, Any]]:
        """Verify, answer at once, and leave the work to a background task."""
        try:
            verified = await self.verifier.verify_token(authorization)
        except AuthError as err:
            return self._refused(err.reason)
        except Exception as exc:  # never let a verification bug let anything through
            log.error("teams verification failed", extra={"error": type(exc).__name__})
            return self._refused("error")
        if len(body) > MAX_BODY_BYTES:
            return 413, {"error": "too large"}
        try:
            activity = json.loads(body)
        except ValueError:
            activity = None
        if not isinstance(activity, dict):
            return 400, {"error": "not an activity"}
        try:
            Verifier.check_activity(verified, activity)
        except AuthError as err:
            return self._refused(err.reason)
        if self._seen_before(activity):
            log.info("teams duplicate activity", extra={"type": str(activity.get("type"))[:32]})
            return 200, {}
        try:
            job = self._job(activity, agent, on_new_message)
        except Exception as exc:  # a verified but odd activity: say so, never a 500
            log.error("teams activity not understood", extra={"error": type(exc).__name__})
            return 400, {"error": "not an activity"}
        if job is not None:
            self.schedule(*job)
        return 200, {}

    def _seen_before(self, activity: dict[str, Any]) -> bool:
        """The Bot Framework may deliver an activity again if our answer was lost."""
        conversation = activity.get("conversation")
        activity_id = activity.get("id")
        if not isinstance(conversation, dict) or not isinstance(activity_id, str):
            return False
        key = (str(conversation.get("id")), activity_id)
        if key in self._recent:
            return True
        self._recent[key] = None
        if len(self._recent) > RECENT_ACTIVITIES:
            self._recent.popitem(last=False)
        return False

    @staticmethod
    def _refused(reason: str) -> tuple[int, dict[str, Any]]:
        log.warning("teams request refused", extra={"reason": reason})
        return 401, {"error": "unauthorized"}

    # --- what to do with a verified activity ----------------------------------------------

    def _job(
        self, activity: dict[str, Any], agent: Any, on_new_message: OnNewMessage
    ) -> Job | None:
        """The activity's conversation (its lane), the work, and the answer if it fails."""
        kind = activity.get("type")
        if kind == "message":
            addr = address_of(activity)
            if addr is None:
                log.info("teams activity without an address", extra={"type": kind})
                return None
            return (
                addr.sender_id,
                lambda: self._on_message(addr, activity, agent, on_new_message),
                lambda exc: self._failed(addr, "teams turn failed", exc),
            )
        if kind == "conversationUpdate":
            _log_installation(activity)
            greeted = greeting_address(activity)
            if greeted is None:
                return None
            return (
                greeted.sender_id,
                lambda: self._turn(greeted, "/greet", agent, on_new_message),
                lambda exc: self._failed(greeted, "teams greeting failed", exc),
            )
        return None  # typing, reactions, invokes we do not use: nothing to do

    async def _failed(self, addr: Address, event: str, exc: Exception) -> None:
        log.error(event, extra={"error": type(exc).__name__})
        await self.post(addr, [message(text=self.safety_text)])


def _log_installation(activity: dict[str, Any]) -> None:
    """Where the bot was added, with the service URL to use for that tenant (what
    GOLDEN_HOUR_TEAMS_DSL_SERVICE_URL needs); no ids or names."""
    bot = activity.get("recipient")
    added = activity.get("membersAdded")
    if not isinstance(bot, dict) or not isinstance(added, list):
        return
    if any(isinstance(m, dict) and m.get("id") == bot.get("id") for m in added):
        conversation = activity.get("conversation")
        kind = conversation.get("conversationType") if isinstance(conversation, dict) else None
        log.info(
            "teams bot added",
            extra={"conversation_type": str(kind)[:32], "service_url": activity["serviceUrl"]},
        )
