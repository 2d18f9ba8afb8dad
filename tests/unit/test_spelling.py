"""Typing slips mended for the classifier, and real words left alone."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp import spelling
from bot.nlp.spelling import (
    CORRECTED_TEXT,
    MAX_WORDS,
    SpellingNormaliser,
    correct_word,
    one_slip_away,
    welsh_words,
)

VOCABULARY = Counter(
    {"urgent": 9, "unsure": 4, "station": 2, "worry": 1, "work": 5, "help": 6, "skip": 3}
)
WELSH = welsh_words()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("urgnet", "urgent"),  # neighbours swapped
        ("unsre", "unsure"),  # a letter missed out
        ("skipp", "skip"),  # a letter typed twice
        ("hwlp", "help"),  # a wrong letter
        ("staion", "station"),
    ],
)
def test_a_word_one_slip_from_a_training_word_reads_as_that_word(typed: str, meant: str) -> None:
    assert correct_word(typed, VOCABULARY, WELSH) == meant


def test_the_commoner_slip_wins_over_the_commoner_word() -> None:
    # "wory" is a missed letter from "worry" and a wrong letter from "work",
    # which training saw more often; a missed letter is the likelier slip.
    assert correct_word("wory", VOCABULARY, WELSH) == "worry"


@pytest.mark.parametrize(
    "word",
    [
        "dress",  # English, though not in training ("address" is one slip away)
        "colour",  # British spelling of a listed word
        "wasnt",  # a word once its apostrophe is put back
        "brys",  # Welsh: "urgent"
        "nage",  # Welsh answer word
        "plentyn",  # Welsh: "child"
        "hel",  # too short to guess at
        "URGNT",  # upper case: an acronym or initials
        "Urgnet",  # capitalised mid-message: a name
        "urgnt5",  # digits: a code
        "urgênt",  # not English letters
    ],
)
def test_real_words_names_codes_and_short_words_are_left_alone(word: str) -> None:
    vocabulary = Counter({**VOCABULARY, "address": 1, "boys": 1, "name": 1, "plenty": 1})
    assert correct_word(word, vocabulary, WELSH) == word


def test_a_word_nothing_in_training_is_near_is_left_as_typed() -> None:
    assert correct_word("zxqvw", VOCABULARY, WELSH) == "zxqvw"


def test_one_slip_away_ranks_swaps_then_missed_then_extra_then_wrong_letters() -> None:
    ranked = dict((c, r) for r, c in reversed(one_slip_away("ab")))
    assert ranked["ba"] == 0 and ranked["abc"] == 1 and ranked["a"] == 2 and ranked["ac"] == 3
    assert "ab" not in ranked  # a "wrong" letter is never the same letter


def test_welsh_guard_words_come_from_the_catalogue_and_the_answer_words() -> None:
    assert {"nage", "falle", "oes"} <= WELSH  # answer words
    assert "gwybod" in WELSH  # the Welsh catalogue
    # Only the translations: the English source texts beside them are not Welsh.
    assert not {"question", "trafficked"} & WELSH


def _component(tmp_path: Path) -> tuple[SpellingNormaliser, LocalModelStorage, Resource]:
    storage, resource = LocalModelStorage(tmp_path), Resource("spelling")
    context = ExecutionContext(GraphSchema({}), node_name="spelling")
    return SpellingNormaliser.create({}, storage, resource, context), storage, resource


def _tokenised(*texts: str) -> list[Message]:
    messages = [Message({TEXT: t, INTENT: "inform"}) for t in texts]
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    tokenizer.process_training_data(TrainingData(messages))
    return messages


def test_the_component_learns_words_from_training_and_mends_tokens_after_loading(
    tmp_path: Path,
) -> None:
    component, storage, resource = _component(tmp_path)
    component.train(TrainingData(_tokenised("she is leaving now it is urgent", "at the station")))
    loaded = SpellingNormaliser.load(
        {}, storage, resource, ExecutionContext(GraphSchema({}), node_name="spelling")
    )
    message = _tokenised("Urgnet she is at the staion with Dawid")[0]
    loaded.process([message])
    assert [t.text for t in message.get(TOKENS_NAMES[TEXT])] == [
        "Urgent", "she", "is", "at", "the", "station", "with", "Dawid",
    ]  # fmt: skip
    assert [t.lemma for t in message.get(TOKENS_NAMES[TEXT])][5] == "station"
    # The text kept is as typed; the mended one is only for the sentence encoder.
    assert message.get(TEXT) == "Urgnet she is at the staion with Dawid"
    assert message.get(CORRECTED_TEXT) == "Urgent she is at the station with Dawid"
    assert CORRECTED_TEXT not in message.as_dict(only_output_properties=True)


def test_a_message_in_capitals_is_mended_in_capitals(tmp_path: Path) -> None:
    component, _, _ = _component(tmp_path)
    component.train(TrainingData(_tokenised("it is urgent")))
    message = _tokenised("URGNET SHE IS LEAVING")[0]
    component.process([message])
    assert message.get(CORRECTED_TEXT) == "URGENT SHE IS LEAVING"


def test_a_message_with_nothing_to_mend_is_untouched(tmp_path: Path) -> None:
    component, _, _ = _component(tmp_path)
    component.train(TrainingData(_tokenised("it is urgent")))
    message, empty = _tokenised("it is urgent")[0], Message({TEXT: ""})
    component.process([message, empty])
    assert message.get(CORRECTED_TEXT) is None and empty.get(CORRECTED_TEXT) is None


def test_an_oversized_message_is_only_read_up_to_a_fixed_number_of_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    component, _, _ = _component(tmp_path)
    component.train(TrainingData(_tokenised("it is urgent")))
    looked_at = []
    real = spelling.correct_word
    monkeypatch.setattr(
        spelling, "correct_word", lambda w, *a, **k: looked_at.append(w) or real(w, *a, **k)
    )
    message = _tokenised("urgnet " * 20000)[0]
    component.process([message])
    assert len(looked_at) == MAX_WORDS
    texts = np.array([t.text for t in message.get(TOKENS_NAMES[TEXT])])
    assert (texts[:MAX_WORDS] == "urgent").all() and (texts[MAX_WORDS:] == "urgnet").all()
