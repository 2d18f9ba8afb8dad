"""Dense sentence features from a small pretrained sentence encoder.

Sparse features (words and word pairs) only know the words seen in
training: "a stranger has come to take him" shares few words with the urgent
examples, yet means the same. ``SentenceEncoder`` adds what a pretrained
sentence encoder (all-MiniLM-L6-v2, 6 layers, 384 dimensions) knows about
meaning: one vector per message, the mean of its token vectors (the pooling the
encoder was trained with), normalised to length 1 and then multiplied by
``scale``. A unit vector's 384 numbers are each about 0.05, against the 0s and
1s of the sparse features DIET reads beside it; unscaled, DIET all but ignored
it. In cross-validation (bench/nlu.py) a scale of 10 read best of 5, 10, 20
and 40 (`python -m bench.nlu` prints the figures).

The weights are installed from the package registry and copied, checked
against their published hashes, into build/ at set-up (bot.nlp.encoder_files);
nothing is downloaded at run time. The encoder learns nothing here; a copy of it is
fine-tuned on the intents by bot.nlp.tuned_encoder.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.spelling import CORRECTED_TEXT

# Word pieces read per message: professionals' answers are a sentence or two, and
# an oversized message must not cost more than a normal one.
MAX_PIECES = 128
BATCH = 64


@lru_cache(maxsize=2)
def load_encoder(path: str) -> tuple[Any, Any]:
    """(tokenizer, forward pass) from a local folder; one copy per folder and process
    (room for two: the pretrained encoder and its tuned copy, bot.nlp.tuned_encoder).

    The forward pass maps (input ids, attention mask, token types), int32 arrays of
    any batch size and length, to the last layer's token vectors. It is compiled
    once as a TensorFlow graph: called eagerly, one message took about 67 ms here;
    compiled, about 8 ms.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder: never the network
    import tensorflow as tf
    from transformers import BertTokenizerFast, TFBertModel
    from transformers.utils import logging as transformers_logging

    # Loading PyTorch-format weights into TensorFlow reports one unused buffer
    # (position_ids) as a warning on every start; it is expected.
    transformers_logging.set_verbosity_error()

    if not (Path(path) / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"The sentence encoder is missing from {path}: run the set-up "
            "(scripts/setup.sh), which copies it there with python -m bot.nlp.encoder_files."
        )
    model = TFBertModel.from_pretrained(path)

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)] * 3)
    def forward(input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
        return model(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
            training=False,
        ).last_hidden_state

    # Compile now (about 3 s), at start-up, rather than on the first user's message.
    forward(*[tf.ones((1, 2), tf.int32)] * 3)
    return BertTokenizerFast.from_pretrained(path), forward


def pool(hidden: np.ndarray, mask: np.ndarray, scale: float) -> np.ndarray:
    """Mean of each row's real token vectors (mask 1), unit length, times scale."""
    weights = mask[..., None].astype(hidden.dtype)
    means = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    unit = means / np.where(norms > 0, norms, 1.0)
    return unit * scale


def _tokenise(tokenizer: Any, texts: list[str]) -> Any:
    return tokenizer(
        texts, padding=True, truncation=True, max_length=MAX_PIECES, return_tensors="np"
    )


def _pooled(forward: Any, batch: Any, scale: float) -> np.ndarray:
    ids, mask, types = (
        batch[key].astype(np.int32) for key in ("input_ids", "attention_mask", "token_type_ids")
    )
    return pool(forward(ids, mask, types).numpy(), batch["attention_mask"], scale)


@lru_cache(maxsize=2)
def answer_vectors(path: str) -> dict[tuple[int, ...], np.ndarray]:
    """The unit vectors of the reviewed answer words (bot/nlp/answer_words.yml),
    by word pieces. Whole-message answers ("no", "not sure", "nac oes") are a large
    share of what people type and their vectors never change, so each is encoded
    once, alone, exactly as a message of its own would be. Only this list is kept:
    never a user's message."""
    from bot.nlp.answer_lexicon import lexicon

    tokenizer, forward = load_encoder(path)
    table = {}
    for word in sorted(lexicon()):
        batch = _tokenise(tokenizer, [word])
        table[tuple(batch["input_ids"][0].tolist())] = _pooled(forward, batch, 1.0)[0]
    return table


def encode(texts: list[str], path: str, scale: float = 1.0) -> np.ndarray:
    """One sentence vector per text (len(texts) x 384), of length scale."""
    tokenizer, forward = load_encoder(path)
    if len(texts) == 1:  # a message being read: an answer word's vector is known
        batch = _tokenise(tokenizer, texts)
        known = answer_vectors(path).get(tuple(batch["input_ids"][0].tolist()))
        return (known * scale)[None, :] if known is not None else _pooled(forward, batch, scale)
    vectors = [
        _pooled(forward, _tokenise(tokenizer, texts[start : start + BATCH]), scale)
        for start in range(0, len(texts), BATCH)
    ]
    return np.vstack(vectors) if vectors else np.zeros((0, 0))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoder(DenseFeaturizer, GraphComponent):
    """Adds one dense sentence feature per message text."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "model_path": "build/encoder/all-MiniLM-L6-v2",
            "scale": 10.0,
        }

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """The folder is checked when the encoder loads."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoder:
        config = {**cls.get_default_config(), **config}
        # A missing encoder fails at start, not on a message; the answer words'
        # vectors are made now too, not on the first user's message.
        answer_vectors(config["model_path"])
        return cls(execution_context.node_name, config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return messages
        # The text with typing slips mended (bot.nlp.spelling), where there were any.
        vectors = encode(
            [m.get(CORRECTED_TEXT) or m.get(TEXT) for m in with_text],
            self._config["model_path"],
            self._config["scale"],
        )
        for message, vector in zip(with_text, vectors, strict=True):
            self.add_features_to_message(None, vector[None, :], TEXT, message)
        return messages
