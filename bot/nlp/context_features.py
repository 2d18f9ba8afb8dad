"""Features saying which of the project's own word lists a message touches.

A bare "Glasgow", "midwife" or "in custody" is a context answer, but a classifier
trained on a few hundred examples has seldom seen that word. This featurizer
tells DIET, for every token and for the whole message, whether it belongs to
one of the quick-choice word lists (role, nation, setting, ... in bot/choices.py)
or to an entity the project's spaCy rules found (place, nationality, age, ...
in bot/nlp/patterns). DIET learns what each list means for each intent; the
lists stay where they are reviewed, so nothing is written twice.

``ContextFeatures`` sits after SpacyTokenizer (it reads the spaCy doc that
SpacyNLP made) and before DIETClassifier in config.yml. It learns nothing
itself: the feature layout is fixed by the lists.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import choices
from bot.nlp.build import load_patterns

# Groups that are no context list: the age question's one option ("not known")
# repeats the answer words of "not sure", which the answer lexicon reads already.
NOT_CONTEXT = frozenset({"age"})


@lru_cache(maxsize=1)
def word_lists() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One whole-word, case-insensitive pattern per quick-choice group."""
    lists = []
    for group, options in choices.GROUPS.items():
        if group in NOT_CONTEXT:
            continue
        words = sorted({w for option in options for w in option.words}, key=len, reverse=True)
        alternatives = "|".join(re.escape(w) for w in words)
        lists.append((group, re.compile(rf"(?<![\w&'])(?:{alternatives})(?![\w&'])", re.I)))
    return tuple(lists)


@lru_cache(maxsize=1)
def entity_labels() -> tuple[str, ...]:
    return tuple(sorted({p["label"] for p in load_patterns()}))


def feature_names() -> tuple[str, ...]:
    return tuple(f"choice:{g}" for g, _ in word_lists()) + tuple(
        f"entity:{label}" for label in entity_labels()
    )


def context_features(message: Message) -> tuple[np.ndarray, np.ndarray] | None:
    """(tokens x features, 1 x features) marks for one message's text; None
    when the message has no text or no tokens."""
    text = message.get(TEXT)
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if not text or not tokens:
        return None
    spans: list[tuple[int, int, int]] = []  # (feature index, start, end)
    lists = word_lists()
    for index, (_, pattern) in enumerate(lists):
        spans += [(index, m.start(), m.end()) for m in pattern.finditer(text)]
    doc = message.get(SPACY_DOCS[TEXT])
    labels = entity_labels()
    for ent in getattr(doc, "ents", ()):
        if ent.label_ in labels:
            spans.append((len(lists) + labels.index(ent.label_), ent.start_char, ent.end_char))
    sequence = np.zeros((len(tokens), len(lists) + len(labels)))
    for index, start, end in spans:
        for position, token in enumerate(tokens):
            if token.start < end and start < token.end:
                sequence[position, index] = 1.0
    sentence = sequence.max(axis=0, keepdims=True)
    return sequence, sentence


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class ContextFeatures(SparseFeaturizer, GraphComponent):
    """Marks tokens that are quick-choice words or project entities."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [SpacyTokenizer]

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to configure: the lists decide the layout."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ContextFeatures:
        feature_names()  # a broken list fails at training, not on a user's message
        return cls(execution_context.node_name, config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            features = context_features(message)
            if features is not None:
                sequence, sentence = features
                self.add_features_to_message(
                    scipy.sparse.coo_matrix(sequence),
                    scipy.sparse.coo_matrix(sentence),
                    TEXT,
                    message,
                )
        return messages
