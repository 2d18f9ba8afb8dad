"""Start the rasa_sdk action server the safe way.

``python -m bot.serve_actions [--port N]``: checks the guidance first (a broken
knowledge file stops start-up with the problems listed), refuses to start without
the shared secret that Rasa sends with every action call (bot/action_secret.py),
answers any other caller 401 without running an action, binds to loopback unless
GOLDEN_HOUR_ACTION_HOST says otherwise, allows no cross-origin browser calls, and
logs as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logs
from bot.action_secret import HEADER, SecretMissing, allowed, configured_secret
from bot.config import read, settings
from bot.knowledge import KnowledgeError
from bot.ops import metrics
from bot.runtime import knowledge

log = logging.getLogger("golden_hour.action_server")


async def _retention_loop(hours: float) -> None:
    """Retention on a schedule, in the action server (one process per deployment
    should set GOLDEN_HOUR_RETENTION_EVERY_HOURS)."""
    import datetime as dt

    from bot.store.retention import purge

    while True:
        try:
            counts = await asyncio.to_thread(purge, dt.datetime.now(dt.timezone.utc))
        except Exception as exc:  # a database outage must not stop the server
            log.error("retention failed", extra={"error": type(exc).__name__})
            metrics.RETENTION_RUNS.labels(outcome="failed").inc()
        else:
            log.info("retention run", extra={"removed": counts, "total": sum(counts.values())})
            metrics.RETENTION_RUNS.labels(outcome="ok").inc()
            for kind, n in counts.items():
                metrics.RETENTION_DELETED.labels(kind=kind).inc(n)
        await asyncio.sleep(hours * 3600)


def _store_ready() -> bool:
    """The case store answers a query now (blocking: run it in a thread)."""
    from sqlalchemy import text

    from bot.store.db import engine

    try:
        with engine().connect() as conn:
            conn.execute(text("SELECT 1")).scalar_one()
    except Exception as exc:
        log.error("case store check failed", extra={"error": type(exc).__name__})
        return False
    return True


def _count_cases() -> list[tuple[str | None, str | None, int]]:
    from bot.composition import stores

    return stores().cases.counts_by_level()


def add_probes(app: Sanic) -> None:
    """``/live``, ``/ready`` (the case store answers; the guidance was checked before
    the server started) and ``/metrics``, open like rasa_sdk's ``/health``
    (bot/action_secret.py)."""
    metrics.count_cases_with(_count_cases)

    @app.get("/live")
    async def live(_request: Request) -> HTTPResponse:
        return response.json({"status": "alive"})

    @app.get("/ready")
    async def ready(_request: Request) -> HTTPResponse:
        store_ok = await asyncio.to_thread(_store_ready)
        body = {"status": "ready" if store_ok else "not_ready", "case_store": store_ok}
        return response.json(body, status=200 if store_ok else 503)

    @app.get("/metrics")
    async def metrics_route(_request: Request) -> HTTPResponse:
        body = await asyncio.to_thread(metrics.render)  # reads the case store
        return response.raw(body, content_type=metrics.CONTENT_TYPE)


def build_app(secret: str) -> Sanic:
    """rasa_sdk's app with the actions, answering only callers that send the secret."""
    from rasa_sdk.endpoint import create_app

    # Empty origins: no browser page may call the action server directly.
    app = create_app("actions", cors_origins="")

    @app.on_request
    async def require_secret(request: Request) -> HTTPResponse | None:
        if allowed(request.path, request.headers.get(HEADER), secret):
            return None
        # Refused before the body is read: no action runs and nothing is unsealed.
        log.warning("action call refused", extra={"path": request.path[:64]})
        return response.json({"error": "unauthorised"}, status=401)

    add_probes(app)
    return app


def main(argv: list[str] | None = None) -> int:
    cfg = settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=cfg.action_host)
    parser.add_argument("--port", type=int, default=cfg.action_port)
    args = parser.parse_args(argv)

    logs.configure(cfg.log_level)
    logging.getLogger("rasa_sdk").setLevel(max(logging.INFO, logging.getLevelName(cfg.log_level)))
    try:
        kb = knowledge()
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        print("The action server did not start: fix the guidance files above.", file=sys.stderr)
        return 2
    for warning in kb.warnings:
        log.warning("guidance review due", extra={"detail": warning})
    try:
        secret = configured_secret()
    except SecretMissing as exc:
        print(exc, file=sys.stderr)
        print("The action server did not start: it never runs without its secret.", file=sys.stderr)
        return 2

    app = build_app(secret)
    every = read("GOLDEN_HOUR_RETENTION_EVERY_HOURS")
    if every:
        app.add_task(_retention_loop(float(every)))
    log.info("action server starting", extra={"host": args.host, "port": args.port})
    app.run(args.host, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
