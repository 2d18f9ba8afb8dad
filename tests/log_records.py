"""A logging handler that keeps what it is given, for tests that read the logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def dump(self) -> str:
        return "\n".join(str(vars(r)) for r in self.records)


@contextmanager
def recording(logger_name: str) -> Iterator[Records]:
    """Every record the named logger handles while the block runs."""
    handler = Records()
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
