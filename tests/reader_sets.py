"""The contract of the reader's labelled message sets (reader_dev.yml, reader_holdout.yml,
reader_final.yml) and of the scripted conversations: the allowed values, a loader, and
the problem finder every set's schema test shares. Each set's own floors are data in
ReaderSet, so the three sets are checked by one parametrized test."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.choices import EVIDENCE, NATION, ROLE, SETTING
from bot.knowledge import DATA_DIR

DATA = Path(__file__).resolve().parent / "data"

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

# Exploitation kinds (indicator categories) the held-out and final sets must exercise.
KINDS = frozenset(
    {
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
)


@dataclass(frozen=True)
class ReaderSet:
    """One labelled set and the floors the brief sets for it. A check a set does not
    make is off: no kinds, zero past-or-resolved messages, and so on."""

    name: str
    file: Path
    min_messages: int
    min_indicators_covered: int
    min_present_danger: int
    min_low_concern: int
    min_past_or_resolved: int = 0
    # Ids are this letter and digits (d001, h001, f001, j001), so no set's id can be mistaken
    # for another's.
    id_prefix: str | None = None
    kinds: frozenset[str] = frozenset()
    # No text appears twice (compared case- and spacing-blind).
    texts_unique: bool = False
    # Every setting and every way of knowing appears, and some messages give a nationality.
    every_setting_and_how: bool = False


READER_SETS = (
    ReaderSet(
        name="dev",
        file=DATA / "reader_dev.yml",
        min_messages=110,
        min_indicators_covered=60,
        min_present_danger=15,
        min_low_concern=20,
        id_prefix="d",
    ),
    ReaderSet(
        name="holdout",
        file=DATA / "reader_holdout.yml",
        min_messages=100,
        min_indicators_covered=60,
        min_present_danger=10,
        min_low_concern=10,
        id_prefix="h",
        kinds=KINDS,
    ),
    ReaderSet(
        name="final",
        file=DATA / "reader_final.yml",
        min_messages=100,
        min_indicators_covered=70,
        min_present_danger=12,
        min_low_concern=18,
        min_past_or_resolved=8,
        id_prefix="f",
        kinds=KINDS,
        texts_unique=True,
        every_setting_and_how=True,
    ),
    ReaderSet(
        name="final3",
        file=DATA / "reader_final3.yml",
        min_messages=100,
        min_indicators_covered=80,
        min_present_danger=12,
        min_low_concern=18,
        min_past_or_resolved=8,
        id_prefix="j",
        kinds=KINDS,
        texts_unique=True,
        every_setting_and_how=True,
    ),
)


@cache
def categories_by_indicator() -> dict[str, str]:
    """Each indicator id of the guidance with its category, read from the guidance file:
    these tests are about the labelled sets, so a half-edited action or contact elsewhere
    in the guidance (which the loader's own tests catch) does not fail them."""
    bank = yaml.safe_load((DATA_DIR / "indicators.yml").read_text(encoding="utf-8"))
    return {entry["id"]: entry["category"] for entry in bank["indicators"]}


def load_list(file: Path, key: str) -> list[dict[str, Any]]:
    """The one list a set file holds under its single top-level key."""
    loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict) and set(loaded) == {key}
    assert isinstance(loaded[key], list)
    return loaded[key]


def optional(value: Any, allowed: set[str]) -> bool:
    return value is None or value in allowed


def indicators(message: dict[str, Any]) -> dict[str, Any]:
    found = message.get("indicators") or {}
    return found if isinstance(found, dict) else {}


def yes_ids(message: dict[str, Any]) -> set[str]:
    return {
        k for k, v in indicators(message).items() if isinstance(v, dict) and v.get("value") == "yes"
    }


def message_problems(m: dict[str, Any], known: set[str]) -> list[str]:
    """Every way one labelled message breaks the contract (empty when it keeps it)."""
    where = m.get("id", "?")
    problems = [f"{where}: unknown key {k!r}" for k in sorted(set(m) - MESSAGE_KEYS)]
    if not isinstance(m.get("id"), str) or not m["id"]:
        problems.append(f"{where}: id must be a non-empty string")
    if not isinstance(m.get("text"), str) or not m["text"].strip():
        problems.append(f"{where}: text must be a non-empty string")
    for key, allowed in (("role", ROLES), ("nation", NATIONS), ("setting", SETTINGS)):
        if not optional(m.get(key), allowed):
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
    found = m.get("indicators") or {}
    if not isinstance(found, dict):
        return [*problems, f"{where}: indicators must be a mapping"]
    for ind, fact in found.items():
        if ind not in known:
            problems.append(f"{where}: indicator {ind!r} is not in the guidance")
        if not isinstance(fact, dict) or set(fact) - {"value", "how"}:
            problems.append(f"{where}: {ind} must be {{value, how}}")
            continue
        # An unquoted yes/no is read by YAML as a boolean: the contract wants the word.
        if fact.get("value") not in ("yes", "no"):
            problems.append(f"{where}: {ind} value {fact.get('value')!r} must be 'yes' or 'no'")
        if not optional(fact.get("how"), HOWS):
            problems.append(f"{where}: {ind} how {fact.get('how')!r} is not one of {sorted(HOWS)}")
    # The age_disputed field and the age_disputed indicator say the same thing.
    if m.get("age_disputed", False) != ("age_disputed" in yes_ids(m)):
        problems.append(f"{where}: age_disputed and the age_disputed indicator disagree")
    return problems
