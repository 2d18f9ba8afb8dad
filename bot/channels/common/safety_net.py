"""The safety net every channel uses: whatever fails during a turn (the action
server is down, an action raises, the turn hangs, the tracker store is down), the
user still gets a short message with the emergency contacts.

How a failed action is seen: Rasa's processor catches an action's exception, logs
it on ``rasa.core.processor`` and carries on without the action's events, so the
user would otherwise get silence. A log filter on that logger notes each such
error in a per-turn bucket held in a ContextVar (one asyncio task per turn, so
concurrent turns never see each other's buckets).

How a failed tracker store is seen: Rasa's FailSafeTrackerStore swallows the
error and goes on with an empty conversation, so the tracker store itself notes
the failure in the same bucket (``note_failure``; bot/rasa_adapter/tracker_store.py).
Such a turn is answered with the safety message alone: what it said was either a
fresh greeting (the conversation could not be read) or a step the conversation
will not remember (it could not be written).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.advice import safety_message
from bot.logs import pseudonym
from bot.ops import metrics
from bot.rasa_adapter import action_answers
from bot.runtime import knowledge

log = logging.getLogger("golden_hour.channels")

_turn_errors: ContextVar[list[str] | None] = ContextVar("golden_hour_turn_errors", default=None)
_WATCHED_LOGGERS = ("rasa.core.processor",)
# What a failure noted by the tracker store is called in the bucket.
TRACKER_STORE = "tracker_store"


def note_failure(source: str) -> None:
    """Note a failure of ``source`` for the turn running now (nothing outside a turn)."""
    bucket = _turn_errors.get()
    if bucket is not None:
        bucket.append(source)


class _TurnErrorFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            bucket = _turn_errors.get()
            if bucket is not None:
                bucket.append(record.name)
        return True


_filter = _TurnErrorFilter()


def install() -> str:
    """Attach the failure watch (idempotent) and return the safety text. Called when
    a channel is built at server start, so broken guidance stops the server."""
    for name in _WATCHED_LOGGERS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
    action_answers.install()  # Rasa's check of action answers, built once
    return safety_message(knowledge())


def _note_failure(task: asyncio.Future) -> None:
    # Runs whether the turn failed before or after the user was answered; reading
    # the exception also stops asyncio warning that it was never retrieved.
    if not task.cancelled() and task.exception() is not None:
        log.error("turn failed", extra={"error": type(task.exception()).__name__})


@dataclass
class TurnResult:
    messages: list[dict]
    # "ok", "action_failed", "tracker_failed", "timeout" or "error"
    outcome: str


def safety_payload(recipient: str, text: str) -> dict:
    return {"recipient_id": recipient, "text": text, "custom": {"kind": "safety"}}


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[None]],
    message_text: str,
    sender_id: str,
    channel: str,
    *,
    safety_text: str,
    timeout_s: float,
    metadata: dict | None = None,
    collector: CollectingOutputChannel | None = None,
) -> TurnResult:
    """Run one user turn through Rasa and guarantee an answer."""
    collector = collector or CollectingOutputChannel()
    started = time.monotonic()

    async def _turn() -> list[str]:
        bucket: list[str] = []
        _turn_errors.set(bucket)
        await on_new_message(
            UserMessage(
                message_text, collector, sender_id, input_channel=channel, metadata=metadata
            )
        )
        return bucket

    # shield: a slow turn carries on (and is saved) after the user has been answered.
    task = asyncio.ensure_future(_turn())
    task.add_done_callback(_note_failure)
    try:
        errors = await asyncio.wait_for(asyncio.shield(task), timeout=timeout_s)
        outcome = _outcome(errors)
    except asyncio.TimeoutError:
        outcome = "timeout"
    except Exception:
        outcome = "error"  # logged once, by _note_failure

    # A turn the tracker store failed is not kept: its replies would mislead.
    messages = [] if outcome == "tracker_failed" else list(collector.messages)
    if outcome != "ok":
        messages.append(safety_payload(sender_id, safety_text))
    seconds = time.monotonic() - started
    metrics.TURNS.labels(channel=channel, outcome=outcome).inc()
    metrics.TURN_SECONDS.labels(channel=channel).observe(seconds)
    if outcome != "ok":
        metrics.SAFETY_NET.labels(cause=outcome).inc()
    log.info(
        "turn",
        extra={
            "channel": channel,
            "conversation": pseudonym(sender_id),
            "chars": len(message_text),
            "replies": len(messages),
            "outcome": outcome,
            "ms": round(seconds * 1000),
        },
    )
    return TurnResult(messages, outcome)


def _outcome(errors: list[str]) -> str:
    if TRACKER_STORE in errors:
        return "tracker_failed"
    return "action_failed" if errors else "ok"
