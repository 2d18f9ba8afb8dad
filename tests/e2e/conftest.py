from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import Servers
from tests.postgres import Postgres
from tests.production import start_production
from tests.redis_server import Redis, start_redis


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory):
    """One real action server and one real Rasa server for the whole session."""
    running = Servers(workdir=tmp_path_factory.mktemp("servers")).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def redis() -> Iterator[Redis]:
    """One throwaway Redis server for the session (tests/redis_server.py)."""
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def production(
    postgres: Postgres, redis: Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Servers, str, str]]:
    """The production shape on PostgreSQL and Redis: servers, tracker URL, store URL."""
    servers, tracker_url, store_url = start_production(
        tmp_path_factory.mktemp("production"), postgres, redis
    )
    yield servers, tracker_url, store_url
    servers.stop()
