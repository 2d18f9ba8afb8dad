"""The sentence encoder fine-tuned on the intents, and its reading averaged in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.tuned_encoder import TunedEncoderClassifier, length_batches, softmax

ROOT = Path(__file__).resolve().parents[2]
CONFIG = {
    **TunedEncoderClassifier.get_default_config(),
    "model_path": str(ROOT / "build" / "encoder" / "all-MiniLM-L6-v2"),
    "epochs": 8,  # a handful of examples needs more passes than the real set
    "batch_size": 8,
}
EXAMPLES = {
    "greet": ["hello", "hi there", "good afternoon", "hiya", "hey", "morning all"],
    "urgent": [
        "she is in danger right now",
        "a man is taking him away as we speak",
        "the child is about to be moved tonight",
        "emergency, she is being driven off now",
        "he's leaving with a stranger now",
        "they are collecting her from school right now",
    ],
    "thanks": ["thank you", "thanks a lot", "cheers", "many thanks", "ta", "much appreciated"],
}


def _node(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=name)


def _trained(storage: LocalModelStorage, examples: dict[str, list[str]]) -> TunedEncoderClassifier:
    component = TunedEncoderClassifier.create(CONFIG, storage, Resource("tuned"), _node("tuned"))
    component.train(
        TrainingData(
            [Message({TEXT: t, INTENT: name}) for name, texts in examples.items() for t in texts]
        )
    )
    return component


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    storage = LocalModelStorage(tmp_path_factory.mktemp("tuned"))
    _trained(storage, EXAMPLES)
    return storage


def _loaded(storage: LocalModelStorage) -> TunedEncoderClassifier:
    return TunedEncoderClassifier.load(CONFIG, storage, Resource("tuned"), _node("tuned"))


def _read(component: TunedEncoderClassifier, text: str) -> Message:
    message = Message({TEXT: text})
    component.process([message])
    return message


def test_batches_hold_every_row_once_and_group_similar_lengths() -> None:
    lengths = [int(n) for n in np.random.default_rng(1).integers(1, 60, size=500)]
    batches = length_batches(lengths, 32, np.random.default_rng(7))
    assert sorted(row for batch in batches for row in batch) == list(range(500))
    assert all(1 <= len(batch) <= 32 for batch in batches)
    # Padding costs what the longest row in a batch costs: sorting keeps it far
    # below batches drawn at random (about 58 of 60 would be the norm there).
    spread = np.mean([max(lengths[r] for r in b) - min(lengths[r] for r in b) for b in batches])
    assert spread < 15
    again = length_batches(lengths, 32, np.random.default_rng(7))
    assert again == batches  # the same seed, the same batches


def test_softmax_rows_are_probabilities_even_for_large_scores() -> None:
    probabilities = softmax(np.array([[1000.0, 999.0, 0.0], [0.0, 0.0, 0.0]]))
    np.testing.assert_allclose(probabilities.sum(axis=1), [1.0, 1.0])
    assert probabilities[0].argmax() == 0
    np.testing.assert_allclose(probabilities[1], [1 / 3] * 3)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("good evening", "greet"),
        ("she's being taken by a stranger at this moment", "urgent"),
        ("thank you very much", "thanks"),
    ],
)
def test_unseen_messages_are_read_as_the_intent_they_mean(
    storage: LocalModelStorage, text: str, intent: str
) -> None:
    message = _read(_loaded(storage), text)
    assert message.get(INTENT)["name"] == intent
    assert message.get(INTENT)["confidence"] > 0.5
    assert {r["name"] for r in message.get(INTENT_RANKING_KEY)} == set(EXAMPLES)


def test_the_reading_is_averaged_with_the_one_already_set(storage: LocalModelStorage) -> None:
    component = _loaded(storage)
    alone = _read(component, "hello there")
    tuned = {r["name"]: r["confidence"] for r in alone.get(INTENT_RANKING_KEY)}

    earlier = Message({TEXT: "hello there"})
    before = [{"name": "urgent", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    earlier.set(INTENT, before[0])
    earlier.set(INTENT_RANKING_KEY, before)
    component.process([earlier])
    mixed = {r["name"]: r["confidence"] for r in earlier.get(INTENT_RANKING_KEY)}
    assert mixed["urgent"] == pytest.approx(0.5 * 0.9 + 0.5 * tuned["urgent"])
    assert mixed["greet"] == pytest.approx(0.5 * 0.1 + 0.5 * tuned["greet"])
    assert mixed["thanks"] == pytest.approx(0.5 * tuned["thanks"])
    assert earlier.get(INTENT)["name"] == max(mixed, key=mixed.get)


def test_the_saved_model_reads_as_the_trained_one_did(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    trained = _trained(storage, EXAMPLES)
    text = "hi, good morning"
    before = _read(trained, text).get(INTENT_RANKING_KEY)
    after = _read(_loaded(storage), text).get(INTENT_RANKING_KEY)
    assert [r["name"] for r in after] == [r["name"] for r in before]
    assert [r["confidence"] for r in after] == pytest.approx(
        [r["confidence"] for r in before], abs=1e-5
    )


def test_a_message_without_text_keeps_the_earlier_reading(storage: LocalModelStorage) -> None:
    empty = Message({TEXT: ""})
    empty.set(INTENT, {"name": "greet", "confidence": 0.4})
    _loaded(storage).process([empty])
    assert empty.get(INTENT) == {"name": "greet", "confidence": 0.4}


def test_with_one_intent_nothing_is_trained_and_earlier_readings_stand(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    _trained(storage, {"greet": EXAMPLES["greet"]})
    message = Message({TEXT: "hello"})
    message.set(INTENT, {"name": "greet", "confidence": 0.7})
    _loaded(storage).process([message])
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.7}
