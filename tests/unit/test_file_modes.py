"""Database and key files are readable by their owner only (0600) after every start:
new files, and files that were left with wider bits (0644) by an older run or a
copy. Checked on the mode bits (the tests may run as root, who reads anything)."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain

from bot.rasa_adapter.tracker_store import ScrubbingSQLTrackerStore
from bot.store import crypto
from bot.store.db import engine


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def wide_umask() -> Iterator[None]:
    """Start from the usual 022, and give the test process its umask back after."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def wide_file(path: Path, content: bytes = b"") -> Path:
    path.write_bytes(content)
    os.chmod(path, 0o644)
    assert mode(path) == 0o644
    return path


def start_tracker_store(path: Path) -> None:
    ScrubbingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(path))


def test_a_new_store_database_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "golden_hour.db"
    engine(f"sqlite:///{path}")
    assert mode(path) == 0o600


def test_an_existing_store_database_and_its_side_file_are_narrowed(tmp_path: Path) -> None:
    path = wide_file(tmp_path / "golden_hour.db")
    wal = wide_file(tmp_path / "golden_hour.db-wal")
    engine(f"sqlite:///{path}")
    assert mode(path) == 0o600 and mode(wal) == 0o600


def test_a_new_tracker_database_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "conversations.db"
    start_tracker_store(path)
    assert mode(path) == 0o600


def test_an_existing_tracker_database_is_narrowed(tmp_path: Path) -> None:
    path = wide_file(tmp_path / "conversations.db")
    wal = wide_file(tmp_path / "conversations.db-wal")
    start_tracker_store(path)
    assert mode(path) == 0o600 and mode(wal) == 0o600


def test_files_sqlite_makes_after_start_are_owner_only(tmp_path: Path) -> None:
    """The journal of a write made after start (the umask covers what comes later)."""
    path = tmp_path / "conversations.db"
    start_tracker_store(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO events (sender_id, type_name) VALUES ('s', 'bot')")
    journal = tmp_path / "conversations.db-journal"
    assert journal.exists() and mode(journal) == 0o600
    conn.execute("COMMIT")
    conn.close()
    other = tmp_path / "made-later.txt"
    other.write_text("x")  # anything else this process creates from now on
    assert mode(other) == 0o600


def test_a_new_key_file_is_owner_only(tmp_path: Path) -> None:
    path = crypto.ensure_key_file(tmp_path / "keys" / "data.key")
    assert mode(path) == 0o600


def test_an_existing_key_file_is_narrowed_by_ensure(tmp_path: Path) -> None:
    path = wide_file(tmp_path / "data.key", crypto.new_key().encode())
    crypto.ensure_key_file(path)
    assert mode(path) == 0o600


def test_an_existing_key_file_is_narrowed_when_first_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = wide_file(tmp_path / "copied.key", crypto.new_key().encode())
    monkeypatch.delenv("GOLDEN_HOUR_DATA_KEYS", raising=False)
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEY_FILE", str(path))
    assert crypto.decrypt(crypto.encrypt("x")) == "x"
    assert mode(path) == 0o600


def test_a_missing_key_file_still_refuses_to_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOLDEN_HOUR_DATA_KEYS", raising=False)
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEY_FILE", str(tmp_path / "absent.key"))
    with pytest.raises(crypto.KeyMissing):
        crypto.encrypt("x")
    assert not (tmp_path / "absent.key").exists()
