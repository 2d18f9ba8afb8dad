"""The reader's second final measurement set (reader_final2.yml) keeps the contract of
the other labelled sets: ids the guidance and the quick choices know, values in range,
and enough of each kind of case for a measurement to mean something. A schema test
only: it never runs the reader. The set is blind and final; nothing here may be used to
tune the reader."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from bot.knowledge import load_knowledge
from tests.reader_sets import (
    DATA,
    HOWS,
    KINDS,
    NATIONS,
    ROLES,
    SETTINGS,
    indicators,
    load_list,
    message_problems,
    yes_ids,
)

READER_FINAL2 = DATA / "reader_final2.yml"

# Floors from the brief for this set.
MIN_MESSAGES = 90
MIN_PRESENT_DANGER = 12
MIN_PAST_OR_RESOLVED = 8
MIN_LOW_CONCERN = 18


@pytest.fixture(scope="module")
def categories() -> dict[str, str]:
    """Each indicator id with its category, as the guidance loader reads it."""
    knowledge = load_knowledge(strict_review=False)
    return {i.id: i.category for i in knowledge.indicators.values()}


@pytest.fixture(scope="module")
def messages() -> list[dict[str, Any]]:
    return load_list(READER_FINAL2, "messages")


def test_every_message_keeps_the_contract(
    messages: list[dict[str, Any]], categories: dict[str, str]
) -> None:
    problems = [p for m in messages for p in message_problems(m, set(categories))]
    assert problems == []


def test_ids_are_unique_and_of_this_set(messages: list[dict[str, Any]]) -> None:
    ids = [m.get("id") for m in messages]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    # g001, g002, ...: never mistaken for a dev, held-out or first final id.
    assert all(isinstance(i, str) and i[:1] == "g" and i[1:].isdigit() for i in ids)


def test_texts_are_not_repeated(messages: list[dict[str, Any]]) -> None:
    texts = [" ".join(str(m.get("text", "")).lower().split()) for m in messages]
    assert [t for t, n in Counter(texts).items() if n > 1] == []


def test_the_set_is_large_and_varied_enough(
    messages: list[dict[str, Any]], categories: dict[str, str]
) -> None:
    present = [m for m in messages if m.get("present_danger")]
    calm = [m for m in messages if not m.get("present_danger")]
    kinds = {categories.get(i) for m in messages for i in yes_ids(m)}
    assert len(messages) >= MIN_MESSAGES
    assert len(present) >= MIN_PRESENT_DANGER
    # Past or resolved: signs stated, nothing happening now. Low concern: no sign at all.
    assert len([m for m in calm if yes_ids(m)]) >= MIN_PAST_OR_RESOLVED
    assert len([m for m in calm if not yes_ids(m)]) >= MIN_LOW_CONCERN
    assert kinds >= KINDS


def test_every_choice_and_way_of_knowing_appears(messages: list[dict[str, Any]]) -> None:
    assert {m.get("role") for m in messages} >= ROLES | {None}
    assert {m.get("nation") for m in messages} >= NATIONS | {None}
    assert {m.get("setting") for m in messages} >= SETTINGS | {None}
    assert any(m.get("age_disputed") for m in messages)
    assert any(m.get("nationality") for m in messages)
    assert {m.get("out_of_hours") for m in messages} >= {True, False, None}
    assert any(v.get("value") == "no" for m in messages for v in indicators(m).values())
    assert {v.get("how") for m in messages for v in indicators(m).values()} >= HOWS


def test_the_contract_check_catches_drift(categories: dict[str, str]) -> None:
    """The contract check is not vacuous on this set's kind of entry."""
    drifted = {
        "id": "g-x",
        "text": "she's 15",
        "role": "nurse",
        "age": "15",
        "age_disputed": True,
        "indicators": {"not_an_indicator": {"value": True, "how": "saw"}},
    }
    problems = " | ".join(message_problems(drifted, set(categories)))
    for part in (
        "role 'nurse'",
        "age '15'",
        "'not_an_indicator' is not in the guidance",
        "must be 'yes' or 'no'",
        "how 'saw'",
        "age_disputed and the age_disputed indicator disagree",
    ):
        assert part in problems
