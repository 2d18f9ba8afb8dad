"""Retention: nothing is kept longer than needed.

    .venv/bin/python -m bot.store.retention [--days N]

Deletes cases (with their answers, drafts and audit lines) not touched for N days
(GOLDEN_HOUR_RETENTION_DAYS, default 30: the draft is meant to be copied into the
agency's own system), Rasa's conversations whose last event is older than that,
and expired resume codes. Idempotent: a second run removes nothing more. Prints
what it removed. The action server also runs it every
GOLDEN_HOUR_RETENTION_EVERY_HOURS hours when that is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from sqlalchemy import column, create_engine, delete, func, inspect, select, table
from sqlalchemy.engine import URL, Engine, make_url

from bot.config import read
from bot.store.cases import CaseStore
from bot.store.db import engine, naive_utc
from bot.store.modes import ModeStore
from bot.store.opt_outs import SmsSeenStore
from bot.store.resume import resume_codes, resume_failures
from bot.store.training import TrainingStore


def retention_days() -> int:
    return int(read("GOLDEN_HOUR_RETENTION_DAYS"))


def tracker_url() -> URL | None:
    """Rasa's tracker store database, from the same variables the endpoints files
    read: GOLDEN_HOUR_TRACKER_URL if set; else the production settings
    (deploy/endpoints.production.yml: PostgreSQL at GOLDEN_HOUR_TRACKER_HOST,
    _PORT, _DB_NAME, _USER, _PASSWORD); else the embedded SQLite file
    (endpoints.yml: GOLDEN_HOUR_TRACKER_DB), when it exists."""
    env = os.environ
    if env.get("GOLDEN_HOUR_TRACKER_URL"):
        return make_url(env["GOLDEN_HOUR_TRACKER_URL"])
    host = env.get("GOLDEN_HOUR_TRACKER_HOST", "").strip()
    if host:
        if "://" in host:  # Rasa takes a whole URL in its host setting too
            return make_url(host)
        port = env.get("GOLDEN_HOUR_TRACKER_PORT", "").strip()
        return URL.create(
            "postgresql",
            username=env.get("GOLDEN_HOUR_TRACKER_USER") or None,
            password=env.get("GOLDEN_HOUR_TRACKER_PASSWORD") or None,
            host=host,
            port=int(port) if port else None,
            database=env.get("GOLDEN_HOUR_TRACKER_DB_NAME") or None,
        )
    path = env.get("GOLDEN_HOUR_TRACKER_DB")
    return URL.create("sqlite", database=path) if path and Path(path).exists() else None


def tracker_engine(url: URL) -> Engine:
    """An engine on Rasa's tracker database, in the PostgreSQL schema Rasa's SQL
    tracker store uses when its POSTGRESQL_SCHEMA variable is set."""
    schema = os.environ.get("POSTGRESQL_SCHEMA")
    if schema and url.get_backend_name() == "postgresql":
        options = {"options": f"-csearch_path={schema}"}
        return create_engine(url, future=True, connect_args=options)
    return create_engine(url, future=True)


# Rasa's SQL tracker store table, as much of it as retention needs.
_events = table("events", column("sender_id"), column("timestamp"))


def purge_conversations(tracker: Engine, cutoff: dt.datetime) -> int:
    """Delete every event of each conversation whose last event is before the
    cutoff (Rasa's SQL tracker store: table "events", epoch-second timestamps)."""
    if "events" not in inspect(tracker).get_table_names():
        return 0
    epoch = cutoff.replace(tzinfo=dt.timezone.utc).timestamp()
    finished = (
        select(_events.c.sender_id)
        .group_by(_events.c.sender_id)
        .having(func.max(_events.c.timestamp) < epoch)
    )
    with tracker.begin() as conn:
        return conn.execute(delete(_events).where(_events.c.sender_id.in_(finished))).rowcount


def purge(
    now: dt.datetime, days: int | None = None, tracker: Engine | None = None
) -> dict[str, int]:
    """Remove everything older than the retention period; counts by kind."""
    days = retention_days() if days is None else days
    cutoff = naive_utc(now) - dt.timedelta(days=days)
    store = engine()
    counts = CaseStore(store).delete_older_than(cutoff)
    with store.begin() as conn:
        counts["resume_codes"] = conn.execute(
            delete(resume_codes).where(resume_codes.c.expires_at <= naive_utc(now))
        ).rowcount
        counts["resume_failures"] = conn.execute(
            delete(resume_failures).where(resume_failures.c.at < cutoff)
        ).rowcount
    counts["training_sessions"] = TrainingStore(store).delete_older_than(cutoff)
    counts["channel_modes"] = ModeStore(store).delete_older_than(cutoff)
    counts.update(SmsSeenStore(store).delete_older_than(cutoff))
    if tracker is None and (url := tracker_url()) is not None:
        tracker = tracker_engine(url)
    counts["conversation_events"] = purge_conversations(tracker, cutoff) if tracker else 0
    return counts


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--days", type=int, default=None)
    args = parser.parse_args(argv)
    days = retention_days() if args.days is None else args.days
    if days < 1:
        print("--days must be at least 1", file=sys.stderr)
        return 2
    counts = purge(dt.datetime.now(dt.timezone.utc), days)
    print(f"removed (older than {days} days): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
