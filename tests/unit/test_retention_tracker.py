"""Retention removes Rasa's conversations in every configuration the endpoints
files describe: the production one (PostgreSQL by host, port, name, user and
password, deploy/endpoints.production.yml), a URL, or the embedded SQLite file.
The production case runs on a real PostgreSQL server (tests/postgres.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.rasa_adapter.tracker_store import ScrubbingSQLTrackerStore
from bot.store import retention
from tests.postgres import Postgres

DOMAIN = Domain.from_yaml("version: '3.1'\nslots:\n  case:\n    type: any\n    mappings: []\n")
PRODUCTION_VARS = ("HOST", "PORT", "DB_NAME", "USER", "PASSWORD")


@pytest.fixture(autouse=True)
def no_tracker_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("URL", "DB", *PRODUCTION_VARS):
        monkeypatch.delenv(f"GOLDEN_HOUR_TRACKER_{name}", raising=False)
    monkeypatch.delenv("POSTGRESQL_SCHEMA", raising=False)


def conversation(sender: str, at: dt.datetime) -> DialogueStateTracker:
    epoch = at.timestamp()
    return DialogueStateTracker.from_events(
        sender,
        [
            UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=epoch),
            ActionExecuted("action_opening", timestamp=epoch + 1),
            BotUttered("Is the child in immediate danger?", {}, {"gh_kind": "question"}, epoch + 2),
        ],
        DOMAIN.slots,
    )


@pytest.mark.parametrize("schema", [None, "conversations"])
async def test_production_settings_purge_rasas_conversations_on_postgresql(
    schema: str | None,
    postgres: Postgres,
    data_key: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = postgres.new_database()
    name = url.rsplit("/", 1)[1]
    if schema:  # Rasa's POSTGRESQL_SCHEMA: its tables in a schema of their own
        with create_engine(url, future=True).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)
    # Rasa's own tracker store, set up as deploy/endpoints.production.yml does.
    store = ScrubbingSQLTrackerStore(
        domain=DOMAIN,
        dialect="postgresql",
        host="127.0.0.1",
        port=postgres.port,
        db=name,
        username="golden",
        password="",
    )
    now = dt.datetime.now(dt.timezone.utc)
    await store.save(conversation("aged-1", now - dt.timedelta(days=40)))
    await store.save(conversation("aged-2", now - dt.timedelta(days=31)))
    await store.save(conversation("recent", now - dt.timedelta(days=2)))
    store.engine.dispose()
    env = {
        "HOST": "127.0.0.1",
        "PORT": str(postgres.port),
        "DB_NAME": name,
        "USER": "golden",
        "PASSWORD": "",
    }
    for key, value in env.items():
        monkeypatch.setenv(f"GOLDEN_HOUR_TRACKER_{key}", value)
    monkeypatch.setenv("GOLDEN_HOUR_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")

    assert retention.main(["--days", "30"]) == 0

    assert "conversation_events 6" in capsys.readouterr().out
    tracker = create_engine(url, future=True)
    events = f"{schema}.events" if schema else "events"
    with tracker.connect() as conn:
        left = conn.execute(text(f"SELECT sender_id, count(*) FROM {events} GROUP BY 1")).all()
    tracker.dispose()
    assert left == [("recent", 3)]  # the aged conversations' events are gone, whole


def test_the_production_settings_make_a_postgresql_url(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {
        "HOST": "db.internal",
        "PORT": "5433",
        "DB_NAME": "rasa",
        "USER": "golden",
        "PASSWORD": "p@ss/word",
    }.items():
        monkeypatch.setenv(f"GOLDEN_HOUR_TRACKER_{key}", value)
    url = retention.tracker_url()
    assert url is not None and url.get_backend_name() == "postgresql"
    assert (url.host, url.port, url.database, url.username, url.password) == (
        "db.internal",
        5433,
        "rasa",
        "golden",
        "p@ss/word",
    )


def test_a_whole_url_in_the_host_setting_is_taken_as_rasa_takes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_TRACKER_HOST", "postgresql://u@h:6000/conv")
    assert str(retention.tracker_url()) == "postgresql://u@h:6000/conv"


def test_an_explicit_url_comes_first_and_the_sqlite_file_last(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db = tmp_path / "conversations.db"
    monkeypatch.setenv("GOLDEN_HOUR_TRACKER_DB", str(db))
    assert retention.tracker_url() is None  # no file yet: nothing to purge
    db.touch()
    assert str(retention.tracker_url()) == f"sqlite:///{db}"
    monkeypatch.setenv("GOLDEN_HOUR_TRACKER_HOST", "127.0.0.1")
    assert retention.tracker_url().get_backend_name() == "postgresql"
    monkeypatch.setenv("GOLDEN_HOUR_TRACKER_URL", "sqlite:////elsewhere.db")
    assert str(retention.tracker_url()) == "sqlite:////elsewhere.db"
