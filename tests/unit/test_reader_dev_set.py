"""The reader's development set and the scripted conversations (issue 18) keep to
their contract: ids the guidance and the quick choices know, values in range, and
enough of each kind of case for the benchmarks to mean something. A schema test: it
fails when either file drifts from the contract or shrinks below its floors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.choices import EVIDENCE, NATION, ROLE, SETTING
from bot.knowledge import DATA_DIR

DATA = Path(__file__).resolve().parents[1] / "data"
READER_DEV = DATA / "reader_dev.yml"
CONVERSATIONS_DEV = DATA / "conversations_dev.yml"

ROLES = {o.value for o in ROLE}
NATIONS = {o.value for o in NATION}
SETTINGS = {o.value for o in SETTING}
HOWS = {o.value for o in EVIDENCE}

MESSAGE_KEYS = {
    "id",
    "text",
    "role",
    "nation",
    "setting",
    "age",
    "age_disputed",
    "nationality",
    "out_of_hours",
    "present_danger",
    "indicators",
}
CONVERSATION_KEYS = {
    "id",
    "role",
    "nation",
    "setting",
    "age",
    "first_message",
    "immediate_danger",
    "facts",
    "how",
    "draft_request",
    "expected",
}
REQUIRED_CONVERSATION_KEYS = CONVERSATION_KEYS - {"setting", "age", "how", "immediate_danger"}
ANSWERS = {"yes", "no", "not_sure"}

# Floors from the brief for the development set and the conversation benchmark.
MIN_MESSAGES = 110
MIN_INDICATORS_COVERED = 60
MIN_PRESENT_DANGER = 15
MIN_LOW_CONCERN = 20
MIN_CONVERSATIONS = 14
MIN_LOW_CONCERN_CONVERSATIONS = 5
MIN_NOT_SURE_CONVERSATIONS = 3


@pytest.fixture(scope="module")
def indicator_ids() -> set[str]:
    """The indicator ids of the guidance, read from its file: this test is about the
    development files, so a half-edited action or contact elsewhere in the guidance
    (which the loader's own tests catch) does not fail it."""
    bank = yaml.safe_load((DATA_DIR / "indicators.yml").read_text(encoding="utf-8"))
    return {entry["id"] for entry in bank["indicators"]}


@pytest.fixture(scope="module")
def messages() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(READER_DEV.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict) and set(loaded) == {"messages"}
    assert isinstance(loaded["messages"], list)
    return loaded["messages"]


@pytest.fixture(scope="module")
def conversations() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(CONVERSATIONS_DEV.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict) and set(loaded) == {"conversations"}
    assert isinstance(loaded["conversations"], list)
    return loaded["conversations"]


def _optional(value: Any, allowed: set[str]) -> bool:
    return value is None or value in allowed


def _yes_ids(message: dict[str, Any]) -> set[str]:
    return {k for k, v in (message.get("indicators") or {}).items() if v["value"] == "yes"}


def _message_problems(m: dict[str, Any], known: set[str]) -> list[str]:
    """Every way one labelled message breaks the contract (empty when it keeps it)."""
    where = m.get("id", "?")
    problems = [f"{where}: unknown key {k!r}" for k in sorted(set(m) - MESSAGE_KEYS)]
    if not isinstance(m.get("id"), str) or not m["id"]:
        problems.append(f"{where}: id must be a non-empty string")
    if not isinstance(m.get("text"), str) or not m["text"].strip():
        problems.append(f"{where}: text must be a non-empty string")
    for key, allowed in (("role", ROLES), ("nation", NATIONS), ("setting", SETTINGS)):
        if not _optional(m.get(key), allowed):
            problems.append(f"{where}: {key} {m.get(key)!r} is not one of {sorted(allowed)}")
    age = m.get("age")
    # bool is an int in Python: "age: yes" must not pass as 1.
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 25
    ):
        problems.append(f"{where}: age {age!r} must be whole years (0-25) or null")
    for key in ("age_disputed", "present_danger"):
        if not isinstance(m.get(key, False), bool):
            problems.append(f"{where}: {key} must be true or false")
    if m.get("out_of_hours") is not None and not isinstance(m["out_of_hours"], bool):
        problems.append(f"{where}: out_of_hours must be true, false or null")
    nationality = m.get("nationality")
    if nationality is not None and (not isinstance(nationality, str) or not nationality.strip()):
        problems.append(f"{where}: nationality must be a word or null")
    indicators = m.get("indicators") or {}
    if not isinstance(indicators, dict):
        return [*problems, f"{where}: indicators must be a mapping"]
    for ind, fact in indicators.items():
        if ind not in known:
            problems.append(f"{where}: indicator {ind!r} is not in the guidance")
        if not isinstance(fact, dict) or set(fact) - {"value", "how"}:
            problems.append(f"{where}: {ind} must be {{value, how}}")
            continue
        # An unquoted yes/no is read by YAML as a boolean: the contract wants the word.
        if fact.get("value") not in ("yes", "no"):
            problems.append(f"{where}: {ind} value {fact.get('value')!r} must be 'yes' or 'no'")
        if not _optional(fact.get("how"), HOWS):
            problems.append(f"{where}: {ind} how {fact.get('how')!r} is not one of {sorted(HOWS)}")
    # The age_disputed field and the age_disputed indicator say the same thing.
    if m.get("age_disputed", False) != ("age_disputed" in _yes_ids(m)):
        problems.append(f"{where}: age_disputed and the age_disputed indicator disagree")
    return problems


def test_every_message_keeps_the_contract(
    messages: list[dict[str, Any]], indicator_ids: set[str]
) -> None:
    problems = [p for m in messages for p in _message_problems(m, indicator_ids)]
    assert problems == []


def test_message_ids_are_unique(messages: list[dict[str, Any]]) -> None:
    repeated = [i for i, n in Counter(m.get("id") for m in messages).items() if n > 1]
    assert repeated == []


def test_the_set_is_large_and_varied_enough(messages: list[dict[str, Any]]) -> None:
    covered = {ind for m in messages for ind in (m.get("indicators") or {})}
    present = [m["id"] for m in messages if m.get("present_danger")]
    low_concern = [m["id"] for m in messages if not m.get("present_danger") and not _yes_ids(m)]
    assert len(messages) >= MIN_MESSAGES
    assert len(covered) >= MIN_INDICATORS_COVERED
    assert len(present) >= MIN_PRESENT_DANGER
    assert len(low_concern) >= MIN_LOW_CONCERN


def test_every_role_and_nation_appears_and_some_messages_state_neither(
    messages: list[dict[str, Any]],
) -> None:
    assert {m.get("role") for m in messages} >= ROLES | {None}
    assert {m.get("nation") for m in messages} >= NATIONS | {None}
    assert any(m.get("age_disputed") for m in messages)
    assert any(m.get("out_of_hours") is True for m in messages)
    assert any(m.get("out_of_hours") is False for m in messages)
    # Explicit negations are labelled too, so the reader is tested on "no" as well.
    assert any(v["value"] == "no" for m in messages for v in (m.get("indicators") or {}).values())


def _conversation_problems(c: dict[str, Any], known: set[str]) -> list[str]:
    """Every way one scripted conversation breaks its schema."""
    where = c.get("id", "?")
    problems = [f"{where}: unknown key {k!r}" for k in sorted(set(c) - CONVERSATION_KEYS)]
    problems += [f"{where}: missing {k!r}" for k in sorted(REQUIRED_CONVERSATION_KEYS - set(c))]
    for key, allowed in (("role", ROLES), ("nation", NATIONS)):
        if c.get(key) not in allowed:
            problems.append(f"{where}: {key} {c.get(key)!r} is not one of {sorted(allowed)}")
    if not _optional(c.get("setting"), SETTINGS):
        problems.append(f"{where}: setting {c.get('setting')!r} is not known")
    age = c.get("age")
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 17
    ):
        problems.append(f"{where}: age {age!r} must be a child's age in years or null")
    if not isinstance(c.get("first_message"), str) or not c["first_message"].strip():
        problems.append(f"{where}: first_message must be a non-empty string")
    if c.get("immediate_danger", "no") not in ANSWERS:
        problems.append(f"{where}: immediate_danger must be one of {sorted(ANSWERS)}")
    facts = c.get("facts") or {}
    if not isinstance(facts, dict) or not facts:
        return [*problems, f"{where}: facts must be a non-empty mapping"]
    for ind, answer in facts.items():
        if ind not in known:
            problems.append(f"{where}: fact {ind!r} is not an indicator of the guidance")
        if answer not in ANSWERS:
            problems.append(f"{where}: fact {ind} answer {answer!r} must be yes, no or not_sure")
    for ind, how in (c.get("how") or {}).items():
        if facts.get(ind) != "yes" or how not in HOWS:
            problems.append(
                f"{where}: how for {ind!r} needs a 'yes' fact and one of {sorted(HOWS)}"
            )
    request = c.get("draft_request") or {}
    after = request.get("after_answers")
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        problems.append(f"{where}: draft_request.after_answers must be a whole number >= 0")
    if not isinstance(request.get("words"), str) or not request["words"].strip():
        problems.append(f"{where}: draft_request.words must be what the professional types")
    expected = c.get("expected") or {}
    if set(expected) != {"low_concern", "present_danger"} or not all(
        isinstance(v, bool) for v in expected.values()
    ):
        problems.append(f"{where}: expected must give low_concern and present_danger as booleans")
    elif expected["low_concern"] and (
        expected["present_danger"] or c.get("immediate_danger", "no") != "no"
    ):
        problems.append(f"{where}: a low-concern case cannot be in danger")
    return problems


def _not_sure_dominates(c: dict[str, Any]) -> bool:
    answers = Counter((c.get("facts") or {}).values())
    return answers["not_sure"] > answers["yes"] + answers["no"]


def test_every_conversation_keeps_its_schema(
    conversations: list[dict[str, Any]], indicator_ids: set[str]
) -> None:
    problems = [p for c in conversations for p in _conversation_problems(c, indicator_ids)]
    assert problems == []


def test_conversations_cover_the_benchmark_cases(conversations: list[dict[str, Any]]) -> None:
    ids = [c.get("id") for c in conversations]
    low = [c for c in conversations if (c.get("expected") or {}).get("low_concern")]
    assert len(ids) == len(set(ids))
    assert len(conversations) >= MIN_CONVERSATIONS
    assert len(low) >= MIN_LOW_CONCERN_CONVERSATIONS
    assert sum(_not_sure_dominates(c) for c in conversations) >= MIN_NOT_SURE_CONVERSATIONS
    assert any((c.get("expected") or {}).get("present_danger") for c in conversations)
    assert {c.get("role") for c in conversations} >= ROLES
    assert {c.get("nation") for c in conversations} >= NATIONS


def test_the_schema_checks_catch_drift(indicator_ids: set[str]) -> None:
    """The checks above are not vacuous: each kind of drift is reported."""
    drifted = {
        "id": "x1",
        "text": "she's 15",
        "role": "nurse",
        "age": "15",
        "present_danger": "yes",
        "indicators": {"not_an_indicator": {"value": True, "how": "saw"}},
        "colour": "blue",
    }
    problems = " | ".join(_message_problems(drifted, indicator_ids))
    for part in (
        "unknown key 'colour'",
        "role 'nurse'",
        "age '15'",
        "present_danger",
        "'not_an_indicator' is not in the guidance",
        "must be 'yes' or 'no'",
        "how 'saw'",
    ):
        assert part in problems
    conversation = {
        "id": "c-x",
        "role": "teacher",
        "nation": "wales",
        "first_message": "hi",
        "facts": {"missing_episodes": "maybe"},
        "draft_request": {"after_answers": -1, "words": ""},
        "expected": {"low_concern": True, "present_danger": True},
    }
    problems = " | ".join(_conversation_problems(conversation, indicator_ids))
    for part in (
        "answer 'maybe'",
        "after_answers",
        "draft_request.words",
        "low-concern case cannot be in danger",
    ):
        assert part in problems
