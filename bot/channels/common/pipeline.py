"""The turn pipeline every channel shares, written once: check what came in,
refuse it (with the emergency contacts) if it cannot be handled, clean it, let
the channel prepare it, neutralise typed payloads, run the turn under the safety
net, and hand the result to the channel to render and deliver.

A channel mixes ``TurnPipeline`` into its Rasa input channel and supplies only
what differs: how it reads a request into an ``InboundMessage`` (authentication
and parsing stay in the channel), how it renders a refusal (``refuse``) and a
turn (``deliver``), and, if it needs one, a ``prepare`` step between cleaning and
neutralising (SMS maps a number reply to the open question's choice there).
``BackgroundPipeline`` is the variant for channels that answer their webhook at
once and reply later (Teams, SMS): one conversation's work runs in order in its
lane, and a failure is answered by the channel's ``on_failure``.

Logs keep the channel's own logger (``golden_hour.channels.<name>``) and never
the message text.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import logs
from bot.channels.common import inbound, safety_net
from bot.channels.common.collect import KindCollector
from bot.channels.common.inbound import Rejected
from bot.channels.common.lanes import Lanes
from bot.channels.common.safety_net import TurnResult
from bot.config import settings
from bot.environment import VARIABLES

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
Work = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class InboundMessage:
    """One user message as a channel received it, before any check. ``sender``
    and ``text`` are as the request gave them (the checks decide whether they
    can be used); ``conversation`` is the conversation the turn runs in when it
    is not the sender's own (a Teams practice); ``metadata`` goes to Rasa."""

    sender: object
    text: object
    conversation: str | None = None
    metadata: Mapping[str, Any] | None = None

    @property
    def conversation_id(self) -> str:
        """The conversation the turn runs in (only once the checks have passed)."""
        return self.conversation or str(self.sender)


# The turn's time limit when neither credentials.yml nor the environment sets one.
TURN_TIMEOUT_S: float = VARIABLES["GOLDEN_HOUR_TURN_TIMEOUT"].value


def turn_timeout(credentials: Mapping[str, Any] | None) -> float:
    """The turn's time limit in seconds, from the channel's credentials."""
    return float((credentials or {}).get("turn_timeout_s", TURN_TIMEOUT_S))


M = TypeVar("M", bound=InboundMessage)
R = TypeVar("R")


def known_intents(agent: Any) -> Any:
    """The intents a ``/intent`` payload may name: the agent's domain's, if loaded."""
    return agent.domain.intents if agent is not None and agent.domain else ()


class TurnPipeline(Generic[M, R]):
    """Mixed into a Rasa input channel, which provides ``name``. ``R`` is what
    the channel answers with (an HTTP response; None for a socket or a channel
    that replies in the background)."""

    safety_text: str
    turn_timeout_s: float

    @classmethod
    def name(cls) -> str:
        raise NotImplementedError

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> Any:
        """The channel built from its entry in credentials.yml (the turn's time limit)."""
        return cls(turn_timeout_s=turn_timeout(credentials))  # type: ignore[call-arg]

    def start_pipeline(self, turn_timeout_s: float) -> None:
        """At server start: logging, the turn's time limit (GOLDEN_HOUR_TURN_TIMEOUT
        wins over the credentials), and the safety text, so broken guidance stops
        the server here."""
        logs.configure(settings().log_level)
        self.turn_timeout_s = float(os.environ.get("GOLDEN_HOUR_TURN_TIMEOUT", turn_timeout_s))
        self.safety_text = safety_net.install()

    @property
    def log(self) -> logging.Logger:
        return logging.getLogger(f"golden_hour.channels.{self.name()}")

    # --- what a channel may change ---------------------------------------------------

    def check_inbound(self, message: M) -> Rejected | None:
        """Why ``message`` cannot be handled, or None (the shared checks)."""
        cfg = settings()
        return inbound.check_message(
            message.sender,
            message.text,
            max_chars=cfg.max_message_chars,
            max_sender=cfg.max_sender_chars,
        )

    def refusal_text(self, rejected: Rejected) -> str:
        """The shared words for a refusal, in the current language."""
        return inbound.rejection_text(rejected.reason, settings().max_message_chars)

    async def refuse(self, message: M, rejected: Rejected) -> R:
        """Tell the user their message was refused, with the emergency contacts."""
        raise NotImplementedError

    async def prepare(self, message: M, text: str, agent: Any) -> str | R:
        """The cleaned text, changed as the channel needs before it is neutralised;
        or the channel's answer when it has answered itself and no turn runs."""
        return text

    def collector(self) -> CollectingOutputChannel:
        return KindCollector()

    def turn_safety_text(self, message: M) -> str:
        """The safety message for a turn that fails."""
        return self.safety_text

    async def deliver(self, message: M, result: TurnResult, agent: Any) -> R:
        """Render the turn's messages for the channel and send them."""
        raise NotImplementedError

    # --- the pipeline ----------------------------------------------------------------

    async def handle(self, message: M, on_new_message: OnNewMessage, agent: Any) -> R:
        """Check, refuse or clean, prepare, neutralise, run the turn, deliver."""
        rejected = self.check_inbound(message)
        if rejected is not None:
            self.log.info(
                "message refused", extra={"channel": self.name(), "reason": rejected.reason}
            )
            return await self.refuse(message, rejected)
        assert isinstance(message.text, str)  # the checks passed
        prepared = await self.prepare(message, inbound.clean_text(message.text), agent)
        if not isinstance(prepared, str):
            return prepared
        text = inbound.neutralise_payload(prepared, known_intents(agent))
        return await self.answer(message, text, on_new_message, agent)

    async def answer(self, message: M, text: str, on_new_message: OnNewMessage, agent: Any) -> R:
        """Run ``text`` (already checked, or the channel's own payload) and deliver."""
        result = await self.run(on_new_message, message, text)
        return await self.deliver(message, result, agent)

    async def run(self, on_new_message: OnNewMessage, message: M, text: str) -> TurnResult:
        """One turn under the safety net: whatever fails, the result has the safety
        message."""
        metadata = dict(message.metadata) if message.metadata is not None else None
        return await safety_net.run_turn(
            on_new_message,
            text,
            message.conversation_id,
            self.name(),
            safety_text=self.turn_safety_text(message),
            timeout_s=self.turn_timeout_s,
            metadata=metadata,
            collector=self.collector(),
        )


class BackgroundPipeline(TurnPipeline[M, None]):
    """For channels that answer the webhook at once and reply in the background:
    ``schedule`` queues the work (the turn and its delivery) in the conversation's
    lane, so one conversation's turns run one after another, in order."""

    lanes: Lanes

    def start_lanes(self, failed_event: str) -> None:
        self.lanes = Lanes(self.log, failed_event)

    def schedule(
        self, lane: str, work: Work, on_failure: Callable[[Exception], Awaitable[None]]
    ) -> None:
        """Run ``work`` after what is queued for ``lane``; if it raises,
        ``on_failure`` answers (the safety message), and the lane goes on."""

        async def guarded() -> None:
            try:
                await work()
            except Exception as exc:
                await on_failure(exc)

        self.lanes.spawn(lane, guarded)

    async def wait_idle(self) -> None:
        """Until every background turn has finished (for tests and shutdown)."""
        await self.lanes.wait_idle()

    async def drain(self, timeout_s: float) -> None:
        """Wait at most ``timeout_s`` for the queued turns (at shutdown)."""
        await self.lanes.drain(timeout_s)
