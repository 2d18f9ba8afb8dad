"""Background turns for channels that answer their webhook at once (Teams, SMS):
one conversation's turns run one after another, in the order they arrived;
different conversations run alongside. A turn that raises is logged (its type
only) and the next one still runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable


class Lanes:
    def __init__(self, log: logging.Logger, failed_event: str) -> None:
        self._log = log
        self._failed_event = failed_event
        self._tails: dict[str, asyncio.Task] = {}  # each conversation's latest turn
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, key: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run ``work`` after every turn already queued for ``key``. Synchronous,
        so turns queue in the order this is called."""
        previous = self._tails.get(key)
        task = asyncio.get_running_loop().create_task(self._run(previous, work))
        self._tails[key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._forget(key, done))

    async def _run(
        self, previous: asyncio.Task | None, work: Callable[[], Awaitable[None]]
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # returns, never raises, however it ended
        try:
            await work()
        except Exception as exc:
            self._log.error(self._failed_event, extra={"error": type(exc).__name__})

    def _forget(self, key: str, done: asyncio.Task) -> None:
        self._tasks.discard(done)
        if self._tails.get(key) is done:
            del self._tails[key]

    def __len__(self) -> int:
        """Turns queued or running."""
        return len(self._tasks)

    async def wait_idle(self) -> None:
        """Until every turn has finished, including any queued meanwhile."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def drain(self, timeout_s: float) -> None:
        """Wait at most ``timeout_s`` for the turns queued now (at shutdown)."""
        pending = list(self._tasks)
        if pending:
            await asyncio.wait(pending, timeout=timeout_s)
