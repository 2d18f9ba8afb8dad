from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.botframework_fake import FakeBotFramework
from tests.e2e.channel_settings import TWILIO_ACCOUNT, TWILIO_TOKEN, Site, channels_env
from tests.e2e.harness import Servers, free_port
from tests.postgres import Postgres
from tests.production import start_production
from tests.redis_server import Redis, start_redis
from tests.twilio_fake import FakeTwilio


@pytest.fixture(scope="session")
def bot_framework() -> Iterator[FakeBotFramework]:
    """The stand-in for Microsoft's Bot Framework (tests/botframework_fake.py)."""
    server = FakeBotFramework().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def twilio() -> Iterator[FakeTwilio]:
    """The stand-in for Twilio's REST API (tests/twilio_fake.py)."""
    server = FakeTwilio(TWILIO_ACCOUNT, TWILIO_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def widget_port() -> int:
    """The shared Rasa server's port, chosen first: the sites below embed it."""
    return free_port()


@pytest.fixture(scope="session")
def sites(widget_port: int) -> Iterator[tuple[Site, Site]]:
    """Two other web sites embedding the widget: the first is on its allow-list."""
    base = f"http://127.0.0.1:{widget_port}"
    allowed, other = Site(base), Site(base)
    yield allowed, other
    allowed.close()
    other.close()


@pytest.fixture(scope="session")
def servers(
    tmp_path_factory: pytest.TempPathFactory,
    bot_framework: FakeBotFramework,
    twilio: FakeTwilio,
    sites: tuple[Site, Site],
    widget_port: int,
) -> Iterator[Servers]:
    """One real action server and one real Rasa server for the whole session, with
    every channel configured (tests/e2e/channel_settings.py)."""
    running = Servers(
        workdir=tmp_path_factory.mktemp("servers"),
        rasa_port=widget_port,
        extra_env=channels_env(bot_framework, twilio, sites[0]),
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def redis() -> Iterator[Redis]:
    """One throwaway Redis server for the session (tests/redis_server.py)."""
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def production(
    postgres: Postgres, redis: Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Servers, str, str]]:
    """The production shape on PostgreSQL and Redis: servers, tracker URL, store URL."""
    servers, tracker_url, store_url = start_production(
        tmp_path_factory.mktemp("production"), postgres, redis
    )
    yield servers, tracker_url, store_url
    servers.stop()
