"""Microsoft Teams, through the Bot Framework.

Configured in credentials.yml as ``bot.channels.teams.TeamsInput``; it serves
``POST /webhooks/teams/webhook`` (the bot's messaging endpoint) and reads its
settings from ``GOLDEN_HOUR_TEAMS_*`` environment variables (``TeamsSettings``).

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
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logs
from bot.channels.common import inbound, root_route, safety_net
from bot.channels.common.collect import KindCollector
from bot.channels.common.lanes import Lanes
from bot.channels.common.state import DEFAULT_LANGUAGE, conversation_state
from bot.channels.teams.activity import (
    Address,
    address_of,
    greeting_address,
    sender_id,
    typed_text,
)
from bot.channels.teams.auth import (
    BOT_FRAMEWORK_ISSUER,
    BOT_FRAMEWORK_OPENID_URL,
    MIN_REFRESH_S,
    AuthError,
    KeyCache,
    Verifier,
    secure_url,
)
from bot.channels.teams.cards import SEND_DRAFT, message, read_submit, render
from bot.channels.teams.client import (
    DEFAULT_TOKEN_URL,
    Connector,
    Http,
    activities_url,
    token_url_for,
)
from bot.channels.teams.handoff import send_draft
from bot.channels.teams.training import Command, Modes, command_of
from bot.config import settings
from bot.i18n import _, use
from bot.logs import pseudonym
from bot.training.ids import is_training

log = logging.getLogger("golden_hour.channels.teams")

MAX_BODY_BYTES = 256 * 1024
RECENT_ACTIVITIES = 4096  # activity ids remembered to drop redeliveries
SHUTDOWN_WAIT_S = 10.0
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
__all__ = ["TeamsInput", "TeamsSettings", "sender_id"]


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    tenant: str = "botframework.com"
    token_url: str = DEFAULT_TOKEN_URL
    openid_url: str = BOT_FRAMEWORK_OPENID_URL
    issuer: str = BOT_FRAMEWORK_ISSUER
    dsl_conversation_id: str = ""
    dsl_service_url: str = ""
    dsl_name: str = ""

    @classmethod
    def from_env(cls) -> TeamsSettings:
        return cls(
            app_id=_env("GOLDEN_HOUR_TEAMS_APP_ID"),
            app_password=_env("GOLDEN_HOUR_TEAMS_APP_PASSWORD"),
            tenant=_env("GOLDEN_HOUR_TEAMS_TENANT", "botframework.com"),
            token_url=_env("GOLDEN_HOUR_TEAMS_TOKEN_URL", DEFAULT_TOKEN_URL),
            openid_url=_env("GOLDEN_HOUR_TEAMS_OPENID_URL", BOT_FRAMEWORK_OPENID_URL),
            issuer=_env("GOLDEN_HOUR_TEAMS_ISSUER", BOT_FRAMEWORK_ISSUER),
            dsl_conversation_id=_env("GOLDEN_HOUR_TEAMS_DSL_CONVERSATION_ID"),
            dsl_service_url=_env("GOLDEN_HOUR_TEAMS_DSL_SERVICE_URL"),
            dsl_name=_env("GOLDEN_HOUR_TEAMS_DSL_NAME"),
        )

    @property
    def handoff_ready(self) -> bool:
        return bool(self.dsl_conversation_id and self.dsl_name and secure_url(self.dsl_service_url))


class TeamsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(turn_timeout_s=float(credentials.get("turn_timeout_s", 20)))

    def __init__(
        self,
        turn_timeout_s: float = 20,
        teams: TeamsSettings | None = None,
        *,
        keys_min_refresh_s: float = MIN_REFRESH_S,
        retry_delay_s: float = 1.0,
        modes: Modes | None = None,
    ) -> None:
        logs.configure(settings().log_level)
        self.cfg = teams or TeamsSettings.from_env()
        self.turn_timeout_s = float(os.environ.get("GOLDEN_HOUR_TURN_TIMEOUT", turn_timeout_s))
        # Built now, at server start: broken guidance stops the server here.
        self.safety_text = safety_net.install()
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
        self.lanes = Lanes(log, "teams activity failed")
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
            lane, work = job
            self.lanes.spawn(lane, work)
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
    ) -> tuple[str, Callable[[], Awaitable[None]]] | None:
        kind = activity.get("type")
        if kind == "message":
            addr = address_of(activity)
            if addr is None:
                log.info("teams activity without an address", extra={"type": kind})
                return None
            return addr.sender_id, lambda: self._on_message(addr, activity, agent, on_new_message)
        if kind == "conversationUpdate":
            _log_installation(activity)
            addr = greeting_address(activity)
            if addr is None:
                return None
            return addr.sender_id, lambda: self._greet(addr, agent, on_new_message)
        return None  # typing, reactions, invokes we do not use: nothing to do

    async def wait_idle(self) -> None:
        """Until every background activity has finished (for tests and shutdown)."""
        await self.lanes.wait_idle()

    async def _language(self, agent: Any, sender: str) -> str:
        try:
            return (await conversation_state(agent, sender)).language
        except Exception as exc:
            log.warning("teams language unknown", extra={"error": type(exc).__name__})
            return DEFAULT_LANGUAGE

    async def _on_message(
        self, addr: Address, activity: dict[str, Any], agent: Any, on_new_message: OnNewMessage
    ) -> None:
        try:
            await self._handle_message(addr, activity, agent, on_new_message)
        except Exception as exc:
            log.error("teams turn failed", extra={"error": type(exc).__name__})
            await self.post(addr, [message(text=self.safety_text)])

    async def _handle_message(
        self, addr: Address, activity: dict[str, Any], agent: Any, on_new_message: OnNewMessage
    ) -> None:
        if not addr.personal:
            language = await self._language(agent, addr.sender_id)
            with use(language):
                text = _(
                    "To keep details about a child private, I only talk in a one-to-one "
                    "chat. Open a chat with me and say hello there."
                )
            await self.post(addr, [message(text=text), message(text=self.safety_text)])
            return
        action, payload = read_submit(activity.get("value"))
        # A practice has its own conversation; the real one waits untouched.
        sender = await self.modes.current(addr.sender_id) or addr.sender_id
        language = await self._language(agent, sender)
        if action == SEND_DRAFT:
            await send_draft(self, addr, agent, language)
            return
        text = payload if payload is not None else typed_text(activity)
        command = command_of(text) if payload is None else None
        if command is not None:
            await self._training_command(addr, command, agent, on_new_message, language)
            return
        cfg = settings()
        rejected = inbound.check_message(
            addr.sender_id, text, max_chars=cfg.max_message_chars, max_sender=cfg.max_sender_chars
        )
        if rejected is not None:
            log.info("message refused", extra={"channel": "teams", "reason": rejected.reason})
            with use(language):
                refusal = inbound.rejection_text(rejected.reason, cfg.max_message_chars)
            await self.post(addr, [message(text=refusal), message(text=self.safety_text)])
            return
        intents = agent.domain.intents if agent and agent.domain else ()
        cleaned = inbound.neutralise_payload(inbound.clean_text(text), intents)
        await self._turn(addr, cleaned, agent, on_new_message, sender=sender)

    async def _training_command(
        self,
        addr: Address,
        command: Command,
        agent: Any,
        on_new_message: OnNewMessage,
        language: str,
    ) -> None:
        if command.enter:
            now = dt.datetime.now(dt.timezone.utc)
            training = await self.modes.enter(addr.sender_id, command.group, now)
            if training is not None:
                log.info(
                    "teams training started", extra={"conversation": pseudonym(addr.sender_id)}
                )
                await self._turn(addr, "/greet", agent, on_new_message, sender=training)
                return
        was_training = None if command.enter else await self.modes.leave(addr.sender_id)
        with use(language):
            if command.enter:
                text = _("Training could not be started just now. Please try again later.")
            elif was_training is None:
                text = _(
                    "Training mode could not be ended just now, so you are still in "
                    "training. Please try 'end training' again later."
                )
            elif was_training:
                text = _(
                    "You have left training mode. What you type now goes to a real "
                    "conversation again."
                )
            else:
                text = _(
                    "Training mode is not on. Type 'training' to practise on a fictional scenario."
                )
        await self.post(addr, [message(text=text)])

    async def _greet(self, addr: Address, agent: Any, on_new_message: OnNewMessage) -> None:
        try:
            await self._turn(addr, "/greet", agent, on_new_message)
        except Exception as exc:
            log.error("teams greeting failed", extra={"error": type(exc).__name__})
            await self.post(addr, [message(text=self.safety_text)])

    async def _turn(
        self,
        addr: Address,
        text: str,
        agent: Any,
        on_new_message: OnNewMessage,
        *,
        sender: str | None = None,
    ) -> None:
        sender = sender or addr.sender_id
        result = await safety_net.run_turn(
            on_new_message,
            text,
            sender,
            self.name(),
            safety_text=self.safety_text,
            timeout_s=self.turn_timeout_s,
            collector=KindCollector(),
        )
        # After the turn: a language switch applies to this turn's cards already.
        language = await self._language(agent, sender)
        # A practice draft is never offered for sending.
        send_to = self.cfg.dsl_name if self.cfg.handoff_ready and not is_training(sender) else None
        with use(language):
            activities = [a for m in result.messages for a in render(m, send_to=send_to)]
        await self.post(addr, activities)

    async def post(self, addr: Address, activities: list[dict[str, Any]]) -> None:
        """Post replies in order; a failed one is logged and the rest still go."""
        url = activities_url(addr.service_url, addr.conversation_id, addr.activity_id)
        failed = 0
        for activity in activities:
            addressed = {
                **activity,
                "from": addr.bot,
                "recipient": addr.user,
                "conversation": {"id": addr.conversation_id},
            }
            if addr.activity_id:
                addressed["replyToId"] = addr.activity_id
            if not await self.connector.post(url, addressed):
                failed += 1
        if failed:
            log.warning(
                "teams replies not delivered",
                extra={"conversation": pseudonym(addr.sender_id), "failed": failed},
            )


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
