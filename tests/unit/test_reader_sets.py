"""The reader's labelled sets keep to their contract (issue 18): ids the guidance and
the quick choices know, values in range, and enough of each kind of case for the
measurements to mean something. A schema test only: it never runs the reader, and
nothing here may be used to tune it (tuning happens on reader_dev.yml; the held-out and
final sets are blind). It fails when a set drifts from the contract or shrinks below the
floors its ReaderSet gives."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.reader_sets import (
    HOWS,
    NATIONS,
    READER_SETS,
    ROLES,
    SETTINGS,
    ReaderSet,
    categories_by_indicator,
    indicators,
    load_list,
    message_problems,
    yes_ids,
)


def _sets(**flags: bool) -> list[Any]:
    """The reader sets (as pytest params named after them) that make a given check."""
    return [
        pytest.param(s, id=s.name)
        for s in READER_SETS
        if all(getattr(s, flag) == wanted for flag, wanted in flags.items())
    ]


ALL_SETS = _sets()


def _messages(reader_set: ReaderSet) -> list[dict[str, Any]]:
    return load_list(reader_set.file, "messages")


@pytest.mark.parametrize("reader_set", ALL_SETS)
def test_every_message_keeps_the_contract(reader_set: ReaderSet) -> None:
    known = set(categories_by_indicator())
    problems = [p for m in _messages(reader_set) for p in message_problems(m, known)]
    assert problems == []


@pytest.mark.parametrize("reader_set", ALL_SETS)
def test_message_ids_are_unique_and_numbered(reader_set: ReaderSet) -> None:
    ids = [m.get("id") for m in _messages(reader_set)]
    repeated = [i for i, n in Counter(ids).items() if n > 1]
    assert repeated == []
    if reader_set.id_prefix is not None:
        prefix = reader_set.id_prefix
        assert all(isinstance(i, str) and i[:1] == prefix and i[1:].isdigit() for i in ids)


@pytest.mark.parametrize("reader_set", _sets(texts_unique=True))
def test_texts_are_not_repeated(reader_set: ReaderSet) -> None:
    texts = [" ".join(str(m.get("text", "")).lower().split()) for m in _messages(reader_set)]
    assert [t for t, n in Counter(texts).items() if n > 1] == []


@pytest.mark.parametrize("reader_set", ALL_SETS)
def test_the_set_is_large_and_varied_enough(reader_set: ReaderSet) -> None:
    messages = _messages(reader_set)
    covered = {ind for m in messages for ind in indicators(m)}
    present = [m["id"] for m in messages if m.get("present_danger")]
    low_concern = [m["id"] for m in messages if not m.get("present_danger") and not yes_ids(m)]
    # Past or resolved danger: signs stated, but nothing happening now.
    past = [m["id"] for m in messages if not m.get("present_danger") and yes_ids(m)]
    category = categories_by_indicator()
    kinds = {category.get(i) for m in messages for i in yes_ids(m)}
    assert len(messages) >= reader_set.min_messages
    assert len(covered) >= reader_set.min_indicators_covered
    assert len(present) >= reader_set.min_present_danger
    assert len(low_concern) >= reader_set.min_low_concern
    assert len(past) >= reader_set.min_past_or_resolved
    assert kinds >= reader_set.kinds


@pytest.mark.parametrize("reader_set", ALL_SETS)
def test_every_role_and_nation_appears_and_some_messages_state_neither(
    reader_set: ReaderSet,
) -> None:
    messages = _messages(reader_set)
    assert {m.get("role") for m in messages} >= ROLES | {None}
    assert {m.get("nation") for m in messages} >= NATIONS | {None}
    assert any(m.get("age_disputed") for m in messages)
    assert any(m.get("out_of_hours") is True for m in messages)
    assert any(m.get("out_of_hours") is False for m in messages)
    # Explicit negations are labelled too, so the reader is tested on "no" as well.
    assert any(v["value"] == "no" for m in messages for v in indicators(m).values())


@pytest.mark.parametrize("reader_set", _sets(every_setting_and_how=True))
def test_every_setting_and_way_of_knowing_appears_and_some_state_a_nationality(
    reader_set: ReaderSet,
) -> None:
    messages = _messages(reader_set)
    assert {m.get("setting") for m in messages} >= SETTINGS | {None}
    assert any(m.get("nationality") for m in messages)
    # Every way of knowing appears, so "how" is measured as well as "what".
    assert {v.get("how") for m in messages for v in indicators(m).values()} >= HOWS


# A labelled message that keeps the contract, and each kind of drift (one field changed)
# with the words the checker must report it by.
SIGN = "missing_episodes"
VALID_MESSAGE: dict[str, Any] = {
    "id": "x1",
    "text": "she's 15",
    "role": "teacher",
    "nation": "wales",
    "setting": None,
    "age": 15,
    "age_disputed": False,
    "nationality": None,
    "out_of_hours": None,
    "present_danger": False,
    "indicators": {SIGN: {"value": "no", "how": None}},
}
DRIFTS = {
    "unknown key": ({"colour": "blue"}, "unknown key 'colour'"),
    "role": ({"role": "nurse"}, "role 'nurse'"),
    "nation": ({"nation": "cymru"}, "nation 'cymru'"),
    "setting": ({"setting": "ward"}, "setting 'ward'"),
    "age as text": ({"age": "15"}, "age '15'"),
    "age as boolean": ({"age": True}, "age True"),
    "present_danger": ({"present_danger": "yes"}, "present_danger must be true or false"),
    "out_of_hours": ({"out_of_hours": "late"}, "out_of_hours must be"),
    "nationality": ({"nationality": ""}, "nationality must be"),
    "indicator": (
        {"indicators": {"not_an_indicator": {"value": "no", "how": None}}},
        "'not_an_indicator' is not in the guidance",
    ),
    "value": ({"indicators": {SIGN: {"value": True, "how": None}}}, "must be 'yes' or 'no'"),
    "how": ({"indicators": {SIGN: {"value": "yes", "how": "saw"}}}, "how 'saw'"),
    "age_disputed": (
        {"age_disputed": True},
        "age_disputed and the age_disputed indicator disagree",
    ),
}


def test_the_valid_message_keeps_the_contract() -> None:
    """The base of the drift cases is clean, so each drift below is the only fault."""
    assert message_problems(VALID_MESSAGE, set(categories_by_indicator())) == []


@pytest.mark.parametrize(("change", "reported"), DRIFTS.values(), ids=DRIFTS.keys())
def test_the_schema_checks_catch_drift(change: dict[str, Any], reported: str) -> None:
    """The checks above are not vacuous: each kind of drift is reported."""
    problems = " | ".join(
        message_problems({**VALID_MESSAGE, **change}, set(categories_by_indicator()))
    )
    assert reported in problems


def test_the_schema_checks_report_every_drift_at_once() -> None:
    """A message drifted in many ways at once gets every fault reported, not the first."""
    drifted = {
        "id": "x-all",
        "text": "she's 15",
        "role": "nurse",
        "nation": "cymru",
        "setting": "ward",
        "age": True,
        "age_disputed": True,
        "nationality": "",
        "present_danger": "yes",
        "out_of_hours": "late",
        "indicators": {"not_an_indicator": {"value": True, "how": "saw"}},
        "colour": "blue",
    }
    problems = " | ".join(message_problems(drifted, set(categories_by_indicator())))
    # "age as text" is left out: the age drifts as a boolean here.
    for name, (_, reported) in DRIFTS.items():
        if name != "age as text":
            assert reported in problems, name
