"""The reader's FINAL measurement set keeps the same contract as its development and
held-out sets: ids the guidance and the quick choices know, values in range, and enough
of each kind of case for the measurement to mean something. A schema test only: it
never runs the reader. The set is blind and final; nothing here may be used to tune the
reader (tuning happens on reader_dev.yml and reader_holdout.yml)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.choices import EVIDENCE, NATION, ROLE, SETTING
from bot.knowledge import load_knowledge

READER_FINAL = Path(__file__).resolve().parents[1] / "data" / "reader_final.yml"

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

# Floors from the brief for the final set.
MIN_MESSAGES = 100
MIN_INDICATORS_COVERED = 70
MIN_PRESENT_DANGER = 12
MIN_PAST_OR_RESOLVED = 8
MIN_LOW_CONCERN = 18
# Exploitation kinds (indicator categories) the final set must exercise.
KINDS = {
    "criminal",
    "sexual",
    "online",
    "work",
    "domestic_servitude",
    "forced_marriage",
    "fraud",
    "journey",
    "documents",
}


@pytest.fixture(scope="module")
def categories_by_indicator() -> dict[str, str]:
    """Each indicator id of the guidance, with its category, as the loader reads it."""
    knowledge = load_knowledge(strict_review=False)
    return {i.id: i.category for i in knowledge.indicators.values()}


@pytest.fixture(scope="module")
def messages() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(READER_FINAL.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict) and set(loaded) == {"messages"}
    assert isinstance(loaded["messages"], list)
    return loaded["messages"]


def _optional(value: Any, allowed: set[str]) -> bool:
    return value is None or value in allowed


def _indicators(message: dict[str, Any]) -> dict[str, Any]:
    found = message.get("indicators") or {}
    return found if isinstance(found, dict) else {}


def _yes_ids(message: dict[str, Any]) -> set[str]:
    return {
        k
        for k, v in _indicators(message).items()
        if isinstance(v, dict) and v.get("value") == "yes"
    }


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
    messages: list[dict[str, Any]], categories_by_indicator: dict[str, str]
) -> None:
    known = set(categories_by_indicator)
    problems = [p for m in messages for p in _message_problems(m, known)]
    assert problems == []


def test_message_ids_are_unique_and_numbered(messages: list[dict[str, Any]]) -> None:
    ids = [m.get("id") for m in messages]
    repeated = [i for i, n in Counter(ids).items() if n > 1]
    assert repeated == []
    # f001, f002, ...: a final-set id can never be mistaken for a dev or held-out one.
    assert all(isinstance(i, str) and i[:1] == "f" and i[1:].isdigit() for i in ids)


def test_texts_are_not_repeated(messages: list[dict[str, Any]]) -> None:
    texts = [" ".join(str(m.get("text", "")).lower().split()) for m in messages]
    assert [t for t, n in Counter(texts).items() if n > 1] == []


def test_the_set_is_large_and_varied_enough(
    messages: list[dict[str, Any]], categories_by_indicator: dict[str, str]
) -> None:
    covered = {ind for m in messages for ind in _indicators(m)}
    present = [m["id"] for m in messages if m.get("present_danger")]
    low_concern = [m["id"] for m in messages if not m.get("present_danger") and not _yes_ids(m)]
    # Past or resolved danger: signs stated, but nothing happening now.
    past = [m["id"] for m in messages if not m.get("present_danger") and _yes_ids(m)]
    kinds = {categories_by_indicator.get(i) for m in messages for i in _yes_ids(m)}
    assert len(messages) >= MIN_MESSAGES
    assert len(covered) >= MIN_INDICATORS_COVERED
    assert len(present) >= MIN_PRESENT_DANGER
    assert len(past) >= MIN_PAST_OR_RESOLVED
    assert len(low_concern) >= MIN_LOW_CONCERN
    assert kinds >= KINDS


def test_every_role_nation_and_setting_appears_and_some_state_none(
    messages: list[dict[str, Any]],
) -> None:
    assert {m.get("role") for m in messages} >= ROLES | {None}
    assert {m.get("nation") for m in messages} >= NATIONS | {None}
    assert {m.get("setting") for m in messages} >= SETTINGS | {None}
    assert any(m.get("age_disputed") for m in messages)
    assert any(m.get("nationality") for m in messages)
    assert any(m.get("out_of_hours") is True for m in messages)
    assert any(m.get("out_of_hours") is False for m in messages)
    # Explicit negations are labelled too, so the reader is tested on "no" as well.
    assert any(v["value"] == "no" for m in messages for v in _indicators(m).values())
    # Every way of knowing appears, so "how" is measured as well as "what".
    assert {v.get("how") for m in messages for v in _indicators(m).values()} >= HOWS


def test_the_schema_checks_catch_drift(categories_by_indicator: dict[str, str]) -> None:
    """The checks above are not vacuous: each kind of drift is reported."""
    drifted = {
        "id": "f-x",
        "text": "she's 15",
        "role": "nurse",
        "nation": "cymru",
        "setting": "ward",
        "age": True,
        "age_disputed": True,
        "present_danger": "yes",
        "out_of_hours": "late",
        "nationality": "",
        "indicators": {"not_an_indicator": {"value": True, "how": "saw"}},
        "colour": "blue",
    }
    problems = " | ".join(_message_problems(drifted, set(categories_by_indicator)))
    for part in (
        "unknown key 'colour'",
        "role 'nurse'",
        "nation 'cymru'",
        "setting 'ward'",
        "age True",
        "present_danger",
        "out_of_hours",
        "nationality must be",
        "'not_an_indicator' is not in the guidance",
        "must be 'yes' or 'no'",
        "how 'saw'",
        "age_disputed and the age_disputed indicator disagree",
    ):
        assert part in problems
