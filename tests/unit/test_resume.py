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
    CALLER_FAILURES,
    CODE_LENGTH,
    MAX_FAILURES,
    ResumeStore,
    caller_metadata,
    callers_from_metadata,
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


def test_many_senders_only_slow_the_guessing_each_gets_one_try(
    store: ResumeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_RESUME_GLOBAL_FAILURES", "12")
    code = store.save({"pending": "role"}, NOW)
    for n in range(12):  # each sender stays under its own limit
        assert store.take("WRONGCDE", f"guesser-{n}", NOW) is None
    # Past the global figure a caller that has guessed wrong has no second try in
    # the window, even with a right code (it had five before) ...
    assert store.take(code, "guesser-0", NOW) is None
    # ... but a caller's first code is still checked: the honest user gets in.
    assert store.take(code, "honest", NOW) == {"pending": "role"}


def test_finding_7_a_flood_of_wrong_codes_does_not_lock_everyone_out(
    store: ResumeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 110 wrong codes from 22 new REST ids (the default global figure is 100).
    monkeypatch.delenv("GOLDEN_HOUR_RESUME_GLOBAL_FAILURES", raising=False)
    code = store.save({"pending": "nation", "role": "health"}, NOW)
    for n in range(22):
        for _ in range(MAX_FAILURES):
            assert store.take("WRONGCDE", f"attacker-{n}", NOW) is None
    assert store.take(code, "victim", NOW + dt.timedelta(seconds=8)) == {
        "pending": "nation",
        "role": "health",
    }


def test_a_channel_identity_limits_a_caller_that_changes_its_conversation_id(
    store: ResumeStore,
) -> None:
    code = store.save({"pending": "role"}, NOW)
    for n in range(CALLER_FAILURES):
        assert store.take("WRONGCDE", f"fresh-{n}", NOW, callers=["address-1"]) is None
    # Past the address's limit, a conversation from it that got one wrong is refused,
    # even with the right code: it has had its try.
    assert store.take(code, "fresh-0", NOW, callers=["address-1"]) is None
    # A new conversation from the same (often shared) address still has its first
    # try checked: one person guessing does not lock a colleague out.
    assert store.take(code, "colleague", NOW, callers=["address-1"]) == {"pending": "role"}


def test_identities_do_not_add_to_the_global_figure(
    store: ResumeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_RESUME_GLOBAL_FAILURES", "4")
    code = store.save({"pending": "role"}, NOW)
    for n in range(3):
        store.take("WRONGCDE", f"g-{n}", NOW, callers=[f"a-{n}", f"b-{n}"])
    # 3 failures, not 9: not yet one try per caller, so g-0 may try again.
    assert store.take(code, "g-0", NOW, callers=["a-0", "b-0"]) == {"pending": "role"}


def test_find_code_in_words() -> None:
    assert find_code("resume k7pw2qxm please") == "K7PW2QXM"
    assert find_code("resume K7PW2QX") is None
    assert find_code("resume 00000000") is None


def test_pause_and_resume_in_the_conversation(store: ResumeStore) -> None:
    kb = load_knowledge(today=dt.date(2026, 12, 3))
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


def test_a_channel_names_its_caller_in_the_message_metadata() -> None:
    metadata = caller_metadata("widget", "a1b2c3d4e5f6")
    assert callers_from_metadata(metadata) == ["widget:a1b2c3d4e5f6"]
    for junk in (None, {}, {"golden_hour_caller": 7}, {"golden_hour_caller": "x" * 80},
                 {"golden_hour_caller": "widget:192.0.2.1"}, "widget:a1b2c3d4"):  # fmt: skip
        assert callers_from_metadata(junk) == []
