"""Resume codes: "pause" stores the case under a short code; entering the code in
the same or another conversation brings the case back at the question it was on.

- Codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
  made with ``secrets``: 31^8, about 8.5e11 possibilities.
- Only a keyed hash of the code is stored (HMAC-SHA256, key from
  GOLDEN_HOUR_STORE_KEY, or derived from the data key), so the table alone
  cannot be used to resume a case.
- A code works once and expires (GOLDEN_HOUR_RESUME_DAYS, default 7).
- Entry is rate-limited per conversation: after 5 wrong codes in 15 minutes every
  further try is refused for the rest of that window. Because a guesser can open
  new conversations at will, there is also a limit across all conversations
  (GOLDEN_HOUR_RESUME_GLOBAL_FAILURES wrong codes in 15 minutes, default 100):
  past it, every code entry is refused until the window moves on. A wrong code
  gets the same answer as an expired one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, delete, func, insert, select
from sqlalchemy.engine import Engine

from bot.store.crypto import derived_key
from bot.store.db import metadata, naive_utc

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_PATTERN = re.compile(rf"\b([{ALPHABET}]{{{CODE_LENGTH}}})\b", re.IGNORECASE)
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)

resume_codes = Table(
    "resume_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("case_json", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
)
resume_failures = Table(
    "resume_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("who", String(64), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
)


def _key() -> bytes:
    # Derived from the data key when GOLDEN_HOUR_STORE_KEY is unset: never a
    # fixed default that anyone could read here.
    return derived_key("resume-codes", "GOLDEN_HOUR_STORE_KEY")


def code_hash(code: str) -> str:
    return hmac.new(_key(), code.upper().encode(), hashlib.sha256).hexdigest()


def find_code(text: str) -> str | None:
    """A resume code in what the user typed, if there is one."""
    match = CODE_PATTERN.search(text)
    return match.group(1).upper() if match else None


def _ttl() -> dt.timedelta:
    return dt.timedelta(days=int(os.environ.get("GOLDEN_HOUR_RESUME_DAYS", "7")))


def _global_limit() -> int:
    return int(os.environ.get("GOLDEN_HOUR_RESUME_GLOBAL_FAILURES", "100"))


class ResumeStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, case: dict, now: dt.datetime) -> str:
        now = naive_utc(now)
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        with self.engine.begin() as conn:
            conn.execute(
                insert(resume_codes).values(
                    code_hash=code_hash(code),
                    case_json=json.dumps(case),
                    created_at=now,
                    expires_at=now + _ttl(),
                )
            )
        return code

    def blocked(self, who: str, now: dt.datetime) -> bool:
        now = naive_utc(now)
        recent = resume_failures.c.at > now - FAILURE_WINDOW
        with self.engine.connect() as conn:
            mine = conn.execute(
                select(func.count())
                .select_from(resume_failures)
                .where(resume_failures.c.who == who, recent)
            ).scalar_one()
            everyone = conn.execute(
                select(func.count()).select_from(resume_failures).where(recent)
            ).scalar_one()
        return mine >= MAX_FAILURES or everyone >= _global_limit()

    def take(self, code: str, who: str, now: dt.datetime) -> dict | None:
        """The paused case for a code (and the code is used up), or None for a wrong,
        expired or rate-limited try."""
        now = naive_utc(now)
        if self.blocked(who, now):
            return None
        digest = code_hash(code)
        with self.engine.begin() as conn:
            row = conn.execute(
                select(resume_codes.c.case_json).where(
                    resume_codes.c.code_hash == digest, resume_codes.c.expires_at > now
                )
            ).first()
            if row is None:
                # Old failures no longer count: drop them so the table stays small.
                conn.execute(
                    delete(resume_failures).where(resume_failures.c.at <= now - FAILURE_WINDOW)
                )
                conn.execute(insert(resume_failures).values(who=who, at=now))
                return None
            conn.execute(delete(resume_codes).where(resume_codes.c.code_hash == digest))
        case = json.loads(row.case_json)
        return case if isinstance(case, dict) else None
