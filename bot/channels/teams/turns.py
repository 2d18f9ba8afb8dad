"""A verified Teams activity, handled in the background (bot/channels/teams/channel.py
queues it): a message runs through the shared pipeline (check, neutralise, the turn
under the safety net) and comes back as cards, posted in order to the ``serviceUrl``
the token vouched for. Only personal (one-to-one) chats run the triage; "training"
and "end training" switch to and from a practice conversation; a press of the
summary card's send button is the hand-off (bot/channels/teams/handoff.py)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from bot.channels.common.inbound import Rejected
from bot.channels.common.pipeline import BackgroundPipeline, InboundMessage, OnNewMessage
from bot.channels.common.safety_net import TurnResult
from bot.channels.common.state import DEFAULT_LANGUAGE, conversation_state
from bot.channels.teams.activity import Address, typed_text
from bot.channels.teams.card_parts import SEND_DRAFT, message
from bot.channels.teams.cards import read_submit, render
from bot.channels.teams.client import Connector, activities_url
from bot.channels.teams.handoff import send_draft
from bot.channels.teams.settings import TeamsSettings
from bot.channels.teams.training import Command, Modes, command_of
from bot.i18n import _, use
from bot.logs import pseudonym
from bot.training.ids import is_training

log = logging.getLogger("golden_hour.channels.teams")


@dataclass(frozen=True, kw_only=True)
class TeamsMessage(InboundMessage):
    """A message from a personal chat: ``sender`` is the user's conversation id,
    ``conversation`` the practice's while training is on."""

    addr: Address
    language: str = DEFAULT_LANGUAGE


class TeamsTurns(BackgroundPipeline[TeamsMessage]):
    """Mixed into the Teams channel, which sets these attributes."""

    cfg: TeamsSettings
    connector: Connector
    modes: Modes

    async def _language(self, agent: Any, sender: str) -> str:
        try:
            return (await conversation_state(agent, sender)).language
        except Exception as exc:
            log.warning("teams language unknown", extra={"error": type(exc).__name__})
            return DEFAULT_LANGUAGE

    async def _on_message(
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
        incoming = TeamsMessage(
            sender=addr.sender_id, text=text, conversation=sender, addr=addr, language=language
        )
        await self.handle(incoming, on_new_message, agent)

    async def refuse(self, incoming: TeamsMessage, rejected: Rejected) -> None:
        with use(incoming.language):
            refusal = self.refusal_text(rejected)
        await self.post(incoming.addr, [message(text=refusal), message(text=self.safety_text)])

    async def deliver(self, incoming: TeamsMessage, result: TurnResult, agent: Any) -> None:
        sender = incoming.conversation_id
        # After the turn: a language switch applies to this turn's cards already.
        language = await self._language(agent, sender)
        # A practice draft is never offered for sending.
        send_to = self.cfg.dsl_name if self.cfg.handoff_ready and not is_training(sender) else None
        with use(language):
            activities = [a for m in result.messages for a in render(m, send_to=send_to)]
        await self.post(incoming.addr, activities)

    async def _turn(
        self,
        addr: Address,
        text: str,
        agent: Any,
        on_new_message: OnNewMessage,
        *,
        sender: str | None = None,
    ) -> None:
        """A turn the channel starts itself (the greeting, a practice's opening)."""
        own = TeamsMessage(sender=addr.sender_id, text=text, conversation=sender, addr=addr)
        await self.answer(own, text, on_new_message, agent)

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
