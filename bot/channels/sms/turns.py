"""One incoming text, in the background (bot/channels/sms/channel.py queues it):
the carrier keywords (STOP, START, HELP and their variants), then the shared
pipeline (check, clean, a number read against the list the user was last sent,
neutralise, the turn under the safety net), and the replies rendered for SMS
and sent in order."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.advice import safety_message
from bot.channels.common.collect import kind_of
from bot.channels.common.inbound import Rejected
from bot.channels.common.pipeline import BackgroundPipeline, InboundMessage, OnNewMessage
from bot.channels.common.safety_net import TurnResult
from bot.channels.common.state import ConversationState, state_from_tracker
from bot.channels.sms.outbound import Sender, send_parts
from bot.channels.sms.prompt import Prompt, current_prompt, is_stale, sent_prompt
from bot.channels.sms.records import OptOuts, Seen
from bot.channels.sms.render import choice_payload, number_reply, render_turn, split
from bot.channels.sms.sender import PREFIX
from bot.channels.sms.settings import SmsSettings
from bot.channels.sms.texts import (
    help_text,
    long_draft_note,
    question_moved_on_text,
    rejection_text,
    restarted_text,
    stopped_text,
)
from bot.channels.sms.webhook import Inbound, keyword
from bot.config import settings
from bot.i18n import use
from bot.logs import pseudonym
from bot.runtime import knowledge

log = logging.getLogger("golden_hour.channels.sms")


@dataclass(frozen=True, kw_only=True)
class SmsMessage(InboundMessage):
    """A checked Twilio post (``post``) as the pipeline's message, with the
    conversation as Rasa's tracker had it when the text came (``tracker``, or
    None when new or unreadable, and the state read from it)."""

    post: Inbound
    tracker: Any
    before: ConversationState


class SmsTurns(BackgroundPipeline[SmsMessage]):
    """Mixed into the SMS channel, which sets these attributes."""

    config: SmsSettings
    sender: Sender | None
    opt_outs: OptOuts
    seen: Seen

    async def serve(
        self,
        message: Inbound,
        sender: str,
        on_new_message: OnNewMessage,
        agent: Any,
        *,
        replay: Sequence[str] = (),
    ) -> None:
        """Answer one incoming text, once: a post whose ``replay`` keys were seen
        before (on any server) is neither processed nor answered again. A failure
        is answered by ``failed`` (the channel schedules both)."""
        if not await self.seen.first_time(replay):
            log.info("sms replay not processed", extra={"conversation": pseudonym(sender)})
            return
        await self._serve(message, sender, on_new_message, agent)

    async def failed(self, message: Inbound, sender: str, exc: Exception) -> None:
        """The safety message, unless the number has opted out."""
        log.error(
            "sms turn failed",
            extra={"conversation": pseudonym(sender), "error": type(exc).__name__},
        )
        if not await self.opt_outs.is_opted_out(sender.removeprefix(PREFIX)):
            await self._send(message, sender, [self.safety_text])

    async def _serve(
        self, message: Inbound, sender: str, on_new_message: OnNewMessage, agent: Any
    ) -> None:
        digest = sender.removeprefix(PREFIX)
        said = keyword(message.body, message.opt_out_type)
        if await self.opt_outs.is_opted_out(digest):
            if said != "start":
                log.info("sms not answered: opted out", extra={"conversation": pseudonym(sender)})
                return
            await self.opt_outs.opt_in(digest)
            log.info("sms opt-in", extra={"conversation": pseudonym(sender)})
            result = await self._turn(on_new_message, "/greet", message, sender, agent)
            state = await self._state(agent, sender)
            with use(state.language):
                await self._send_turn(message, sender, result, state, first=restarted_text())
            return
        if said == "stop":
            await self.opt_outs.opt_out(digest)
            log.info("sms opt-out", extra={"conversation": pseudonym(sender)})
            result = await self._turn(on_new_message, "/stop", message, sender, agent)
            if message.opt_out_type == "STOP":
                return  # Twilio's Advanced Opt-Out has confirmed it already
            state = await self._state(agent, sender)
            with use(state.language):
                await self._send_turn(message, sender, result, state, last=stopped_text())
            return
        if said == "help":
            result = await self._turn(on_new_message, "/help", message, sender, agent)
            state = await self._state(agent, sender)
            with use(state.language):
                first = help_text(knowledge())
                await self._send_turn(message, sender, result, state, first=first)
            return
        tracker = await self._tracker(agent, sender)
        incoming = SmsMessage(
            sender=sender,
            text=message.body,
            post=message,
            tracker=tracker,
            before=state_from_tracker(tracker),
        )
        await self.handle(incoming, on_new_message, agent)

    # --- the shared pipeline's steps, as SMS takes them ------------------------------

    async def refuse(self, incoming: SmsMessage, rejected: Rejected) -> None:
        language = incoming.before.language
        with use(language):
            text = rejection_text(
                rejected.reason, settings().max_message_chars, incoming.post.num_media > 0
            )
            safety = self._safety(language)
        sender = incoming.conversation_id
        parts = split(f"{text}\n\n{safety}", self.config.max_segments)
        await self._send(incoming.post, sender, parts)

    async def prepare(self, incoming: SmsMessage, text: str, agent: Any) -> str | None:
        """A number is read against the list the user was last sent: if the open
        question has changed since, nothing is recorded and it is sent again (None);
        otherwise "1" becomes the open question's first choice."""
        now_open = current_prompt(incoming.tracker)
        number = number_reply(text)
        if number is not None:
            sender = incoming.conversation_id
            shown = await self.seen.shown(sender.removeprefix(PREFIX))
            if is_stale(number, shown, now_open):
                await self._show_again(incoming.post, sender, now_open, incoming.before)
                return None
        return choice_payload(text, now_open.choices) or text

    def turn_safety_text(self, incoming: SmsMessage) -> str:
        return self._safety(incoming.before.language)

    async def deliver(self, incoming: SmsMessage, result: TurnResult, agent: Any) -> None:
        sender = incoming.conversation_id
        after = await self._state(agent, sender)
        with use(after.language):
            await self._send_turn(incoming.post, sender, result, after)

    # --- replies ---------------------------------------------------------------------

    async def _show_again(
        self, message: Inbound, sender: str, now_open: Prompt, state: ConversationState
    ) -> None:
        """A number for a list the user was not sent: record nothing, say so, and
        send the question that is open now (as Rasa's tracker has it)."""
        log.info("sms number for an older question", extra={"conversation": pseudonym(sender)})
        with use(state.language):
            # A question's words are kept in Rasa's tracker; a draft's or a check's are
            # not, and "[not kept]" must never be sent: then the choices alone.
            shown = dict(now_open.message or {}, text=now_open.wording)
            question = render_turn([shown]) if now_open.message else ""
            body = "\n\n".join(t for t in (question_moved_on_text(), question) if t)
            sent = await self._send(message, sender, split(body, self.config.max_segments))
        if sent:
            await self.seen.show(sender.removeprefix(PREFIX), now_open)

    async def _turn(
        self, on_new_message: OnNewMessage, text: str, post: Inbound, sender: str, agent: Any
    ) -> TurnResult:
        """A keyword's own turn (``/greet``, ``/stop``, ``/help``)."""
        before = await self._state(agent, sender)
        own = SmsMessage(sender=sender, text=text, post=post, tracker=None, before=before)
        return await self.run(on_new_message, own, text)

    async def _send_turn(
        self,
        message: Inbound,
        sender: str,
        result: TurnResult,
        state: ConversationState,
        first: str = "",
        last: str = "",
    ) -> None:
        """Send a turn's texts and, if Rasa answered and they went, remember the
        question they put on screen (the safety message changes nothing there)."""
        sent = await self._send(message, sender, self._compose(result, state, first, last))
        if sent and result.outcome == "ok" and result.messages:
            await self.seen.show(sender.removeprefix(PREFIX), sent_prompt(result.messages))

    def _compose(
        self, result: TurnResult, state: ConversationState, first: str = "", last: str = ""
    ) -> list[str]:
        """The texts to send for a turn, in the current language."""
        body = render_turn(result.messages) or self._safety(state.language)
        body = "\n\n".join(t for t in (first, body, last) if t)
        parts = split(body, self.config.max_segments)
        if len(parts) > 1 and any(kind_of(m) == "summary" for m in result.messages):
            parts = split(f"{body}\n\n{long_draft_note(state.case_ref)}", self.config.max_segments)
        return parts

    def _safety(self, language: str) -> str:
        try:
            with use(language):
                return safety_message(knowledge())
        except Exception:
            return self.safety_text

    async def _tracker(self, agent: Any, sender: str) -> Any:
        """Rasa's tracker for the conversation, or None (new, or the store is down:
        the turn's own safety net answers then)."""
        store = getattr(agent, "tracker_store", None) if agent else None
        if store is None:
            return None
        try:
            return await store.retrieve(sender)
        except Exception as exc:
            log.error("sms state not read", extra={"error": type(exc).__name__})
            return None

    async def _state(self, agent: Any, sender: str) -> ConversationState:
        return state_from_tracker(await self._tracker(agent, sender))

    async def _send(self, message: Inbound, sender: str, parts: Sequence[str]) -> int:
        if self.sender is None:
            return 0
        conversation = pseudonym(sender)
        return await send_parts(
            self.sender, message.number, message.to, parts, conversation=conversation
        )
