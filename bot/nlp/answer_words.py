"""Short answers read for certain, before the classifier's guess can stand.

"no", "dunno", "nac oes": a whole message that is one of the listed answer words
(bot/nlp/answer_words.yml, looked up by bot/nlp/answer_lexicon.py) gets that
intent with full confidence. The three readers before it read everything else.
The words are the project's own list, reviewed like the guidance, not learnt: a
terse answer to a safety question should never depend on how a model happened to
train. ``AnswerWords`` is the Rasa NLU component; it sits after the intent
classifiers and before FallbackClassifier in config.yml.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.answer_lexicon import answer_intent, lexicon


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
