"""Alembic environment: Golden Hour's own tables (bot/store), on the configured
database URL. Run by `bot.store.db.engine()` at start-up (upgrade to head) and by
`alembic upgrade head` from the project folder (alembic.ini)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.store.db import database_url
from bot.store.tables import metadata  # every table

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # handed over by bot.store.db.engine()
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or database_url()
    with create_engine(url, future=True).connect() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
