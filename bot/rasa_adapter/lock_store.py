"""Rasa's Redis lock store, fixed for a server that dies mid-turn.

Rasa serves a conversation's turns in ticket order, and a ticket expires a fixed
time after it is issued (TICKET_LOCK_LIFETIME), waiting and running included.
With Rasa's 60 s a server that dies mid-turn holds up the conversation's next
turn past its 20 s timeout; with a short lifetime, a slow turn (the safety net
answers at 20 s and lets the turn finish) would lose the lock while it still
runs. And a turn waiting behind a dead server's ticket could see its own ticket,
issued a moment later, expire with it, then wait for a ticket that no longer
exists.

So here every live ticket is kept alive by its own server: a waiting turn
renews its ticket each time it looks, and the turn holding the lock renews it
every third of the lifetime until it ends. The lifetime then only measures how
long ago a server stopped renewing, that is, died: a short one (10 s in
production) is safe.

Configured in deploy/endpoints.production.yml as
``type: bot.rasa_adapter.lock_store.FailoverRedisLockStore``, with the same settings
as Rasa's ``redis`` type. Like Rasa's, the ticket updates are read-then-write in
Redis, not one transaction.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger("golden_hour.lock_store")


class KeepsTicketsAlive(LockStore):
    """A lock store whose live turns keep their tickets alive: a waiting turn each
    time it looks, the turn holding the lock every third of the lifetime."""

    renew_seconds: float = LOCK_LIFETIME

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        holding: asyncio.Future | None = None
        try:
            acquired = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            holding = asyncio.ensure_future(self._hold(conversation_id, ticket))
            yield acquired
        finally:
            if holding is not None:
                holding.cancel()
            self.cleanup(conversation_id, ticket)

    async def _hold(self, conversation_id: str, ticket: int) -> None:
        while True:
            await asyncio.sleep(self.renew_seconds / 3)
            try:
                self.keep_alive(conversation_id, ticket)
            except Exception as exc:  # Redis away for a moment: try again next time
                log.warning("lock not renewed", extra={"error": type(exc).__name__})

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break  # the lock is gone: as Rasa, give up
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.keep_alive(conversation_id, ticket)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def keep_alive(self, conversation_id: str, ticket: int) -> None:
        """Drop the expired tickets (a dead server's), and renew ``ticket``."""
        lock = self.get_lock(conversation_id)
        if lock is None:
            return
        lock.remove_expired_tickets()
        others = [t for t in lock.tickets if t.number != ticket]
        renewed = Ticket(ticket, time.time() + self.renew_seconds)
        lock.tickets = deque(sorted([*others, renewed], key=lambda t: t.number))
        self.save_lock(lock)


class FailoverRedisLockStore(KeepsTicketsAlive, RedisLockStore):
    """Rasa's Redis lock store whose waiting turns outlast a dead server's ticket."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
        super().__init__(**kwargs)
