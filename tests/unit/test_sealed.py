"""The user's words sealed inside a case whenever it leaves the action server."""

from __future__ import annotations

import json

import pytest

from bot.conversation import Case
from bot.store import crypto
from bot.store.sealed import open_case, seal_case

NOTE = "she has a purple rucksack from the man"


pytestmark = pytest.mark.usefixtures("data_key")  # tests/unit/conftest.py


def case() -> dict:
    return Case(
        pending="why_not",
        answers={"missing_episodes": {"value": "yes", "how": None, "when": None, "note": NOTE}},
        sharing={"share_with": ["my DSL and PC K"], "child_told": False, "why_not": "risk to her"},
    ).to_dict()


def test_sealed_case_shows_no_words_and_opens_again() -> None:
    sealed = seal_case(case())
    text = json.dumps(sealed)
    for words in (NOTE, "my DSL and PC K", "risk to her"):
        assert words not in text
    assert sealed["answers"]["missing_episodes"]["note"].startswith("sealed:")
    assert sealed["sharing"]["child_told"] is False  # only words are sealed
    assert open_case(sealed) == case()
    assert seal_case(sealed) == sealed  # sealing twice changes nothing


def test_words_that_were_not_sealed_are_dropped() -> None:
    forged = case()  # a slot typed in the clear, e.g. by a forged payload
    opened = open_case(forged)
    assert opened["answers"]["missing_episodes"]["note"] is None
    assert opened["sharing"]["share_with"] == [] and opened["sharing"]["why_not"] is None


def test_words_sealed_with_another_key_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    sealed = seal_case(case())
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEYS", crypto.new_key())
    assert open_case(sealed)["answers"]["missing_episodes"]["note"] is None


def test_anything_but_a_dict_passes_through() -> None:
    assert open_case(None) is None and open_case("x") == "x"
