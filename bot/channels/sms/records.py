"""What the SMS channel keeps in the store (all Rasa servers share it), off the
event loop, and what it does when the store cannot be reached: the opt-outs
(keyed hash of the number), the posts already processed (their MessageSid and
idempotency token) and the choices last shown to each conversation."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from bot.channels.sms.prompt import Prompt
from bot.channels.sms.webhook import Inbound

log = logging.getLogger("golden_hour.channels.sms")

# Replay keys kept in this process when the store cannot be written.
_MEMORY_LIMIT = 10_000


class OptOutRecords(Protocol):
    def is_opted_out(self, sender_hash: str) -> bool: ...

    def opt_out(self, sender_hash: str, now: dt.datetime) -> None: ...

    def opt_in(self, sender_hash: str) -> None: ...


def _store_opt_outs() -> OptOutRecords:
    from bot.composition import stores

    return stores().opt_outs


class OptOuts:
    """The opt-out records, off the event loop. If the store cannot be written, the
    opt-out is still kept in this process; if it cannot be read, the message is
    answered (Twilio's own STOP block still holds at Twilio's end)."""

    def __init__(self, records: Callable[[], OptOutRecords] = _store_opt_outs) -> None:
        self._records = records
        self._unsaved: set[str] = set()

    async def _run(self, name: str, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: getattr(self._records(), name)(*args))

    async def is_opted_out(self, sender_hash: str) -> bool:
        if sender_hash in self._unsaved:
            return True
        try:
            return bool(await self._run("is_opted_out", sender_hash))
        except Exception as exc:
            log.error("sms opt-outs not read", extra={"error": type(exc).__name__})
            return False

    async def opt_out(self, sender_hash: str) -> None:
        try:
            await self._run("opt_out", sender_hash, dt.datetime.now(dt.timezone.utc))
        except Exception as exc:
            self._unsaved.add(sender_hash)
            log.error("sms opt-out not saved", extra={"error": type(exc).__name__})

    async def opt_in(self, sender_hash: str) -> None:
        self._unsaved.discard(sender_hash)
        try:
            await self._run("opt_in", sender_hash)
        except Exception as exc:
            log.error("sms opt-in not saved", extra={"error": type(exc).__name__})


class SeenRecords(Protocol):
    def first_time(self, keys: Sequence[str], now: dt.datetime) -> bool: ...

    def shown(self, sender_hash: str) -> str | None: ...

    def show(self, sender_hash: str, choices: str, now: dt.datetime) -> None: ...


def _store_seen() -> SeenRecords:
    from bot.composition import stores

    return stores().sms_seen


def replay_keys(message: Inbound, idempotency_token: str | None) -> tuple[str, ...]:
    """The stored forms of the ids that make a post the same post."""
    from bot.store.opt_outs import seen_key

    keys = []
    if message.message_sid:
        keys.append(seen_key("MessageSid", message.message_sid))
    if idempotency_token and idempotency_token.strip():
        keys.append(seen_key("I-Twilio-Idempotency-Token", idempotency_token.strip()[:256]))
    return tuple(keys)


class Seen:
    """Seen posts and shown questions, off the event loop. If the store cannot be
    written, a post is still processed (the user is answered) and remembered in
    this process; if the shown question cannot be read, a number is read as it
    was before this was kept (against the open question)."""

    def __init__(self, records: Callable[[], SeenRecords] = _store_seen) -> None:
        self._records = records
        self._memory: dict[str, None] = {}  # insertion-ordered, oldest first

    async def _run(self, name: str, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: getattr(self._records(), name)(*args))

    async def first_time(self, keys: Sequence[str]) -> bool:
        if any(k in self._memory for k in keys):
            return False
        now = dt.datetime.now(dt.timezone.utc)
        try:
            return bool(await self._run("first_time", keys, now))
        except Exception as exc:
            log.error("sms replay check not saved", extra={"error": type(exc).__name__})
            for key in keys:
                self._memory[key] = None
            while len(self._memory) > _MEMORY_LIMIT:
                del self._memory[next(iter(self._memory))]
            return True

    async def shown(self, sender_hash: str) -> str | None:
        try:
            return await self._run("shown", sender_hash)
        except Exception as exc:
            log.error("sms shown question not read", extra={"error": type(exc).__name__})
            return None

    async def show(self, sender_hash: str, prompt: Prompt) -> None:
        try:
            await self._run("show", sender_hash, prompt.digest, dt.datetime.now(dt.timezone.utc))
        except Exception as exc:
            log.error("sms shown question not saved", extra={"error": type(exc).__name__})
