"""Structured (JSON lines) logging for Golden Hour's own loggers.

Messages may hold details about a child, so nothing here logs message text: log
calls pass counts, ids and flags in ``extra``, and senders only as a short keyed
digest (``pseudonym``)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time

# Attributes every LogRecord has; anything else came in through ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

_configured = False


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            # The type only: an exception's message can quote user input.
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


def configure(level: str = "INFO") -> None:
    """Send the ``golden_hour`` loggers to stderr as JSON lines (idempotent)."""
    global _configured
    logger = logging.getLogger("golden_hour")
    logger.setLevel(level)
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.propagate = False
    _configured = True


def pseudonym(sender_id: str) -> str:
    """A short, stable digest of a sender id, so logs can follow one conversation
    without naming it. Keyed by GOLDEN_HOUR_LOG_SALT when set."""
    salt = os.environ.get("GOLDEN_HOUR_LOG_SALT", "golden-hour")
    return hashlib.blake2b(sender_id.encode(), key=salt.encode()[:64], digest_size=6).hexdigest()
