"""Resume codes on a real SQLite database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from bot import conversation as talk
from bot.conversation import Case, Event
from bot.knowledge import load_knowledge
from bot.store.db import metadata
from bot.store.resume import (
    ALPHABET,
    CODE_LENGTH,
    MAX_FAILURES,
    ResumeStore,
    find_code,
    resume_codes,
)

NOW = dt.datetime(2026, 11, 23, 9, 30)


@pytest.fixture
def store(tmp_path: Path) -> ResumeStore:
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}", future=True)
    metadata.create_all(engine)
    return ResumeStore(engine)


def test_codes_are_long_unambiguous_and_only_hashed_at_rest(store: ResumeStore) -> None:
    codes = {store.save({"pending": "role"}, NOW) for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
        assert not set(code) & set("0O1IL")
    with store.engine.connect() as conn:
        stored = conn.execute(select(resume_codes.c.code_hash)).scalars().all()
    assert not set(stored) & codes


def test_a_code_resumes_once_then_is_used_up(store: ResumeStore) -> None:
    code = store.save({"pending": "nation", "role": "health"}, NOW)
    assert store.take(code.lower(), "who", NOW) == {"pending": "nation", "role": "health"}
    assert store.take(code, "who", NOW) is None


def test_an_expired_code_gets_the_same_answer_as_a_wrong_one(store: ResumeStore) -> None:
    code = store.save({"pending": "role"}, NOW)
    later = NOW + dt.timedelta(days=8)
    assert store.take(code, "a", later) is None
    assert store.take("ZZZZZZZZ", "b", NOW) is None


def test_entry_is_rate_limited(store: ResumeStore) -> None:
    code = store.save({"pending": "role"}, NOW)
    for _ in range(MAX_FAILURES):
        assert store.take("WRONGCDE", "guesser", NOW) is None
    assert store.take(code, "guesser", NOW) is None  # blocked, even with the right code
    assert store.take(code, "guesser", NOW + dt.timedelta(minutes=16)) is not None


def test_many_senders_cannot_share_out_the_guessing(
    store: ResumeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_RESUME_GLOBAL_FAILURES", "12")
    code = store.save({"pending": "role"}, NOW)
    for n in range(12):  # each sender stays under its own limit
        assert store.take("WRONGCDE", f"guesser-{n}", NOW) is None
    assert store.take(code, "honest", NOW) is None  # everyone waits out the window
    later = NOW + dt.timedelta(minutes=16)
    assert store.take(code, "honest", later) == {"pending": "role"}


def test_find_code_in_words() -> None:
    assert find_code("resume k7pw2qxm please") == "K7PW2QXM"
    assert find_code("resume K7PW2QX") is None
    assert find_code("resume 00000000") is None


def test_pause_and_resume_in_the_conversation(store: ResumeStore) -> None:
    kb = load_knowledge(today=dt.date(2026, 11, 23))
    turn = talk.opening(NOW)
    turn = talk.handle(kb, turn.case, Event("deny", "no"), NOW)
    turn = talk.handle(kb, turn.case, Event("inform", choice="role.police"), NOW)
    assert turn.case.pending == "nation"
    code = store.save(turn.case.to_dict(), NOW)
    paused = talk.paused(kb, turn.case, code)
    assert code in paused.replies[0].text and paused.case.pending is None
    other = Case()  # another conversation, e.g. another channel
    back = talk.resumed(kb, Case.from_dict(store.take(code, "x", NOW)), other)
    assert back.case.pending == "nation" and back.case.role == "police"
    assert "Where in the UK" in back.replies[-1].text
    failed = talk.resumed(kb, None, Case(pending="role"))
    assert "not valid or has expired" in failed.replies[0].text
