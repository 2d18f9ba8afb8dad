"""A second reading of the intent, averaged with DIET's.

DIET and a logistic regression read the same features (words, word pairs, the
sentence encoder's vector) and learn them differently: DIET is trained with a
margin and is often sure, the regression spreads its probability. They make
different mistakes, so the average of the two is right more often than either:
in cross-validation on the same folds, with equal weights (`python -m bench.nlu`
prints the figures; docs/language.md).

``AveragedLogisticRegression`` is Rasa's own LogisticRegressionClassifier; it
sits after DIETClassifier in config.yml and, instead of overwriting DIET's
intent, averages the two rankings. DIET must report every intent
(``ranking_length: 0``) for the average to be over all of them.

It keeps its fitted regression as four plain arrays (numpy's ``.npz``, no pickle)
rather than with skops as Rasa does: importing skops lists every scikit-learn type,
a large share of a Rasa server's start-up (``python -m bench.servers`` measures it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

Ranking = list[dict[str, Any]]


def average_rankings(first: Ranking, second: Ranking, weight: float) -> Ranking:
    """``weight`` x second + (1 - weight) x first for every intent, best first.

    An intent missing from one ranking counts 0 there.
    """
    a = {r["name"]: float(r["confidence"]) for r in first}
    b = {r["name"]: float(r["confidence"]) for r in second}
    mixed = [
        {"name": name, "confidence": weight * b.get(name, 0.0) + (1 - weight) * a.get(name, 0.0)}
        for name in a.keys() | b.keys()
    ]
    return sorted(mixed, key=lambda r: (-r["confidence"], r["name"]))


def set_ranking(message: Message, ranking: Ranking, length: int) -> None:
    """A best-first ranking as the message's intent and ranking (length 0: all of it)."""
    message.set(INTENT, ranking[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking[: length or None], add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class AveragedLogisticRegression(LogisticRegressionClassifier):
    """Logistic regression whose ranking is averaged with the one already set."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "ranking_length": 0,  # the whole ranking goes into the average
            "max_iter": 2000,  # converges (Rasa's 100 stops short on these features)
            "weight": 0.5,  # this model's share; the rest is the earlier classifier's
            "output_ranking_length": 10,  # 0: every intent, for a later average
        }

    def process(self, messages: list[Message]) -> list[Message]:
        # A message with no text has no sentence features to read; it keeps
        # whatever the earlier classifier said.
        readable = [m for m in messages if m.get(TEXT)]
        if not readable:
            return messages
        earlier = [m.get(INTENT_RANKING_KEY) or [] for m in readable]
        super().process(readable)
        for message, before in zip(readable, earlier, strict=True):
            if not before:  # no earlier reading: the regression's stands alone
                continue
            ranking = average_rankings(
                before, message.get(INTENT_RANKING_KEY), self.config["weight"]
            )
            set_ranking(message, ranking, self.config["output_ranking_length"])
        return messages

    def persist(self) -> None:
        fitted = self.clf
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(
                model_dir / f"{self._resource.name}.npz",
                coef=fitted.coef_,
                intercept=fitted.intercept_,
                classes=fitted.classes_.astype(str),
                n_features=np.array(fitted.n_features_in_),
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> AveragedLogisticRegression:
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with (
                model_storage.read_from(resource) as model_dir,
                np.load(model_dir / f"{resource.name}.npz", allow_pickle=False) as saved,
            ):
                component.clf.coef_ = saved["coef"]
                component.clf.intercept_ = saved["intercept"]
                component.clf.classes_ = saved["classes"]
                component.clf.n_features_in_ = int(saved["n_features"])
        except ValueError:  # nothing was trained (no intents): as Rasa's own load does
            return cls.create(config, model_storage, resource, execution_context)
        except FileNotFoundError:  # a model trained before: kept with skops, Rasa's way
            return super().load(config, model_storage, resource, execution_context, **kwargs)
        return component
