"""One database URL from configuration: a SQLite file by default."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import Engine

metadata = MetaData()
DEFAULT_DB = Path(__file__).resolve().parents[2] / ".run" / "golden_hour.db"


def database_url() -> str:
    return os.environ.get("GOLDEN_HOUR_DATABASE_URL") or f"sqlite:///{DEFAULT_DB}"


@lru_cache(maxsize=4)
def engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    eng = create_engine(url, future=True, pool_pre_ping=True)
    metadata.create_all(eng)
    return eng
