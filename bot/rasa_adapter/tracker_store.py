"""Rasa's SQL tracker store, minus the user's words and anything that quotes them,
and loud when it fails.

What is kept. Rasa keeps every event of a conversation in its tracker table
(``events.data``) for as long as the conversation is kept. Golden Hour needs the
words only during the turn that reads them: the actions get the live tracker from
Rasa's memory, and whatever must last goes into the ``case`` slot, sealed. So
when an event is written (``scrub_event``):

- a user message keeps its intent, its confidence ranking and any button
  ``choice``, and loses its text and every other entity value. Button payloads
  ("/affirm", "/inform{...}") are not the user's words and are kept as sent;
- a bot message keeps its kind, its progress line and its buttons (the SMS
  channel maps "1" to the latest buttons), and keeps its text only when its kind
  is one the assistant writes from its own reviewed content alone (a question,
  the immediate-action advice, ...). Every other kind loses its text: the draft
  (it quotes notes and the sharing answers), the answer check, the resume code,
  the assessment (it lists the answers), the debrief, plain "text" replies (some
  echo what was typed) and any kind not listed. What reads a stored tracker
  needs none of those texts: Rasa's policies use action names, the channels use
  the buttons, a practice debrief reads the advice of earlier turns (kept) and
  this turn's draft from the live replies, and a debrief of a stored
  conversation (bot/training/runner.py) must rebuild the draft from the case;
- the ``case`` slot keeps its sealed values; a note or sharing answer that is
  somehow not sealed is dropped.

Failures. Rasa wraps every tracker store in FailSafeTrackerStore, which logs an
error and carries on with an empty in-memory conversation, so a locked, read-only
or deleted database would give a fresh greeting or a turn that is silently not
kept. Here each failed read or write is logged (operation and error type only:
the driver's message quotes SQL parameters), noted for the turn so the channel's
safety net answers with the safety message (bot/channels/common/safety_net.py), and
recorded for the health check (``health``). After a failed read, the turn's save
is refused: the tracker Rasa made in its place is a new conversation, and writing
it would add a new session on top of the stored one.

endpoints.yml: ``type: bot.rasa_adapter.tracker_store.ScrubbingSQLTrackerStore`` with
the usual SQL tracker store settings (dialect, db, host, ...). A SQLite file is
made readable by its owner only at start. GOLDEN_HOUR_TRACKER_BUSY_TIMEOUT (seconds,
SQLite only; the driver's default is 5) is how long a turn waits for a lock.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.channels.common import safety_net
from bot.config import read
from bot.ops import metrics
from bot.replies import DATA_KEY, KIND_KEY, PROGRESS_KEY
from bot.store.private_files import sqlite_owner_only, sqlite_path, tighten_umask
from bot.store.sealed import PREFIX as SEALED

log = logging.getLogger("golden_hour.channels.tracker_store")

REMOVED = "[not kept]"
KEPT_ENTITIES = {"choice"}
CASE_SLOT = "case"
# Reply kinds (bot/replies.py) whose text the assistant composes from its own
# reviewed content only (catalogue, knowledge base, scenario library), never from
# what was typed or from the answers given. Reviewed against bot/conversation.py,
# bot/training/mode.py and actions/base.py; a new kind is not kept until added here.
KEPT_TEXT_KINDS = frozenset({"question", "why", "advice", "signposting", "safety", "vignette"})
# A bot message's metadata: only what says what it is, and what it decided as
# guidance ids and levels (bot/replies.py DATA_KEY: never words), which the
# training debrief reads.
KEPT_BOT_METADATA = frozenset({KIND_KEY, PROGRESS_KEY, DATA_KEY, "utter_action"})
BUSY_TIMEOUT_ENV = "GOLDEN_HOUR_TRACKER_BUSY_TIMEOUT"


def scrub(data: dict[str, Any]) -> dict[str, Any]:
    """A user event's dict without the user's words (pure; for tests too)."""
    text = data.get("text") or ""
    if text.startswith("/"):
        return data
    out = dict(data, text=REMOVED)
    parse = dict(data.get("parse_data") or {})
    if parse:
        parse["text"] = REMOVED
        parse["entities"] = [
            e for e in parse.get("entities") or [] if e.get("entity") in KEPT_ENTITIES
        ]
        parse.pop("response_selector", None)
        out["parse_data"] = parse
    return out


def scrub_bot(data: dict[str, Any]) -> dict[str, Any]:
    """A bot event's dict with only its kind, progress and buttons, and its text
    when its kind is in KEPT_TEXT_KINDS (pure)."""
    metadata = data.get("metadata") or {}
    kind = metadata.get(KIND_KEY)
    said = data.get("text")
    buttons = (data.get("data") or {}).get("buttons")
    return dict(
        data,
        text=said if kind in KEPT_TEXT_KINDS or not said else REMOVED,
        data={"buttons": buttons} if buttons else {},
        metadata={k: v for k, v in metadata.items() if k in KEPT_BOT_METADATA},
    )


def _sealed_or_removed(value: Any) -> Any:
    if isinstance(value, str) and value and not value.startswith(SEALED):
        return REMOVED
    return value


def scrub_case(case: Any) -> Any:
    """The ``case`` slot with every note and sharing answer that is not sealed
    replaced (pure). The actions seal them (bot/store/sealed.py); this is the
    last check before the table."""
    if not isinstance(case, dict):
        return case
    out = dict(case)
    answers = case.get("answers")
    if isinstance(answers, dict):
        out["answers"] = {
            q: dict(a, note=_sealed_or_removed(a.get("note")))
            if isinstance(a, dict) and "note" in a
            else a
            for q, a in answers.items()
        }
    sharing = case.get("sharing")
    if isinstance(sharing, dict):
        sharing = dict(sharing)
        if isinstance(sharing.get("share_with"), list):
            sharing["share_with"] = [_sealed_or_removed(x) for x in sharing["share_with"]]
        if "why_not" in sharing:
            sharing["why_not"] = _sealed_or_removed(sharing["why_not"])
        out["sharing"] = sharing
    return out


def scrub_event(data: dict[str, Any]) -> dict[str, Any]:
    """Any event's dict as it may be stored (pure)."""
    kind = data.get("event")
    if kind == "user":
        return scrub(data)
    if kind == "bot":
        return scrub_bot(data)
    if kind == "slot" and data.get("name") == CASE_SLOT:
        return dict(data, value=scrub_case(data.get("value")))
    return data


# --- failures --------------------------------------------------------------------------


class TrackerStoreUnavailable(RuntimeError):
    """The conversation store could not be read or written. Its message names the
    operation only (Rasa's fallback logs it)."""


@dataclass
class _Health:
    """When reads and writes last failed and last worked, apart: a database that
    can be read but not written (read-only) is failing however many reads work."""

    failed: dict[str, float] = field(default_factory=dict)
    worked: dict[str, float] = field(default_factory=dict)

    def note(self, kind: str, ok: bool) -> None:
        (self.worked if ok else self.failed)[kind] = time.monotonic()

    def failing(self) -> bool:
        return any(at >= self.worked.get(kind, float("-inf")) for kind, at in self.failed.items())


_health = _Health()
READ, WRITE = "read", "write"
# Conversations whose read failed in this asyncio task (one per turn or request):
# Rasa then goes on with a fresh tracker, which must not be saved over them.
_unread: ContextVar[frozenset[str]] = ContextVar("golden_hour_unread", default=frozenset())


def _read_back(sender_id: str) -> None:
    """A read worked: this conversation is no longer unread in this task (a read that
    failed before the turn, such as a channel's look at the language, must not
    stop the turn from being kept once the turn's own read has worked)."""
    _health.note(READ, ok=True)
    if sender_id in _unread.get():
        _unread.set(_unread.get() - {sender_id})


def _failed(operation: str, kind: str, exc: BaseException) -> TrackerStoreUnavailable:
    _health.note(kind, ok=False)
    metrics.TRACKER_STORE_ERRORS.labels(operation=kind).inc()
    safety_net.note_failure(safety_net.TRACKER_STORE)
    log.error(
        "tracker store failed",
        extra={"operation": operation, "error": type(exc).__name__, "safety_net": True},
    )
    return TrackerStoreUnavailable(f"tracker store unavailable ({operation})")


class ScrubbingSQLTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Any = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | None = None,
        db: str = "rasa.db",
        username: str | None = None,
        password: str | None = None,
        event_broker: Any = None,
        login_db: str | None = None,
        query: dict | None = None,
        **kwargs: Any,
    ) -> None:
        if dialect == "sqlite":
            # Readable by the owner only, also when the file was made 0644 before,
            # and so are the -journal / -wal files SQLite makes from now on.
            tighten_umask()
            if (path := sqlite_path(db)) is not None:
                sqlite_owner_only(path)
            if busy := read(BUSY_TIMEOUT_ENV):
                query = {**(query or {}), "timeout": busy}
        super().__init__(
            domain, dialect, host, port, db, username, password, event_broker, login_db, query,
            **kwargs,
        )  # fmt: skip

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        for event in super()._additional_events(session, tracker):
            rebuilt = Event.from_parameters(scrub_event(event.as_dict()))
            yield rebuilt if rebuilt is not None else event

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            tracker = await super().retrieve(sender_id)
        except Exception as exc:
            _unread.set(_unread.get() | {sender_id})
            raise _failed("retrieve", READ, exc) from None
        _read_back(sender_id)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        try:
            tracker = await super().retrieve_full_tracker(conversation_id)
        except Exception as exc:
            _unread.set(_unread.get() | {conversation_id})
            raise _failed("retrieve", READ, exc) from None
        _read_back(conversation_id)
        return tracker

    async def keys(self) -> Iterable[str]:
        try:
            found = await super().keys()
        except Exception as exc:
            raise _failed("keys", READ, exc) from None
        _health.note(READ, ok=True)
        return found

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.sender_id in _unread.get():
            # The conversation was not read in this turn, so this tracker is one
            # Rasa started afresh: never write it over the stored conversation. The
            # turn is not kept, so the user must be told (the safety net).
            raise _failed("save skipped", WRITE, TrackerStoreUnavailable("unread"))
        try:
            await super().save(tracker)
        except Exception as exc:
            raise _failed("save", WRITE, exc) from None
        _health.note(WRITE, ok=True)

    def readable(self) -> bool:
        """Whether the events table can be read now (blocking; for the health check)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1 FROM events LIMIT 1")).fetchall()
        except Exception as exc:
            log.error("tracker store check failed", extra={"error": type(exc).__name__})
            _health.note(READ, ok=False)
            return False
        _health.note(READ, ok=True)
        return True


def _inner(store: Any) -> ScrubbingSQLTrackerStore | None:
    # Rasa's Agent wraps the configured store in FailSafeTrackerStore (attribute
    # ``_tracker_store`` in Rasa 3.6).
    inner = getattr(store, "_tracker_store", store)
    return inner if isinstance(inner, ScrubbingSQLTrackerStore) else None


async def health(agent: Any) -> str:
    """ "ok", "failing" (the latest write failed, or the table cannot be read now)
    or "unknown" (not this tracker store). For the health endpoint."""
    store = _inner(getattr(agent, "tracker_store", None)) if agent else None
    if store is None:
        return "unknown"
    await asyncio.get_running_loop().run_in_executor(None, store.readable)
    return "failing" if _health.failing() else "ok"
