"""Encryption at rest for notes and drafts.

Fernet from `cryptography` (AES-128-CBC with HMAC-SHA256, a random IV per value):
a well-kept library, not home-made crypto. Keys come from the environment:

- GOLDEN_HOUR_DATA_KEYS: one or more Fernet keys, comma-separated. The first
  encrypts; every one decrypts, so a key can be rotated by putting the new key
  first and re-saving (MultiFernet).
- otherwise GOLDEN_HOUR_DATA_KEY_FILE (default .run/data.key), a file holding one
  key. `scripts/run` and `scripts/test` create it for the embedded default and say
  where it is; a real deployment sets GOLDEN_HOUR_DATA_KEYS from its secret store.

With neither, nothing is stored in the clear: saving fails, and the action
answers with the safety message instead.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.config import read
from bot.store.private_files import narrow, owner_only, tighten_umask

DEFAULT_KEY_FILE = Path(__file__).resolve().parents[2] / ".run" / "data.key"


class KeyMissing(RuntimeError):
    """No data key configured: refuse to store rather than store in the clear."""


def _keys() -> tuple[bytes, ...]:
    raw = read("GOLDEN_HOUR_DATA_KEYS") or ""
    keys = tuple(k.strip().encode() for k in raw.split(",") if k.strip())
    if keys:
        return keys
    path = Path(read("GOLDEN_HOUR_DATA_KEY_FILE") or DEFAULT_KEY_FILE)
    try:
        _owner_only_once(path)
        return (path.read_text(encoding="ascii").strip().encode(),)
    except OSError as exc:
        raise KeyMissing(
            "no data key: set GOLDEN_HOUR_DATA_KEYS or create GOLDEN_HOUR_DATA_KEY_FILE"
        ) from exc


@lru_cache(maxsize=4)
def _owner_only_once(path: Path) -> None:
    """An existing key file is narrowed to 0600 the first time a process reads it
    (it may have been copied into place with wider bits). Raises OSError, and
    remembers nothing, when there is no such file."""
    narrow(path)


@lru_cache(maxsize=4)
def _cipher(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(text: str) -> bytes:
    return _cipher(_keys()).encrypt(text.encode("utf-8"))


def decrypt(token: bytes) -> str:
    try:
        return _cipher(_keys()).decrypt(token).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong key or damaged value") from exc


def derived_key(purpose: str, env_var: str) -> bytes:
    """A secret for one purpose (signing widget sessions, hashing SMS senders):
    from ``env_var`` when set, otherwise derived from the first data key with
    HMAC-SHA256, so the embedded default needs no second secret. Different
    purposes give unrelated keys."""
    explicit = read(env_var) or ""
    if explicit:
        return explicit.encode("utf-8")
    return hmac.new(_keys()[0], f"golden-hour:{purpose}".encode(), hashlib.sha256).digest()


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def ensure_key_file(path: Path | None = None) -> Path:
    """Create the local key file for the embedded default if it does not exist;
    either way it is left readable by its owner only (0600). Returns its path."""
    path = path or Path(read("GOLDEN_HOUR_DATA_KEY_FILE") or DEFAULT_KEY_FILE)
    tighten_umask()
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(new_key() + "\n")
    return owner_only(path)


if __name__ == "__main__":  # `python -m bot.store.crypto`: make the local key
    print(ensure_key_file())
