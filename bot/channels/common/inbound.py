"""Checks on what a user sends, shared by every channel. Pure functions.

Rasa parses any text starting with ``/`` as an intent with entities, on every
channel, so a typed ``/inform{"level": "low"}`` could try to set things. Two shapes
pass as payloads, because the buttons send them: a bare ``/intent`` naming a known
intent, and ``/intent{"choice": "<question>.<option>"}`` with one lower-case choice. Either
is only ever an answer to the question actually open (the actions check it), so
typing one is no different from pressing the button. Anything else starting with
``/`` loses its slashes and is read as words.

Rasa runs two of its default intents itself, whatever the rules say: ``/restart``
wipes the conversation (action_restart) and ``/session_start`` starts a new session.
No button sends them, so a user who types one is told so and nothing reaches Rasa.
(``back`` and ``out_of_scope`` are also Rasa defaults, but this domain gives them
to the assistant's own actions, so they are ordinary intents here.)

Every pattern is matched against the whole string (``fullmatch``): ``$`` would
also match before a final line break.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from rasa.shared.core.constants import USER_INTENT_RESTART, USER_INTENT_SESSION_START

from bot.i18n import _

_PAYLOAD = re.compile(
    r'/([a-z][a-z_]{0,40})(\{"choice": ?"[a-z][a-z_]{0,40}(\.[a-z][a-z_]{0,40})?"\})?'
)
_SENDER = re.compile(r"[A-Za-z0-9_.:@+\-]+")
# Intents Rasa acts on by itself (rasa.core.policies.rule_policy.DEFAULT_ACTION_MAPPINGS)
# that no button of ours sends; ``/restart``, ``//Restart{...}`` and the like.
RASA_COMMANDS = (USER_INTENT_RESTART, USER_INTENT_SESSION_START)
_RASA_COMMAND = re.compile(r"/+\s*(" + "|".join(RASA_COMMANDS) + r")\b(?!_)", re.IGNORECASE)
# Conversation ids the channels issue themselves (widget, training, Teams, SMS).
# A channel that lets the caller name the id (REST) must refuse these, or a caller
# could join another channel's conversation or pose as a practice session.
ISSUED_PREFIXES = ("web-", "train-", "teams-", "sms-")


@dataclass(frozen=True)
class Rejected:
    """Why an input was refused; ``status`` is the HTTP status to answer with."""

    reason: str
    status: int


def clean_text(text: str) -> str:
    """Drop control and format characters (keeping line breaks) and trim."""
    kept = [ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs"}]
    return "".join(kept).strip()


def neutralise_payload(text: str, known_intents: Collection[str]) -> str:
    """Keep ``/intent`` for a known intent; strip the leading slashes otherwise."""
    if is_rasa_command(text):
        return text.lstrip("/").strip()
    match = _PAYLOAD.fullmatch(text)
    if match and match.group(1) in known_intents:
        return text
    return text.lstrip("/").strip() if text.startswith("/") else text


def is_rasa_command(text: str) -> bool:
    """Whether ``text`` (as typed) asks Rasa itself to restart or start a session."""
    return _RASA_COMMAND.match(clean_text(text)) is not None


def check_message(
    sender: object, text: object, *, max_chars: int, max_sender: int
) -> Rejected | None:
    """None if the sender id and text can be handled; otherwise why not."""
    if not isinstance(sender, str) or not sender or len(sender) > max_sender:
        return Rejected("sender", 400)
    if not _SENDER.fullmatch(sender):
        return Rejected("sender", 400)
    if not isinstance(text, str):
        return Rejected("message", 400)
    if len(text) > max_chars:
        return Rejected("too_long", 413)
    if not clean_text(text):
        return Rejected("empty", 400)
    if is_rasa_command(text):
        return Rejected("rasa_command", 400)
    return None


def rejection_text(reason: str, max_chars: int) -> str:
    """What to tell the user when their message was refused (every channel)."""
    if reason == "too_long":
        return _(
            "That message is too long for me (more than {limit} characters). "
            "Please send it in shorter parts."
        ).format(limit=max_chars)
    if reason == "empty":
        return _("I did not receive any text. Please type your message.")
    if reason == "rasa_command":
        return _(
            "That is not a command I take, so nothing has changed and your answers are "
            "kept. To begin a new concern, type 'start again'."
        )
    if reason == "issued_sender":
        return _(
            "That conversation id is one that another channel gives out. Please use an id "
            "of your own."
        )
    return _("I could not read that message. Please try again.")
