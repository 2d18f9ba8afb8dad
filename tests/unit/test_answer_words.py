"""The whole-message answer words read before the classifier's guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.answer_lexicon import answer_intent, lexicon, normalise


@pytest.mark.parametrize(
    ("typed", "intent"),
    [
        ("Yes.", "affirm"),
        ("YEP!!", "affirm"),
        ("  no  ", "deny"),
        ("Nac oes", "deny"),
        ("dunno", "unsure"),
        ("Dwi ddim yn siŵr", "unsure"),  # with or without the circumflex
        ("dwi ddim yn siwr", "unsure"),
        ("I don\u2019t know", "unsure"),  # a phone's curly apostrophe
        ("n/a", "skip"),
        ("URGENT", "urgent"),
        ("In danger!", "urgent"),  # was read as inform
        ("Argyfwng", "urgent"),  # Welsh "emergency"; was read as switch_language
        # Short answers the classifier once misread (cross-validation errors):
        ("Certainly.", "affirm"),  # was read as deny
        ("she is", "affirm"),  # was read as urgent
        ("No way!", "deny"),  # was read as unsure
        ("not that I know of", "deny"),
        ("fifty-fifty", "unsure"),
        ("dno", "unsure"),  # was read as deny
    ],
)
def test_listed_answers_are_read_for_certain(typed: str, intent: str) -> None:
    assert answer_intent(typed) == intent


@pytest.mark.parametrize(
    "typed", ["yes she has two phones", "no idea who he is, he says he's her uncle", "nobody", ""]
)
def test_anything_else_is_left_to_the_classifier(typed: str) -> None:
    assert answer_intent(typed) is None


def test_every_listed_word_is_already_normalised_to_one_intent() -> None:
    table = lexicon()
    assert {"affirm", "deny", "unsure", "skip", "urgent"} == set(table.values())
    assert all(normalise(word) == word for word in table)


def test_a_word_under_two_intents_is_refused(tmp_path: Path) -> None:
    clash = tmp_path / "words.yml"
    clash.write_text("affirm: ['yes']\ndeny: ['Yes!']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'Yes!' is listed under affirm and deny"):
        lexicon.__wrapped__(clash)
