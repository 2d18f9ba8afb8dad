"""The production shape on one machine (deploy/endpoints.production.yml): the
environment that points Rasa and the store at throwaway PostgreSQL and Redis
servers, a second Rasa server beside a first, and the whole topology behind
HAProxy (bot/ops/topology.py). Shared by the e2e tests and the
benchmarks."""

from __future__ import annotations

import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from bot.ops.topology import Topology, missing
from tests.e2e.harness import Servers, current_model
from tests.postgres import Postgres
from tests.redis_server import Redis

ENDPOINTS = "deploy/endpoints.production.yml"
CREDENTIALS = "deploy/credentials.production.yml"


def production_env(pg: Postgres, redis: Redis) -> dict[str, str]:
    """New databases for Rasa's tracker and for the store; Redis for the locks."""
    return {
        "GOLDEN_HOUR_TRACKER_HOST": "127.0.0.1",
        "GOLDEN_HOUR_TRACKER_PORT": str(pg.port),
        "GOLDEN_HOUR_TRACKER_DB_NAME": pg.new_database().rsplit("/", 1)[1],
        "GOLDEN_HOUR_TRACKER_USER": "golden",
        "GOLDEN_HOUR_TRACKER_PASSWORD": "",
        "GOLDEN_HOUR_REDIS_HOST": "127.0.0.1",
        "GOLDEN_HOUR_REDIS_PORT": str(redis.port),
        "GOLDEN_HOUR_REDIS_PASSWORD": "",
        "GOLDEN_HOUR_DATABASE_URL": pg.new_database(),
    }


def tracker_url(env: dict[str, str]) -> str:
    return (
        f"postgresql+psycopg2://{env['GOLDEN_HOUR_TRACKER_USER']}@127.0.0.1:"
        f"{env['GOLDEN_HOUR_TRACKER_PORT']}/{env['GOLDEN_HOUR_TRACKER_DB_NAME']}"
    )


def start_production(workdir: Path, pg: Postgres, redis: Redis) -> tuple[Servers, str, str]:
    """The production shape (endpoints, credentials with the REST token) on new
    databases: the servers, Rasa's tracker URL and the store's URL."""
    env = production_env(pg, redis)
    servers = Servers(
        workdir=workdir,
        endpoints=ENDPOINTS,
        credentials=CREDENTIALS,
        rest_token=secrets.token_urlsafe(32),
        extra_env=env,
    ).start()
    return servers, tracker_url(env), env["GOLDEN_HOUR_DATABASE_URL"]


def second_rasa(first: Servers, workdir: Path) -> Servers:
    """Another Rasa server on the first one's databases, locks and action server."""
    workdir.mkdir(parents=True, exist_ok=True)
    other = Servers(
        workdir=workdir,
        auth_token=first.auth_token,
        action_port=first.action_port,
        endpoints=first.endpoints,
        credentials=first.credentials,
        rest_token=first.rest_token,
        extra_env=first.extra_env,
        data_key=first.data_key,
        action_secret=first.action_secret,
    )
    other.start_rasa()
    return other


def start_topology(workdir: Path, pg: Postgres, redis: Redis) -> Topology:
    """HAProxy, two Rasa servers and the action server, started as
    ``golden-hour production`` starts them (bot/ops/topology.py), on new databases."""
    env = production_env(pg, redis)
    env.update(
        GOLDEN_HOUR_ACTION_SECRET=secrets.token_hex(32),
        GOLDEN_HOUR_DATA_KEYS=Fernet.generate_key().decode(),
        GOLDEN_HOUR_REST_TOKEN=secrets.token_urlsafe(32),
        RASA_AUTH_TOKEN=secrets.token_urlsafe(16),
        GOLDEN_HOUR_LOG_LEVEL="INFO",
        LOG_LEVEL="INFO",
    )
    assert missing(env) == []  # the test supplies what an operator must
    return Topology(workdir, current_model(), env).start()
