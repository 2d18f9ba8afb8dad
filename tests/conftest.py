from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import Postgres, start_postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """One throwaway PostgreSQL server for the session (tests/postgres.py)."""
    server = start_postgres()
    yield server
    server.stop()
