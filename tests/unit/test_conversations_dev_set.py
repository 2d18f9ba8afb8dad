"""The scripted conversations of the benchmark (issue 18, conversations_dev.yml, the
held-out conversations_holdout.yml and the blind measurement set conversations_final.yml)
keep their schema: ids the guidance and the quick choices know, values in range, and enough
of each kind of case for the benchmark to mean something. A schema test: it fails when
the file drifts from the contract or shrinks below its floors."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.reader_sets import (
    DATA,
    HOWS,
    NATIONS,
    ROLES,
    SETTINGS,
    categories_by_indicator,
    load_list,
    optional,
)

CONVERSATIONS_DEV = DATA / "conversations_dev.yml"
# Written blind, never tuned on: the benchmark's honest figure (bench.conversations --file).
CONVERSATIONS_HOLDOUT = DATA / "conversations_holdout.yml"
# Written blind on 2026-12-03 as a fresh measurement set: never tuned on.
CONVERSATIONS_FINAL = DATA / "conversations_final.yml"

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

# Floors from the brief for the conversation benchmark.
MIN_CONVERSATIONS = 14
MIN_LOW_CONCERN_CONVERSATIONS = 5
MIN_NOT_SURE_CONVERSATIONS = 3


@pytest.fixture(scope="module")
def indicator_ids() -> set[str]:
    return set(categories_by_indicator())


@pytest.fixture(
    scope="module",
    params=[CONVERSATIONS_DEV, CONVERSATIONS_HOLDOUT, CONVERSATIONS_FINAL],
    ids=["dev", "holdout", "final"],
)
def conversations(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return load_list(request.param, "conversations")


def _conversation_problems(c: dict[str, Any], known: set[str]) -> list[str]:
    """Every way one scripted conversation breaks its schema."""
    where = c.get("id", "?")
    problems = [f"{where}: unknown key {k!r}" for k in sorted(set(c) - CONVERSATION_KEYS)]
    problems += [f"{where}: missing {k!r}" for k in sorted(REQUIRED_CONVERSATION_KEYS - set(c))]
    for key, allowed in (("role", ROLES), ("nation", NATIONS)):
        if c.get(key) not in allowed:
            problems.append(f"{where}: {key} {c.get(key)!r} is not one of {sorted(allowed)}")
    if not optional(c.get("setting"), SETTINGS):
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
