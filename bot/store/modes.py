"""Channel modes: while a Teams user practises, their messages go to a separate
training conversation (bot/training/ids.py). This table says which, so the mode
holds on every Rasa server and across restarts. Both ids are already keyed
digests or random; nothing a user typed is kept here."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from bot.store.db import naive_utc
from bot.store.tables import channel_modes


class ModeStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def training_sender(self, sender: str) -> str | None:
        """The practice conversation this user's messages go to, or None (real)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(channel_modes.c.training_sender).where(channel_modes.c.sender == sender)
            ).scalar_one_or_none()

    def enter(self, sender: str, training_sender: str, now: dt.datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(channel_modes).where(channel_modes.c.sender == sender))
            conn.execute(
                insert(channel_modes).values(
                    sender=sender, training_sender=training_sender, since=naive_utc(now)
                )
            )

    def leave(self, sender: str) -> bool:
        """Back to real conversations; True if the user was practising."""
        with self.engine.begin() as conn:
            gone = conn.execute(delete(channel_modes).where(channel_modes.c.sender == sender))
            return gone.rowcount > 0

    def delete_older_than(self, cutoff: dt.datetime) -> int:
        """Retention: a practice left that long ago is over (its conversation and
        session are deleted by the same run)."""
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(channel_modes).where(channel_modes.c.since < naive_utc(cutoff))
            )
            return gone.rowcount
