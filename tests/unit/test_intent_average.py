"""The logistic regression's reading averaged with DIET's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.intent_average import AveragedLogisticRegression, average_rankings

ROOT = Path(__file__).resolve().parents[2]


def test_rankings_are_averaged_by_weight_best_first() -> None:
    diet = [{"name": "urgent", "confidence": 0.9}, {"name": "inform", "confidence": 0.1}]
    regression = [{"name": "inform", "confidence": 0.7}, {"name": "urgent", "confidence": 0.3}]
    mixed = average_rankings(diet, regression, weight=0.5)
    assert [r["name"] for r in mixed] == ["urgent", "inform"]
    assert [r["confidence"] for r in mixed] == pytest.approx([0.6, 0.4])
    leaning = average_rankings(diet, regression, weight=0.8)
    assert [r["name"] for r in leaning] == ["inform", "urgent"]
    assert leaning[0]["confidence"] == pytest.approx(0.8 * 0.7 + 0.2 * 0.1)


def test_an_intent_missing_from_one_ranking_counts_zero_there() -> None:
    mixed = average_rankings(
        [{"name": "deny", "confidence": 1.0}], [{"name": "unsure", "confidence": 1.0}], 0.25
    )
    assert {r["name"]: r["confidence"] for r in mixed} == pytest.approx(
        {"deny": 0.75, "unsure": 0.25}
    )


def _message(text: str, sparse: list[float], dense: list[float], intent: str = "") -> Message:
    message = Message({TEXT: text, **({INTENT: intent} if intent else {})})
    message.features = [
        Features(scipy.sparse.coo_matrix(np.array([sparse])), FEATURE_TYPE_SENTENCE, TEXT, "words"),
        Features(np.array([dense]), FEATURE_TYPE_SENTENCE, TEXT, "encoder"),
    ]
    return message


def _trained(tmp_path: Path) -> AveragedLogisticRegression:
    component = AveragedLogisticRegression.create(
        AveragedLogisticRegression.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("average"),
        ExecutionContext(GraphSchema({}), node_name="average"),
    )
    examples = [_message(f"u{i}", [1.0, 0.0], [1.0, 0.1 * i], "urgent") for i in range(5)] + [
        _message(f"d{i}", [0.0, 1.0], [-1.0, 0.1 * i], "deny") for i in range(5)
    ]
    component.train(TrainingData(examples))
    return component


def test_the_component_averages_its_reading_with_the_one_already_set(tmp_path: Path) -> None:
    component = _trained(tmp_path)
    alone, after_diet = (_message("x", [1.0, 0.0], [1.0, 0.2]) for _ in range(2))
    component.process([alone])  # nothing before it: the regression alone
    regression = {r["name"]: r["confidence"] for r in alone.get(INTENT_RANKING_KEY)}
    assert alone.get(INTENT)["name"] == "urgent"

    diet = [{"name": "deny", "confidence": 1.0}, {"name": "urgent", "confidence": 0.0}]
    after_diet.set(INTENT, diet[0])
    after_diet.set(INTENT_RANKING_KEY, diet)
    component.process([after_diet])
    mixed = {r["name"]: r["confidence"] for r in after_diet.get(INTENT_RANKING_KEY)}
    assert mixed["urgent"] == pytest.approx(0.5 * regression["urgent"])
    assert mixed["deny"] == pytest.approx(0.5 * regression["deny"] + 0.5)
    assert after_diet.get(INTENT)["name"] == max(mixed, key=mixed.get)
    assert after_diet.get(INTENT)["confidence"] == pytest.approx(max(mixed.values()))


def test_a_message_without_text_keeps_the_earlier_reading(tmp_path: Path) -> None:
    component = _trained(tmp_path)
    empty = Message({TEXT: ""})
    empty.set(INTENT, {"name": "deny", "confidence": 0.4})
    component.process([empty])
    assert empty.get(INTENT) == {"name": "deny", "confidence": 0.4}


def test_an_output_ranking_length_of_0_keeps_every_intent(tmp_path: Path) -> None:
    # A later reading (bot.nlp.tuned_encoder) averages over the whole ranking.
    component = _trained(tmp_path)
    ranked = _message("x", [1.0, 0.0], [1.0, 0.2])
    ranked.set(INTENT_RANKING_KEY, [{"name": f"other{i}", "confidence": 0.0} for i in range(12)])
    component.config["output_ranking_length"] = 0
    component.process([ranked])
    assert len(ranked.get(INTENT_RANKING_KEY)) == 14
    component.config["output_ranking_length"] = 10
    component.process([ranked])
    assert len(ranked.get(INTENT_RANKING_KEY)) == 10


def test_the_saved_regression_reads_exactly_as_the_trained_one(tmp_path: Path) -> None:
    trained = _trained(tmp_path)
    loaded = AveragedLogisticRegression.load(
        AveragedLogisticRegression.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("average"),
        ExecutionContext(GraphSchema({}), node_name="average"),
    )
    probe = scipy.sparse.csr_matrix(np.random.default_rng(7).normal(size=(20, 4)))
    assert list(loaded.clf.classes_) == list(trained.clf.classes_) == ["deny", "urgent"]
    assert np.array_equal(loaded.clf.predict_proba(probe), trained.clf.predict_proba(probe))
    messages = [_message("x", [1.0, 0.0], [1.0, 0.2]) for _ in range(2)]
    trained.process(messages[:1])
    loaded.process(messages[1:])
    assert messages[0].get(INTENT_RANKING_KEY) == messages[1].get(INTENT_RANKING_KEY)


def test_nothing_trained_loads_as_an_untrained_component(tmp_path: Path) -> None:
    loaded = AveragedLogisticRegression.load(
        AveragedLogisticRegression.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("never-trained"),
        ExecutionContext(GraphSchema({}), node_name="average"),
    )
    assert not hasattr(loaded.clf, "coef_")


def test_a_server_loading_the_regression_does_not_import_skops(tmp_path: Path) -> None:
    _trained(tmp_path)
    script = (
        "import sys\n"
        "from rasa.engine.graph import ExecutionContext, GraphSchema\n"
        "from rasa.engine.storage.local_model_storage import LocalModelStorage\n"
        "from pathlib import Path\n"
        "from rasa.engine.storage.resource import Resource\n"
        "from bot.nlp.intent_average import AveragedLogisticRegression as A\n"
        f"A.load(A.get_default_config(), LocalModelStorage(Path({str(tmp_path)!r})), "
        "Resource('average'), ExecutionContext(GraphSchema({}), node_name='average'))\n"
        "print('skops' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_a_model_trained_before_loads_from_rasas_own_format(tmp_path: Path) -> None:
    trained = _trained(tmp_path)
    LogisticRegressionClassifier.persist(trained)  # skops, as models trained before were
    for saved in tmp_path.rglob("*.npz"):
        saved.unlink()
    loaded = AveragedLogisticRegression.load(
        AveragedLogisticRegression.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("average"),
        ExecutionContext(GraphSchema({}), node_name="average"),
    )
    assert isinstance(loaded, AveragedLogisticRegression)
    assert np.array_equal(loaded.clf.coef_, trained.clf.coef_)
