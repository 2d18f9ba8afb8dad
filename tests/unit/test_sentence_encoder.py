"""The pretrained sentence encoder beside the sparse features, and its files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp import encoder_files
from bot.nlp.sentence_encoder import SentenceEncoder, encode, pool

ROOT = Path(__file__).resolve().parents[2]
ENCODER = ROOT / "build" / "encoder" / "all-MiniLM-L6-v2"
PATH = str(ENCODER)


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_pooling_averages_real_tokens_only_and_scales_to_length() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]])  # last one is padding
    pooled = pool(hidden, np.array([[1, 1, 0]]), scale=10.0)
    np.testing.assert_allclose(pooled, [[10.0, 0.0]])


def test_pooling_an_all_zero_row_gives_zeros_not_nan() -> None:
    pooled = pool(np.zeros((1, 2, 3)), np.array([[1, 1]]), scale=10.0)
    assert np.all(pooled == 0.0)


def test_messages_alike_in_meaning_are_closer_than_unrelated_ones() -> None:
    # No words in common within each pair; an encoder that read nothing would fail.
    missing, vanished, weather, dont_know, unsure = encode(
        [
            "the girl has gone missing",
            "the child has disappeared",
            "will it rain today",
            "I do not know",
            "not sure",
        ],
        PATH,
    )
    assert _cosine(missing, vanished) > _cosine(missing, weather) + 0.3
    assert _cosine(dont_know, unsure) > _cosine(dont_know, missing) + 0.3


def test_a_message_reads_the_same_alone_and_in_a_padded_batch() -> None:
    seen = [f"she was seen at the station with an older man, {i} times" for i in range(70)]
    texts = ["no", *seen]
    batch = encode(texts, PATH, scale=10.0)  # two batches, padded to the longest
    alone = encode([texts[0]], PATH, scale=10.0)[0]
    assert batch.shape == (71, 384)
    np.testing.assert_allclose(batch[0], alone, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 10.0, rtol=1e-5)


def test_an_oversized_message_is_cut_to_a_fixed_length_and_still_read() -> None:
    vector = encode(["help " * 20000], PATH)[0]
    assert vector.shape == (384,) and np.all(np.isfinite(vector))


def test_the_component_adds_one_dense_sentence_feature_to_messages_with_text(
    tmp_path: Path,
) -> None:
    component = SentenceEncoder.create(
        {"model_path": PATH},
        LocalModelStorage(tmp_path),
        Resource("encoder"),
        ExecutionContext(GraphSchema({}), node_name="encoder"),
    )
    spoken, empty = Message({TEXT: "she's leaving now"}), Message({TEXT: ""})
    component.process([spoken, empty])
    features = [f for f in spoken.features if not f.is_sparse()]
    assert [(f.type, f.attribute, f.features.shape) for f in features] == [
        ("sentence", TEXT, (1, 384))
    ]
    assert np.linalg.norm(features[0].features) == pytest.approx(10.0, rel=1e-5)
    assert empty.features == []


def test_a_missing_encoder_fails_when_the_component_is_made(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="set-up"):
        SentenceEncoder.create(
            {"model_path": str(tmp_path / "nowhere")},
            LocalModelStorage(tmp_path),
            Resource("encoder"),
            ExecutionContext(GraphSchema({}), node_name="encoder"),
        )


@pytest.fixture
def copy_of_files(tmp_path: Path) -> Path:
    """The checked files, the large weights as a link to save copying 90 MB."""
    folder = tmp_path / "encoder"
    folder.mkdir()
    for name in (*encoder_files.PINNED, *encoder_files.ALSO):
        if name == "model.safetensors":
            (folder / name).symlink_to(ENCODER / name)
        else:
            shutil.copyfile(ENCODER / name, folder / name)
    return folder


def test_the_installed_files_match_the_published_hashes(copy_of_files: Path) -> None:
    encoder_files.check(copy_of_files)


def test_changed_weights_are_refused(copy_of_files: Path) -> None:
    weights = copy_of_files / "model.safetensors"
    weights.unlink()
    weights.write_bytes(b"not the published weights")
    with pytest.raises(
        encoder_files.EncoderFilesError, match=re.escape("model.safetensors differs")
    ):
        encoder_files.check(copy_of_files)


def test_a_word_piece_list_that_differs_from_the_tokenizer_is_refused(
    copy_of_files: Path,
) -> None:
    vocab = copy_of_files / "vocab.txt"
    pieces = vocab.read_text(encoding="utf-8").splitlines()
    pieces[2000], pieces[2001] = pieces[2001], pieces[2000]
    vocab.write_text("\n".join(pieces) + "\n", encoding="utf-8")
    with pytest.raises(encoder_files.EncoderFilesError, match=re.escape("vocab.txt")):
        encoder_files.check(copy_of_files)


def test_a_missing_file_is_refused(copy_of_files: Path) -> None:
    (copy_of_files / "tokenizer_config.json").unlink()
    with pytest.raises(
        encoder_files.EncoderFilesError, match=re.escape("tokenizer_config.json is missing")
    ):
        encoder_files.check(copy_of_files)


def test_install_copies_checked_files_and_refuses_a_bad_source(
    copy_of_files: Path, tmp_path: Path
) -> None:
    out = encoder_files.install(tmp_path / "out", source=copy_of_files)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        (*encoder_files.PINNED, *encoder_files.ALSO)
    )
    (copy_of_files / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(encoder_files.EncoderFilesError, match=re.escape("config.json differs")):
        encoder_files.install(tmp_path / "again", source=copy_of_files)


def test_an_answer_word_reads_exactly_as_if_encoded_afresh() -> None:
    from bot.nlp.sentence_encoder import _pooled, _tokenise, answer_vectors, load_encoder

    tokenizer, forward = load_encoder(PATH)
    for text in ("no", "No", "not sure", "nac oes"):
        fresh = _pooled(forward, _tokenise(tokenizer, [text]), 10.0)
        assert np.array_equal(encode([text], PATH, 10.0), fresh), text
    assert len(answer_vectors(PATH)) >= 100  # the reviewed list, encoded at load


def test_an_answer_word_needs_no_forward_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.nlp import sentence_encoder

    sentence_encoder.answer_vectors(PATH)  # made at load, as the components do
    tokenizer, _forward = sentence_encoder.load_encoder(PATH)

    def no_pass(*_args: object) -> None:
        raise AssertionError("the encoder ran")

    monkeypatch.setattr(sentence_encoder, "load_encoder", lambda _path: (tokenizer, no_pass))
    assert encode(["No"], PATH).shape == (1, 384)
    with pytest.raises(AssertionError, match="the encoder ran"):
        encode(["no, she has not"], PATH)


def test_nothing_a_user_types_is_kept() -> None:
    from bot.nlp.sentence_encoder import answer_vectors

    before = dict(answer_vectors(PATH))
    encode(["her uncle keeps her passport in his car"], PATH)
    encode(["no"], PATH)
    assert answer_vectors(PATH).keys() == before.keys()
