"""Short answers read for certain, before the classifier's guess can stand.

"no", "dunno", "nac oes": a whole message that is one of the listed answer words
(bot/nlp/answer_words.yml) gets that intent with full confidence. DIET still reads
everything else. The words are the project's own list, reviewed like the guidance,
not learnt: a terse answer to a safety question should never depend on how a
model happened to train. ``AnswerWords`` is the Rasa NLU component; it sits after
DIETClassifier and before FallbackClassifier in config.yml.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

WORDS_FILE = Path(__file__).with_name("answer_words.yml")
_DROP = re.compile(r"[^a-z0-9'/ ]+")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation dropped, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_DROP.sub(" ", bare).split())


@lru_cache(maxsize=1)
def lexicon(path: Path = WORDS_FILE) -> dict[str, str]:
    """Normalised answer -> intent. Refuses a word listed under two intents."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for intent, words in raw.items():
        for word in words:
            key = normalise(str(word))
            if key in table and table[key] != intent:
                raise ValueError(f"{path.name}: '{word}' is listed under {table[key]} and {intent}")
            table[key] = intent
    return table


def answer_intent(text: str) -> str | None:
    """The intent a whole-message answer word gives, or None."""
    return lexicon().get(normalise(text))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AnswerWords(GraphComponent, IntentClassifier):
    """Sets the intent of a whole-message answer word, confidence 1.0."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AnswerWords:
        lexicon()  # a broken word list fails at training, not on a user's message
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = answer_intent(message.get(TEXT) or "")
            if intent is None:
                continue
            top = {"name": intent, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != intent]
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
        return messages
