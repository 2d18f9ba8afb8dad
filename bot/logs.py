"""Structured (JSON lines) logging for Golden Hour's own loggers.

Messages may hold details about a child, so nothing here logs message text: log
calls pass counts, ids and flags in ``extra``, and senders only as a short keyed
digest (``pseudonym``)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys
import time

from bot.config import read

# Attributes every LogRecord has; anything else came in through ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

_configured = False

# What another library's record may quote: a URL's query (a token, a conversation
# id) and anything in quotes (Rasa quotes senders and texts).
_QUERY = re.compile(r"\?[^\s\"']*")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _foreign_text(record: logging.LogRecord) -> str:
    """Another library's message without what could name a person: its debug
    records not at all (Rasa logs the parsed text at debug level), others as the
    template without its arguments, with URL queries and quoted values taken out."""
    if record.levelno <= logging.DEBUG:
        return "(debug text not kept)"
    text = str(record.msg) if record.args else record.getMessage()
    return _QUOTED.sub("'…'", _QUERY.sub("?…", text))


class JsonFormatter(logging.Formatter):
    """One JSON object per line. Golden Hour's own records carry no message text
    by construction. Other libraries' debug records can quote a message (Rasa logs
    the parsed text at debug level), so their words are not kept."""

    def format(self, record: logging.LogRecord) -> str:
        ours = record.name.startswith("golden_hour")
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage() if ours else _foreign_text(record),
        }
        if ours:  # others' extras (Sanic's request line) can hold a URL's query
            entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            # The type only: an exception's message can quote user input.
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


# Loggers that other libraries give handlers of their own (Sanic's), besides root.
_CONSOLE_LOGGERS = ("", "sanic.root", "sanic.error", "sanic.access", "sanic.server")


def configure(level: str = "INFO") -> None:
    """Send the ``golden_hour`` loggers to stderr as JSON lines, and make every
    other console log of this process (Rasa's, Sanic's, Python's warnings) the
    same JSON (idempotent)."""
    global _configured
    logger = logging.getLogger("golden_hour")
    logger.setLevel(level)
    json_console()
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.propagate = False
    _configured = True


def json_console() -> None:
    """Give every handler that writes to this process's console the JSON format.
    Handlers writing elsewhere (a test's log capture) are left alone."""
    logging.captureWarnings(True)
    for name in _CONSOLE_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if (
                isinstance(handler, logging.StreamHandler)
                and handler.stream in (sys.stdout, sys.stderr)
                and not isinstance(handler.formatter, JsonFormatter)
            ):
                handler.setFormatter(JsonFormatter())


def pseudonym(sender_id: str) -> str:
    """A short, stable digest of a sender id, so logs can follow one conversation
    without naming it. Keyed by GOLDEN_HOUR_LOG_SALT when set."""
    salt = read("GOLDEN_HOUR_LOG_SALT") or "golden-hour"
    return hashlib.blake2b(sender_id.encode(), key=salt.encode()[:64], digest_size=6).hexdigest()
