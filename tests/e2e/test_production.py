"""The production shape on one machine: Rasa's conversations on PostgreSQL through
the scrubbing tracker store, the Redis lock store, and Golden Hour's own store on
PostgreSQL (deploy/endpoints.production.yml), with real servers from Debian's
packages."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from bot.store.cases import CaseStore
from tests.e2e.harness import Servers
from tests.postgres import Postgres
from tests.redis_server import Redis, start_redis

pytestmark = pytest.mark.e2e

NOTE = "she keeps a green notebook of addresses the man gave her"


@pytest.fixture(scope="module")
def redis() -> Iterator[Redis]:
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def production(
    postgres: Postgres, redis: Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Servers, str, str]]:
    tracker_url = postgres.new_database()
    store_url = postgres.new_database()
    servers = Servers(
        workdir=tmp_path_factory.mktemp("production"),
        endpoints="deploy/endpoints.production.yml",
        extra_env={
            "GOLDEN_HOUR_TRACKER_HOST": "127.0.0.1",
            "GOLDEN_HOUR_TRACKER_PORT": str(postgres.port),
            "GOLDEN_HOUR_TRACKER_DB_NAME": tracker_url.rsplit("/", 1)[1],
            "GOLDEN_HOUR_TRACKER_USER": "golden",
            "GOLDEN_HOUR_TRACKER_PASSWORD": "",
            "GOLDEN_HOUR_REDIS_HOST": "127.0.0.1",
            "GOLDEN_HOUR_REDIS_PORT": str(redis.port),
            "GOLDEN_HOUR_REDIS_PASSWORD": "",
            "GOLDEN_HOUR_DATABASE_URL": store_url,
        },
    ).start()
    yield servers, tracker_url, store_url
    servers.stop()


def redis_commands(port: int) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
        conn.sendall(b"INFO stats\r\n")
        info = b""
        while b"total_commands_processed" not in info or not info.endswith(b"\r\n"):
            info += conn.recv(65536)
    line = next(x for x in info.split(b"\r\n") if x.startswith(b"total_commands_processed:"))
    return int(line.split(b":")[1])


def test_a_conversation_on_postgresql_and_redis_survives_a_rasa_restart(
    production: tuple[Servers, str, str], redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    servers, tracker_url, store_url = production
    sender = f"prod-{uuid.uuid4().hex[:8]}"
    before = redis_commands(redis.port)
    servers.send(sender, "hello")
    servers.send(sender, "no")
    servers.send(sender, '/inform{"choice": "role.police"}')
    assert redis_commands(redis.port) > before  # Rasa takes its conversation locks there
    servers.stop_rasa()
    servers.start_rasa()
    for message in ('/inform{"choice": "nation.scotland"}', '/inform{"choice": "setting.other"}'):
        servers.send(sender, message)
    servers.send(sender, "/affirm")  # going-missing screen
    servers.send(sender, "/affirm")  # first going-missing sign
    servers.send(sender, NOTE)
    case = servers.tracker(sender)["slots"]["case"]
    assert case["role"] == "police" and case["nation"] == "scotland"  # nothing lost
    with create_engine(tracker_url).connect() as conn:
        rows = conn.execute(
            text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalars()
        stored = "\n".join(rows)
    assert '"text": "[not kept]"' in stored and "green notebook" not in stored
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEYS", servers.data_key)
    saved = CaseStore(create_engine(store_url)).case(case["ref"])
    assert saved is not None and NOTE in [a["note"] for a in saved["answers"].values()]
