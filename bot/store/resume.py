"""Resume codes: "pause" stores the case under a short code; entering the code in
the same or another conversation brings the case back at the question it was on.

- Codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
  made with ``secrets``: 31^8, about 8.5e11 possibilities.
- Only a keyed hash of the code is stored (HMAC-SHA256, key from
  GOLDEN_HOUR_STORE_KEY, or derived from the data key), so the table alone
  cannot be used to resume a case.
- A code works once and expires (GOLDEN_HOUR_RESUME_DAYS, default 7).
- Entry is rate-limited per caller first: after 5 wrong codes in 15 minutes from
  one conversation every further try from it is refused for the rest of that
  window. A channel that knows more about who is calling than the conversation id
  (a client address, say) passes it as ``callers``; past CALLER_FAILURES wrong
  tries from one of those in the window, each conversation from it that has
  already got a code wrong is refused. A new conversation's first code is still
  checked: an address is often shared (an office network, a proxy), so one person
  guessing must not refuse a colleague's valid code.
- Across all conversations the limit only slows guessing, it never locks everyone
  out: past GOLDEN_HOUR_RESUME_GLOBAL_FAILURES wrong codes in 15 minutes (default
  100) a caller that has already got a code wrong in the window is refused, so each
  caller has one try instead of five, and a caller's first code is still checked:
  a valid code from someone who has not been guessing still works. (One caller
  flooding wrong codes used to refuse every valid code for 15 minutes.) Making a
  new caller for each guess is what then limits a guesser: REST beyond loopback
  needs a token, and SMS numbers and Teams accounts are not free. A wrong code gets
  the same answer as an expired one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Sequence

from sqlalchemy import (
    delete,
    func,
    insert,
    not_,
    select,
)
from sqlalchemy.engine import Engine

from bot.config import read, settings
from bot.store.crypto import derived_key
from bot.store.db import naive_utc
from bot.store.tables import resume_codes, resume_failures

log = logging.getLogger("golden_hour.store.resume")

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_PATTERN = re.compile(rf"\b([{ALPHABET}]{{{CODE_LENGTH}}})\b", re.IGNORECASE)
MAX_FAILURES = 5
# Per channel identity (``callers``): an office behind one address has many users.
CALLER_FAILURES = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
# resume_failures.who holds the conversation's pseudonym, or this prefix and a
# channel identity; only the former count towards the global figure.
_CALLER_PREFIX = "via:"


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


def code_lifetime() -> dt.timedelta:
    """How long a resume code works (GOLDEN_HOUR_RESUME_DAYS, 7 days by default)."""
    return dt.timedelta(days=settings().resume_days)


def _global_limit() -> int:
    return int(read("GOLDEN_HOUR_RESUME_GLOBAL_FAILURES"))


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
                    expires_at=now + code_lifetime(),
                )
            )
        return code

    def _failures(self, conn, keys: Sequence[str], since: dt.datetime) -> dict[str, int]:
        rows = conn.execute(
            select(resume_failures.c.who, func.count())
            .where(resume_failures.c.who.in_(list(keys)), resume_failures.c.at > since)
            .group_by(resume_failures.c.who)
        ).all()
        return {who: count for who, count in rows}

    def _everyone(self, conn, since: dt.datetime) -> int:
        return conn.execute(
            select(func.count())
            .select_from(resume_failures)
            .where(
                resume_failures.c.at > since,
                not_(resume_failures.c.who.startswith(_CALLER_PREFIX)),
            )
        ).scalar_one()

    def blocked(self, who: str, now: dt.datetime, callers: Sequence[str] = ()) -> bool:
        """Whether this caller may not try a code now (see the module's docstring)."""
        since = naive_utc(now) - FAILURE_WINDOW
        keys = _keys(who, callers)
        with self.engine.connect() as conn:
            mine = self._failures(conn, keys, since)
            everyone = self._everyone(conn, since)
        if mine.get(who, 0) >= MAX_FAILURES:
            return True
        tried = mine.get(who, 0) > 0
        # A guessing address, or a guessing wave: one try per conversation.
        if any(mine.get(key, 0) >= CALLER_FAILURES for key in keys[1:]):
            return tried
        return everyone >= _global_limit() and tried

    def take(
        self, code: str, who: str, now: dt.datetime, callers: Sequence[str] = ()
    ) -> dict | None:
        """The paused case for a code (and the code is used up), or None for a wrong,
        expired or rate-limited try. ``who`` is the conversation's pseudonym;
        ``callers`` any channel identities of the caller (keyed digests)."""
        now = naive_utc(now)
        if self.blocked(who, now, callers):
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
                conn.execute(
                    insert(resume_failures), [{"who": k, "at": now} for k in _keys(who, callers)]
                )
                if self._everyone(conn, now - FAILURE_WINDOW) == _global_limit():
                    log.warning(
                        "many wrong resume codes: one try per caller for now",
                        extra={"window_minutes": FAILURE_WINDOW.seconds // 60},
                    )
                return None
            conn.execute(delete(resume_codes).where(resume_codes.c.code_hash == digest))
        case = json.loads(row.case_json)
        return case if isinstance(case, dict) else None


# A channel that knows the caller beyond the conversation id (the widget: the
# client's address, as a keyed digest) puts it in the message's metadata under
# this key; the resume action passes it on as ``callers``.
CALLER_METADATA_KEY = "golden_hour_caller"
_CALLER = re.compile(r"[a-z]{1,16}:[0-9a-f]{8,32}")


def caller_metadata(channel: str, digest: str) -> dict[str, str]:
    """The metadata a channel attaches to a user message to name its caller."""
    return {CALLER_METADATA_KEY: f"{channel}:{digest}"}


def callers_from_metadata(metadata: object) -> list[str]:
    """The caller identities in a message's metadata (none if absent or malformed)."""
    value = metadata.get(CALLER_METADATA_KEY) if isinstance(metadata, dict) else None
    return [value] if isinstance(value, str) and _CALLER.fullmatch(value) else []


def _keys(who: str, callers: Sequence[str]) -> list[str]:
    """The rows a failure is counted under: the conversation, then each identity."""
    return [who, *(f"{_CALLER_PREFIX}{c}"[:64] for c in callers if c)]
