"""What the SMS channel keeps, on the store's database so every Rasa server sees
the same (bot/channels/sms/channel.py). Nothing here holds a number or a message text.

- Opt-outs: the numbers that replied STOP, as keyed hashes only
  (bot/channels/sms/sender.py), so no later message but START is answered. Kept
  until START: carriers expect an opt-out to last.
- Seen webhooks: a digest of each processed post's MessageSid and Twilio's
  I-Twilio-Idempotency-Token, so a replayed or retried post is processed once.
  Removed by retention after the retention period.
- Shown questions: for each SMS conversation, a digest of the choices of the last
  question that was sent (empty when it had none), so a numbered reply is only
  read against the list the user actually saw. Removed by retention likewise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from contextlib import suppress

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.db import naive_utc
from bot.store.tables import sms_opt_outs, sms_seen, sms_shown


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


def seen_key(kind: str, value: str) -> str:
    """The stored form of a webhook's id: fixed length, whatever Twilio sends."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


class SmsSeenStore:
    """Seen webhooks and shown questions (see the module's docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def first_time(self, keys: Sequence[str], now: dt.datetime) -> bool:
        """Record the keys (seen_key()) of one post; False if any was recorded
        before, here or on another server (nothing new is recorded then)."""
        if not keys:
            return True
        try:
            with self.engine.begin() as conn:
                for key in dict.fromkeys(keys):
                    conn.execute(insert(sms_seen).values(key_hash=key, seen_at=naive_utc(now)))
        except IntegrityError:
            return False
        return True

    def shown(self, sender_hash: str) -> str | None:
        """The digest of the last question sent to this conversation, if known."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(sms_shown.c.choices).where(sms_shown.c.sender_hash == sender_hash)
            ).scalar_one_or_none()

    def show(self, sender_hash: str, choices: str, now: dt.datetime) -> None:
        # Another server writing the same conversation at once: the last one stands.
        with suppress(IntegrityError), self.engine.begin() as conn:
            conn.execute(delete(sms_shown).where(sms_shown.c.sender_hash == sender_hash))
            conn.execute(
                insert(sms_shown).values(
                    sender_hash=sender_hash, choices=choices, shown_at=naive_utc(now)
                )
            )

    def delete_older_than(self, cutoff: dt.datetime) -> dict[str, int]:
        """Retention: seen webhooks and shown questions older than the cutoff."""
        cutoff = naive_utc(cutoff)
        with self.engine.begin() as conn:
            seen = conn.execute(delete(sms_seen).where(sms_seen.c.seen_at < cutoff)).rowcount
            shown = conn.execute(delete(sms_shown).where(sms_shown.c.shown_at < cutoff)).rowcount
        return {"sms_seen": seen, "sms_shown": shown}
