"""Training mode in Microsoft Teams: the typed commands that start and end a
practice, and where the mode is kept.

"training" (or "hyfforddiant"), optionally followed by a trainer's group code,
starts a practice: a new training conversation (bot/training/ids.py) that the
user's messages go to until "end training" (or "diwedd hyfforddiant"). The
practice itself is the same as in the widget's training page (bot/training/
mode.py): a choice of scenario, the banner on every message, the debrief.

The mode is kept in the store (bot/store/modes.py) so it holds on every Rasa
server and across restarts. Starting or ending a practice that cannot be saved is
refused (the user is told and stays where they were). If the store cannot be
read, the last mode this server saw for the user is used; a server that has not
seen the user takes the message as real (so a real conversation still works with
the store down), and practice replies always carry the banner, so the difference
shows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.logs import pseudonym
from bot.training.ids import clean_group, new_training_id

log = logging.getLogger("golden_hour.channels.teams")

ENTER_WORDS = frozenset({"training", "hyfforddiant"})
LEAVE_WORDS = frozenset(
    {"end training", "stop training", "diwedd hyfforddiant", "gorffen hyfforddiant"}
)


@dataclass(frozen=True)
class Command:
    enter: bool
    group: str | None = None


def command_of(text: str) -> Command | None:
    """A training command, if the whole message is one; anything else is None
    (and goes to the conversation as usual)."""
    words = text.strip().lower().split()
    if " ".join(words) in LEAVE_WORDS:
        return Command(enter=False)
    if not words or words[0] not in ENTER_WORDS or len(words) > 2:
        return None
    if len(words) == 1:
        return Command(enter=True)
    group = clean_group(words[1])
    return Command(enter=True, group=group) if group else None


class ModeRecords(Protocol):
    def training_sender(self, sender: str) -> str | None: ...

    def enter(self, sender: str, training_sender: str, now: dt.datetime) -> None: ...

    def leave(self, sender: str) -> bool: ...


def _store_modes() -> ModeRecords:
    from bot.composition import stores

    return stores().modes


class Modes:
    """The training mode of each Teams user, from the store, off the event loop."""

    def __init__(self, records: Callable[[], ModeRecords] = _store_modes) -> None:
        self._records = records
        self._seen: dict[str, str | None] = {}  # the fallback when the store is down

    async def _run(self, name: str, *args: object) -> object:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: getattr(self._records(), name)(*args))

    async def current(self, sender: str) -> str | None:
        """The training conversation this user's messages go to, or None."""
        try:
            found = await self._run("training_sender", sender)
        except Exception as exc:
            log.error(
                "teams training mode unknown",
                extra={"conversation": pseudonym(sender), "error": type(exc).__name__},
            )
            return self._seen.get(sender)
        self._seen[sender] = found if isinstance(found, str) else None
        return self._seen[sender]

    async def enter(self, sender: str, group: str | None, now: dt.datetime) -> str | None:
        """A new practice conversation for this user; its id, or None when the
        mode could not be saved (then the user stays where they were)."""
        training = new_training_id(group)
        try:
            await self._run("enter", sender, training, now)
        except Exception as exc:
            log.error(
                "teams training mode not saved",
                extra={"conversation": pseudonym(sender), "error": type(exc).__name__},
            )
            return None
        self._seen[sender] = training
        return training

    async def leave(self, sender: str) -> bool | None:
        """Back to real conversations: True if the user was practising, False if
        not, None when that could not be saved (then they stay in training)."""
        try:
            was = bool(await self._run("leave", sender))
        except Exception as exc:
            log.error(
                "teams training mode not cleared",
                extra={"conversation": pseudonym(sender), "error": type(exc).__name__},
            )
            return None
        was = was or self._seen.get(sender) is not None
        self._seen[sender] = None
        return was
