from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import crypto


@pytest.fixture
def data_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh local data key for notes and drafts (no key from the environment)."""
    monkeypatch.delenv("GOLDEN_HOUR_DATA_KEYS", raising=False)
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEY_FILE", str(tmp_path / "data.key"))
    return crypto.ensure_key_file()
