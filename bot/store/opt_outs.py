"""SMS opt-outs: the numbers that replied STOP, as keyed hashes only
(bot/channels/sms_sender.py), so no later message but START is answered, on any
Rasa server. Kept until START: carriers expect an opt-out to last."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

from sqlalchemy import Column, DateTime, String, Table, delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.db import metadata, naive_utc

sms_opt_outs = Table(
    "sms_opt_outs",
    metadata,
    Column("sender_hash", String(64), primary_key=True),
    Column("opted_out_at", DateTime, nullable=False),
)


class OptOutStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def is_opted_out(self, sender_hash: str) -> bool:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(sms_opt_outs.c.sender_hash).where(sms_opt_outs.c.sender_hash == sender_hash)
            ).first()
        return row is not None

    def opt_out(self, sender_hash: str, now: dt.datetime) -> None:
        # Already opted out (here or on another server): the first time stands.
        with suppress(IntegrityError), self.engine.begin() as conn:
            conn.execute(
                insert(sms_opt_outs).values(sender_hash=sender_hash, opted_out_at=naive_utc(now))
            )

    def opt_in(self, sender_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sms_opt_outs).where(sms_opt_outs.c.sender_hash == sender_hash))
