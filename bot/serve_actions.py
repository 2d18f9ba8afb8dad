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
import os
import sys

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logs
from bot.action_secret import HEADER, SecretMissing, allowed, configured_secret
from bot.config import settings
from bot.knowledge import KnowledgeError
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
            log.info("retention run", extra={"removed": counts})
        except Exception as exc:  # a database outage must not stop the server
            log.error("retention failed", extra={"error": type(exc).__name__})
        await asyncio.sleep(hours * 3600)


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
    every = os.environ.get("GOLDEN_HOUR_RETENTION_EVERY_HOURS")
    if every:
        app.add_task(_retention_loop(float(every)))
    log.info("action server starting", extra={"host": args.host, "port": args.port})
    app.run(args.host, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
