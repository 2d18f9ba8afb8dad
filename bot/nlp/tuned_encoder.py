"""A third reading of the intent: the sentence encoder fine-tuned on our examples.

``SentenceEncoder`` gives DIET and the regression the pretrained encoder's
vector, which knows meaning in general but not our labels: "she's not safe right
now" and "the child is safe right now" sit close together. Here a copy of the
encoder is trained, all six layers, with one softmax layer on its pooled vector
(the same pooling as ``sentence_encoder.pool``), to tell our intents apart. Its
ranking is averaged with the one already set by DIET and the regression.

In cross-validation on the same folds (`python -m bench.nlu` prints them) the
tuned encoder alone read about as well as DIET and the regression together, and
made different mistakes: the average of the three was better than either.

Training costs about a minute on two cores (5 passes over the examples, in
batches of similar length so little time goes on padding). The tuned copy is
saved with the model (about 90 MB); at run time it is read by the same compiled
forward pass as the pretrained encoder (``sentence_encoder.encode``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.intent_average import average_rankings, set_ranking
from bot.nlp.sentence_encoder import MAX_PIECES, answer_vectors, encode
from bot.nlp.spelling import CORRECTED_TEXT

TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)
HEAD_FILE = "head.npz"
LABELS_FILE = "labels.json"


def _text(message: Message) -> str:
    """The text with typing slips mended (bot.nlp.spelling), as the encoder reads it."""
    return message.get(CORRECTED_TEXT) or message.get(TEXT)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def length_batches(lengths: list[int], size: int, rng: np.random.Generator) -> list[list[int]]:
    """Row numbers in batches of about ``size``, each of similar lengths, in random order.

    Rows are shuffled, sorted by length within runs of eight batches, cut into
    batches, and the batches shuffled: every pass sees different batches, and a
    batch is padded only to its own longest message.
    """
    order = rng.permutation(len(lengths))
    run = size * 8
    batches = []
    for start in range(0, len(order), run):
        chunk = sorted(order[start : start + run], key=lambda row: lengths[row])
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    return [[int(row) for row in batches[i]] for i in rng.permutation(len(batches))]


def fine_tune(
    texts: list[str], labels: list[int], n_labels: int, config: dict[str, Any]
) -> tuple[Any, np.ndarray, np.ndarray]:
    """(tuned encoder, head kernel, head bias), trained on texts and label numbers."""
    import tensorflow as tf
    from transformers import BertTokenizerFast, TFBertModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    tf.keras.utils.set_random_seed(config["random_seed"])
    path = config["model_path"]
    pieces = BertTokenizerFast.from_pretrained(path)(texts, truncation=True, max_length=MAX_PIECES)[
        "input_ids"
    ]
    bert = TFBertModel.from_pretrained(path)
    head = tf.keras.layers.Dense(n_labels)
    dropout = tf.keras.layers.Dropout(config["drop_rate"])
    optimizer = tf.keras.optimizers.Adam(config["learning_rate"])
    loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    scale = float(config["scale"])

    def logits(ids: Any, mask: Any, training: bool) -> Any:
        hidden = bert(
            input_ids=ids,
            attention_mask=mask,
            token_type_ids=tf.zeros_like(ids),
            training=training,
        ).last_hidden_state
        weights = tf.cast(mask, hidden.dtype)[..., None]
        means = tf.reduce_sum(hidden * weights, 1) / tf.maximum(tf.reduce_sum(weights, 1), 1.0)
        # As sentence_encoder.pool: unit length, times scale.
        return head(dropout(tf.math.l2_normalize(means, axis=1) * scale, training=training))

    batch_of = [tf.TensorSpec([None, None], tf.int32)] * 2 + [tf.TensorSpec([None], tf.int32)]

    @tf.function(input_signature=batch_of)
    def step(ids: Any, mask: Any, targets: Any) -> Any:
        with tf.GradientTape() as tape:
            value = loss(targets, logits(ids, mask, training=True))
        variables = bert.trainable_variables + head.trainable_variables
        # TensorFlow's compiled zip takes no strict=; both lists have one entry per variable.
        optimizer.apply_gradients(zip(tape.gradient(value, variables), variables))  # noqa: B905
        return value

    rng = np.random.default_rng(config["random_seed"])
    targets = np.asarray(labels, dtype=np.int32)
    for _ in range(config["epochs"]):
        for rows in length_batches([len(p) for p in pieces], config["batch_size"], rng):
            width = max(len(pieces[row]) for row in rows)
            ids = np.zeros((len(rows), width), np.int32)
            for j, row in enumerate(rows):
                ids[j, : len(pieces[row])] = pieces[row]
            step(ids, (ids != 0).astype(np.int32), targets[rows])
    kernel, bias = (w.numpy() for w in head.weights)
    return bert, kernel, bias


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TunedEncoderClassifier(GraphComponent, IntentClassifier):
    """Fine-tunes the sentence encoder on the intents; averages its ranking in."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "model_path": "build/encoder/all-MiniLM-L6-v2",
            "scale": 10.0,  # as SentenceEncoder's
            "epochs": 5,
            "learning_rate": 5e-5,
            "batch_size": 32,
            "drop_rate": 0.1,
            "random_seed": 7,
            "weight": 0.5,  # this reading's share; the rest is the earlier classifiers'
            "output_ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        tuned: tuple[str, np.ndarray, np.ndarray, list[str]] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        # (folder of the tuned encoder, head kernel, head bias, intent names)
        self._tuned = tuned

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TunedEncoderClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        names = sorted({m.get(INTENT) for m in examples})
        if len(names) < 2:  # nothing to tell apart: the earlier readings stand
            return self._resource
        index = {name: i for i, name in enumerate(names)}
        bert, kernel, bias = fine_tune(
            [_text(m) for m in examples],
            [index[m.get(INTENT)] for m in examples],
            len(names),
            self._config,
        )
        with self._model_storage.write_to(self._resource) as folder:
            bert.save_pretrained(folder, safe_serialization=True)
            for name in TOKENIZER_FILES:
                shutil.copy(Path(self._config["model_path"]) / name, folder / name)
            np.savez(folder / HEAD_FILE, kernel=kernel, bias=bias)
            (folder / LABELS_FILE).write_text(json.dumps(names))
            self._tuned = (str(folder), kernel, bias, names)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TunedEncoderClassifier:
        try:
            with model_storage.read_from(resource) as folder:
                head = np.load(folder / HEAD_FILE)
                names = json.loads((folder / LABELS_FILE).read_text())
                tuned = (str(folder), head["kernel"], head["bias"], names)
                # Compile the forward pass and encode the answer words now, at
                # start-up, not on a user's message.
                answer_vectors(tuned[0])
        except ValueError:  # trained with fewer than two intents: nothing was saved
            tuned = None
        return cls(config, model_storage, resource, tuned)

    def process(self, messages: list[Message]) -> list[Message]:
        readable = [m for m in messages if m.get(TEXT)]
        if self._tuned is None or not readable:
            return messages
        folder, kernel, bias, names = self._tuned
        vectors = encode([_text(m) for m in readable], folder, self._config["scale"])
        for message, row in zip(readable, softmax(vectors @ kernel + bias), strict=True):
            mine = [{"name": n, "confidence": float(p)} for n, p in zip(names, row, strict=True)]
            before = message.get(INTENT_RANKING_KEY)
            if before:
                ranking = average_rankings(before, mine, self._config["weight"])
            else:  # no earlier reading: this one stands alone
                ranking = sorted(mine, key=lambda r: (-r["confidence"], r["name"]))
            set_ranking(message, ranking, self._config["output_ranking_length"])
        return messages
