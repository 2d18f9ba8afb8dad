"""The featurizer that tells DIET which project word list a message touches."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.build import build
from bot.nlp.context_features import ContextFeatures, context_features, feature_names

NLP = build()


def _message(text: str) -> Message:
    message = Message({TEXT: text})
    message.set(SPACY_DOCS[TEXT], NLP(text))
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process([message])
    return message


def _marked(text: str) -> set[str]:
    features = context_features(_message(text))
    assert features is not None
    _, sentence = features
    return {name for name, value in zip(feature_names(), sentence[0], strict=True) if value}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Glasgow", {"choice:nation", "entity:PLACE"}),
        ("I'm a midwife in Cardiff", {"choice:role", "choice:nation", "entity:PLACE"}),
        ("in A&E", {"choice:role", "choice:setting"}),
        ("he's Albanian and lives with his uncle", {"entity:NATIONALITY", "entity:RELATIONSHIP"}),
        ("yes", set()),
        ("schoolbag", set()),  # whole words only
    ],
)
def test_a_message_is_marked_with_the_lists_it_touches(text: str, expected: set[str]) -> None:
    assert _marked(text) == expected


def test_only_the_tokens_in_a_list_are_marked() -> None:
    message = _message("she met a nurse")
    features = context_features(message)
    assert features is not None
    sequence, _ = features
    role = feature_names().index("choice:role")
    assert [t.text for t in message.get("text_tokens")] == ["she", "met", "a", "nurse"]
    assert list(sequence[:, role]) == [0.0, 0.0, 0.0, 1.0]


def test_the_layout_covers_every_choice_group_and_entity_label() -> None:
    names = feature_names()
    assert len(names) == len(set(names))
    assert {"choice:role", "choice:nation", "choice:setting", "entity:PLACE"} <= set(names)


def test_the_component_adds_sparse_sequence_and_sentence_features() -> None:
    context = ExecutionContext(GraphSchema({}), node_name="context_features")
    component = ContextFeatures.create(
        {**ContextFeatures.get_default_config()},
        None,
        None,
        context,  # type: ignore[arg-type]
    )
    message = _message("we're in Swansea")
    component.process([message])
    sequence, sentence = message.get_sparse_features(TEXT)
    assert sequence is not None and sentence is not None
    tokens = len(message.get("text_tokens"))  # we 're in Swansea
    assert sequence.features.shape == (tokens, len(feature_names()))
    assert sentence.features.shape == (1, len(feature_names()))
    assert sentence.features.sum() >= 2  # nation word and PLACE entity


def test_an_empty_message_gets_no_features() -> None:
    message = Message({TEXT: ""})
    assert context_features(message) is None


def test_every_context_list_is_a_feature_but_not_the_age_answer() -> None:
    """The age question's "not known" repeats the words of "not sure": it is no
    context list, so the features keep the layout the model was trained on."""
    from bot import choices
    from bot.nlp.context_features import NOT_CONTEXT, feature_names

    names = {n for n in feature_names() if n.startswith("choice:")}
    assert names == {f"choice:{g}" for g in choices.GROUPS if g not in NOT_CONTEXT}
    assert "age" in choices.GROUPS and "choice:age" not in names
