"""Rasa's Redis lock store, with one fix for a server that dies mid-turn.

Rasa serves a conversation's turns in ticket order, and a ticket expires a fixed
time after it is issued (TICKET_LOCK_LIFETIME), waiting included. When a server
dies holding a ticket, the next turn (on another server) waits for that ticket
to expire, but its own ticket, issued a moment later, expires with it; once both
are gone the waiting turn waits for a ticket that no longer exists, until the
channel's turn timeout gives the user the safety message. Here a waiting turn
keeps its own ticket alive each time it looks, so it is served as soon as the
dead server's ticket has expired. A waiting turn whose server dies stops renewing
and expires like any other.

Configured in deploy/endpoints.production.yml as
``type: bot.channels.lock_store.FailoverRedisLockStore``, with the same settings
as Rasa's ``redis`` type.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class KeepsWaitingTicketsAlive(LockStore):
    """A lock store whose waiting turns renew their own ticket while they wait."""

    renew_seconds: float = LOCK_LIFETIME

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
            self.keep_waiting(conversation_id, ticket)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def keep_waiting(self, conversation_id: str, ticket: int) -> None:
        """Drop the expired tickets (a dead server's), and renew ``ticket``."""
        lock = self.get_lock(conversation_id)
        if lock is None:
            return
        lock.remove_expired_tickets()
        others = [t for t in lock.tickets if t.number != ticket]
        renewed = Ticket(ticket, time.time() + self.renew_seconds)
        lock.tickets = deque(sorted([*others, renewed], key=lambda t: t.number))
        self.save_lock(lock)


class FailoverRedisLockStore(KeepsWaitingTicketsAlive, RedisLockStore):
    """Rasa's Redis lock store whose waiting turns outlast a dead server's ticket."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
        super().__init__(**kwargs)
