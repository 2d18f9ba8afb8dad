"""A stored case is read through its schema (bot/case_schema.py): each malformed
field is dropped and the case's default stands, and nothing forged can break the
reading."""

from __future__ import annotations

from typing import Any

import pytest

from bot.case_schema import StoredCase
from bot.conversation import Case, new_ref


def test_a_list_in_the_history_is_dropped_not_a_crash() -> None:
    # A slot can be forged by a typed payload: an unhashable item used to raise
    # TypeError while the history was checked against the answers.
    raw = {"answers": {"urgent": {"value": "yes"}}, "history": ["urgent", ["x"], {"y": 1}]}
    assert Case.from_dict(raw).history == ["urgent"]


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("ref", "GH0000000O"),
        ("language", "fr"),
        ("role", "astronaut"),
        ("age", True),
        ("age", 25),
        ("advised", "yes"),
        ("advised", None),
        ("office_hours", 1),
        ("raised_at", "yesterday"),
        ("guidance", "2026-12-03+nothex"),
        ("nationality", "Polish!"),
        ("sharing", ["all"]),
        ("training", {"scenario": "Bad Id", "stage": 1}),
        ("training", {"scenario": "county-lines", "stage": 51}),
    ],
)
def test_a_malformed_field_leaves_the_default(key: str, bad: Any) -> None:
    good = Case(ref=new_ref(), language="cy", role="teacher", age=14, advised=True)
    raw = {**good.to_dict(), key: bad}
    read = Case.from_dict(raw)
    assert getattr(read, key) == getattr(Case(), key) or getattr(read, key) == getattr(good, key)
    assert getattr(read, key) != bad


def test_a_well_formed_case_reads_back_unchanged() -> None:
    case = Case(
        ref=new_ref(),
        language="cy",
        role="police",
        nation="wales",
        setting="school",
        age=15,
        answers={"urgent": {"value": "no", "how": None, "when": None, "note": None}},
        history=["role", "urgent"],
        sharing={"share_with": ["all"], "child_told": False},
        training={
            "scenario": "county-lines",
            "stage": 2,
            "debriefed": True,
            "turns": 4,
            "advice_turn": None,
        },
        raised_at="2026-12-03T10:00:00",
        pending="check",
    )
    assert Case.from_dict(case.to_dict()) == case


def test_the_sharing_keeps_only_the_answers_that_pass() -> None:
    raw = {"sharing": {"share_with": ["all", 3], "child_told": True, "why_not": None}}
    assert StoredCase.present(raw)["sharing"] == {"child_told": True}
