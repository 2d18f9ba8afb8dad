"""Which question a numbered SMS reply answers. Pure functions.

A text of "3" carries no reference to the list it answers, so it is read against
the list the user last saw, never against one they were not sent. The channel
remembers a digest of the choices of the last question it sent to each
conversation (bot/store/opt_outs.py, ``sms_shown``); the open question is read
from Rasa's tracker. When they differ (a turn finished after the safety message
had already gone, a reply was lost, or a late text crossed a new question), the
number is not recorded: the user is shown the open question instead.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.events import BotUttered, UserUttered

from bot.rasa_adapter.tracker_store import KEPT_TEXT_KINDS
from bot.replies import KIND_KEY


@dataclass(frozen=True)
class Prompt:
    """What the conversation last asked: its choices (empty for a typed answer)
    and the message that asked it (None before the first reply)."""

    choices: tuple[dict[str, str], ...] = ()
    message: dict[str, Any] | None = None

    @property
    def digest(self) -> str:
        return choices_digest(self.choices, self.wording)

    @property
    def wording(self) -> str:
        """The question's words, when Rasa's tracker keeps them (its own reviewed
        questions): every yes / no question has the same buttons, so the buttons
        alone cannot tell one from the next."""
        if not self.message or self.message.get("kind") not in KEPT_TEXT_KINDS:
            return ""
        return str(self.message.get("text") or "")


def choices_digest(choices: Sequence[dict[str, Any]], wording: str = "") -> str:
    """Stands for a question: its payloads in order (the titles change with the
    language, the meaning of "2" does not) and its words where they are kept."""
    payloads = [str(c.get("payload", "")) for c in choices]
    return hashlib.sha256(json.dumps([payloads, wording]).encode()).hexdigest()


def _buttons(raw: Any) -> tuple[dict[str, str], ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in raw
        if isinstance(b, dict)
    )


def asking(messages: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The message of a bot turn that asks the question: the last one with choices
    (the one an SMS numbers, sms_render.render_turn), else the last one."""
    with_choices = [m for m in messages if m.get("buttons")]
    if with_choices:
        return with_choices[-1]
    return messages[-1] if messages else None


def sent_prompt(messages: Sequence[dict[str, Any]]) -> Prompt:
    """The question a turn's replies (as the channel collected them) put on screen."""
    message = asking(messages)
    if message is None:
        return Prompt()
    choices = _buttons(message.get("buttons"))
    kind = str(message.get("kind") or "text")
    return Prompt(
        choices, {"text": message.get("text") or "", "buttons": list(choices), "kind": kind}
    )


def current_prompt(tracker: Any) -> Prompt:
    """The question now open, from Rasa's tracker: the latest bot turn's asking
    message. A user turn that got no bot reply at all (the action server was
    down) changed nothing, so the bot turn before it still counts."""
    if tracker is None:
        return Prompt()
    turn: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered) and turn:
            break
        if isinstance(event, BotUttered):
            kind = str((event.metadata or {}).get(KIND_KEY) or "text")
            said = {"text": event.text or "", "buttons": event.data.get("buttons"), "kind": kind}
            turn.insert(0, said)
    return sent_prompt(turn)


def is_stale(number: int | None, shown: str | None, now_open: Prompt) -> bool:
    """True when a numbered reply would answer a question the user was never sent:
    the list they last saw (``shown``) is not the open question's. Unknown
    (nothing recorded yet) is not stale."""
    return (
        number is not None
        and shown is not None
        and now_open.message is not None
        and shown != now_open.digest
    )
