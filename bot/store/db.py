"""One database URL from configuration: a SQLite file by default, PostgreSQL in
production. The schema is Alembic's (bot/store/migrations): the first engine for
a URL upgrades that database to the latest revision."""

from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url

from bot.config import read
from bot.store.private_files import sqlite_owner_only, sqlite_path, tighten_umask
from bot.store.tables import metadata

DEFAULT_DB = Path(__file__).resolve().parents[2] / ".run" / "golden_hour.db"


def database_url() -> str:
    return read("GOLDEN_HOUR_DATABASE_URL") or f"sqlite:///{DEFAULT_DB}"


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """Times are stored as naive UTC, the same on SQLite and PostgreSQL."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores ON DELETE CASCADE unless asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(eng: Engine) -> None:
    """Upgrade the database to the latest schema revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if tables and "alembic_version" not in tables:
            # A database made before migrations existed (resume codes only): add
            # what is missing, then record it as up to date.
            metadata.create_all(conn)
            command.stamp(cfg, "head")
        else:
            command.upgrade(cfg, "head")


# Threads of one process (a request's readiness check and the retention run at
# start-up, say) must not migrate the same database at once: on PostgreSQL the
# two migrations wait on each other's locks.
_making = threading.Lock()


def engine(url: str | None = None) -> Engine:
    """The engine for a URL (the configured one by default), made and migrated once."""
    with _making:
        return _engine(url or database_url())


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Readable by the owner only, also when the file was made 0644 before,
        # and so are the -journal / -wal files SQLite makes from now on.
        tighten_umask()
        if (path := sqlite_path(parsed.database)) is not None:
            sqlite_owner_only(path)
    # A database that does not answer fails a connection in seconds, not minutes:
    # readiness checks and turns must not pile up behind it.
    connect_args = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
    eng = create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)
    if eng.dialect.name == "sqlite":
        event.listen(eng, "connect", _sqlite_foreign_keys)
    migrate(eng)
    return eng
