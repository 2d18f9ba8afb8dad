"""Rasa's tracker store locked, read-only or gone: the turn is answered with the
safety message alone (not a fresh greeting, not silence), reported as failed in
the log and the health check, and nothing already stored is lost.

The store is wrapped in Rasa's own FailSafeTrackerStore, as Rasa's Agent wraps it,
and driven through the channels' safety net by a stand-in for Rasa's processor
that reads and saves the conversation the way the processor does. The real
processor is exercised in tests/e2e/test_tracker_faults.py."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from bot.channels.common import safety_net
from bot.rasa_adapter import tracker_store
from bot.rasa_adapter.tracker_store import ScrubbingSQLTrackerStore

SAFETY = "call 999"
SENDER = "caseworker-1"
DOMAIN = Domain.from_yaml("version: '3.1'\nslots:\n  case:\n    type: any\n    mappings: []\n")
GREETING = "Hello. Is the child in immediate danger?"  # what a new conversation gets
CARRY_ON = "Next question"


@dataclass
class Stores:
    path: Path
    inner: ScrubbingSQLTrackerStore
    rasa: FailSafeTrackerStore  # what Rasa's processor talks to

    def stored(self) -> list[dict]:
        conn = sqlite3.connect(self.path)
        try:
            rows = conn.execute(
                "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (SENDER,)
            )
            return [json.loads(r[0]) for r in rows]
        finally:
            conn.close()


@pytest.fixture(autouse=True)
def fresh_health(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracker_store, "_health", tracker_store._Health())
    safety_net.install()


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stores]:
    monkeypatch.setenv(tracker_store.BUSY_TIMEOUT_ENV, "0.2")
    path = tmp_path / "conversations.db"
    inner = ScrubbingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path))
    yield Stores(path, inner, FailSafeTrackerStore(inner))
    if path.exists():
        os.chmod(path, 0o600)


async def processor(stores: Stores, message) -> None:
    """Rasa's processor, as far as the tracker store sees it: read (or start) the
    conversation, add the turn, answer, save."""
    tracker = await stores.rasa.get_or_create_tracker(message.sender_id, append_action_listen=False)
    new = not tracker.events
    tracker.update(UserUttered("[typed]", {"name": "inform", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_answer"))
    said = GREETING if new else CARRY_ON
    tracker.update(BotUttered(said, {}, {"gh_kind": "question"}))
    await message.output_channel.send_text_message(message.sender_id, said)
    await stores.rasa.save(tracker)


async def turn(stores: Stores) -> safety_net.TurnResult:
    return await safety_net.run_turn(
        lambda message: processor(stores, message),
        "typed",
        SENDER,
        "rest",
        safety_text=SAFETY,
        timeout_s=10,
    )


class Agent:
    def __init__(self, stores: Stores) -> None:
        self.tracker_store = stores.rasa


async def started(stores: Stores) -> list[dict]:
    """A conversation with two turns kept; the events as stored."""
    first, second = await turn(stores), await turn(stores)
    assert [m["text"] for m in first.messages + second.messages] == [GREETING, CARRY_ON]
    assert second.outcome == "ok"
    return stores.stored()


def answered_with_safety_only(result: safety_net.TurnResult) -> None:
    assert result.outcome == "tracker_failed"
    assert result.messages == [safety_net.safety_payload(SENDER, SAFETY)]


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Keep(level=logging.INFO)
    loggers = [logging.getLogger(n) for n in ("golden_hour", "rasa.core.tracker_store")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield seen
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def hold_exclusive_lock(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    return conn


async def test_locked_the_user_gets_the_safety_message_and_nothing_is_lost(
    stores: Stores, records: list[logging.LogRecord]
) -> None:
    before = await started(stores)
    lock = hold_exclusive_lock(stores.path)
    try:
        answered_with_safety_only(await turn(stores))  # not the fresh greeting
        assert await tracker_store.health(Agent(stores)) == "failing"
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert stores.stored() == before  # nothing lost, no new session written on top
    failed = [r for r in records if r.getMessage() == "tracker store failed"]
    assert failed and failed[0].operation == "retrieve" and failed[0].levelno == logging.ERROR
    turns = [r for r in records if r.getMessage() == "turn"]
    assert turns[-1].outcome == "tracker_failed"
    assert not any(SENDER in r.getMessage() for r in records)  # no SQL parameters logged
    # Rasa saves the fresh tracker it made, then the turn: both refused unwritten.
    saves = [r.getMessage() for r in records if "trying to save" in r.getMessage()]
    assert len(saves) == 2 and all("(save skipped)" in m for m in saves)
    after = await turn(stores)  # the lock is gone: the conversation carries on
    assert after.outcome == "ok" and [m["text"] for m in after.messages] == [CARRY_ON]
    assert await tracker_store.health(Agent(stores)) == "ok"


async def test_read_only_the_user_gets_the_safety_message_and_nothing_is_lost(
    stores: Stores,
) -> None:
    before = await started(stores)
    # A read-only open of the same file (a file mode alone does not stop root).
    stores.inner.engine = create_engine(f"sqlite:///file:{stores.path}?mode=ro&uri=true")
    stores.inner.sessionmaker = sessionmaker(bind=stores.inner.engine)
    answered_with_safety_only(await turn(stores))  # the read worked, the save did not
    # Reads keep working, but the store is still failing: its writes fail.
    assert await tracker_store.health(Agent(stores)) == "failing"
    assert stores.stored() == before


async def test_a_read_only_file_gives_the_safety_message(stores: Stores) -> None:
    """The file mode itself, where it binds (not for root)."""
    if os.geteuid() == 0:
        pytest.skip("root writes to a 0444 file; the read-only open above covers it")
    before = await started(stores)
    os.chmod(stores.path, 0o444)
    answered_with_safety_only(await turn(stores))
    assert stores.stored() == before


async def test_deleted_the_user_gets_the_safety_message_every_turn(stores: Stores) -> None:
    await started(stores)
    stores.path.unlink()
    for _ in range(2):
        answered_with_safety_only(await turn(stores))  # never a fresh greeting
    assert await tracker_store.health(Agent(stores)) == "failing"


async def test_outside_a_turn_a_failure_is_still_logged_and_raised(stores: Stores) -> None:
    stores.path.unlink()
    with pytest.raises(tracker_store.TrackerStoreUnavailable):
        await stores.inner.retrieve(SENDER)
    assert await stores.rasa.retrieve(SENDER) is None  # Rasa's wrapper goes on


async def test_a_fresh_tracker_is_never_saved_over_a_conversation_that_was_not_read(
    stores: Stores,
) -> None:
    """Outside a channel turn too (Rasa's HTTP API): the read failed under the lock,
    Rasa went on with an empty tracker, the lock is gone by the save."""
    before = await started(stores)
    lock = hold_exclusive_lock(stores.path)
    try:
        tracker = await stores.rasa.get_or_create_tracker(SENDER, append_action_listen=False)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    # Longer than the stored one, so Rasa's "events not yet stored" would be its tail.
    while len(tracker.events) <= len(before) + 2:
        tracker.update(UserUttered("/greet", {"name": "greet", "confidence": 1.0}))
        tracker.update(BotUttered(GREETING, {}, {"gh_kind": "question"}))
    await stores.rasa.save(tracker)
    assert stores.stored() == before


async def test_health_is_unknown_for_another_tracker_store() -> None:
    class Other:
        tracker_store = object()

    assert await tracker_store.health(Other()) == "unknown"
    assert await tracker_store.health(None) == "unknown"


async def test_a_read_that_failed_before_the_turn_does_not_stop_the_turn_being_kept(
    stores: Stores,
) -> None:
    """SMS and Teams read the conversation before the turn (its language); if that
    read failed and the turn's own read then works, the turn is kept, not silently
    dropped."""
    before = await started(stores)
    lock = hold_exclusive_lock(stores.path)
    try:
        await stores.rasa.retrieve(SENDER)  # fails under the lock; Rasa's wrapper goes on
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    result = await turn(stores)
    assert result.outcome == "ok" and [m["text"] for m in result.messages] == [CARRY_ON]
    assert len(stores.stored()) > len(before)  # the turn was kept


async def test_a_save_refused_because_the_turn_could_not_read_tells_the_user(
    stores: Stores,
) -> None:
    await started(stores)

    async def read_fails_then_lock_lifts(message) -> None:
        lock = hold_exclusive_lock(stores.path)
        try:
            tracker = await stores.rasa.get_or_create_tracker(
                message.sender_id, append_action_listen=False
            )
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        tracker.update(BotUttered(GREETING, {}, {"gh_kind": "question"}))
        await message.output_channel.send_text_message(message.sender_id, GREETING)
        await stores.rasa.save(tracker)  # refused: never over the stored conversation

    result = await safety_net.run_turn(
        read_fails_then_lock_lifts, "typed", SENDER, "rest", safety_text=SAFETY, timeout_s=10
    )
    answered_with_safety_only(result)
