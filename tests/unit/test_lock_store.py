"""Conversation locks whose live tickets are kept alive (bot/rasa_adapter/lock_store.py):
a turn waiting behind a dead server's ticket is served once that ticket expires
(Rasa's own store could let the waiting ticket expire too and wait for ever), and
a turn that runs longer than the lifetime keeps the lock to itself."""

from __future__ import annotations

import asyncio
import time

import pytest
from rasa.core.lock_store import InMemoryLockStore

from bot.rasa_adapter.lock_store import FailoverRedisLockStore, KeepsTicketsAlive

LIFETIME = 0.6


class Renewing(KeepsTicketsAlive, InMemoryLockStore):
    renew_seconds = LIFETIME


async def served_after_a_dead_server(store: InMemoryLockStore) -> float:
    """Seconds until a turn gets the lock that a dead server took just before it."""
    store.issue_ticket("c1", LIFETIME)  # the dead server's ticket: never finished
    started = time.monotonic()
    async with store.lock("c1", lock_lifetime=LIFETIME, wait_time_in_seconds=0.05):
        return time.monotonic() - started


async def test_a_waiting_turn_is_served_once_the_dead_servers_ticket_expires() -> None:
    waited = await asyncio.wait_for(served_after_a_dead_server(Renewing()), timeout=5)
    assert LIFETIME * 0.8 <= waited < LIFETIME * 3


async def test_rasas_own_lock_store_waits_for_ever_there() -> None:
    """The fault the fix is for: Rasa's waiting ticket expires with the dead one."""
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(served_after_a_dead_server(InMemoryLockStore()), timeout=3)


async def test_turns_are_still_served_one_at_a_time_in_order() -> None:
    store = Renewing()
    order: list[int] = []

    async def turn(n: int) -> None:
        async with store.lock("c2", lock_lifetime=LIFETIME, wait_time_in_seconds=0.01):
            order.append(n)
            await asyncio.sleep(0.05)
            order.append(n)

    await asyncio.gather(*(turn(n) for n in range(4)))
    assert order == [0, 0, 1, 1, 2, 2, 3, 3]


def test_the_redis_store_takes_rasas_redis_settings() -> None:
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(
        url="127.0.0.1", type="x", port="6390", db=0, password="", key_prefix="goldenhour"
    )
    store = FailoverRedisLockStore(endpoint_config=config)
    assert store.key_prefix == "goldenhour:lock:"
    assert store.red.connection_pool.connection_kwargs["port"] == 6390


async def test_a_turn_longer_than_the_lifetime_keeps_the_lock() -> None:
    """The safety net answers a slow turn at 20 s and lets it finish: the next
    turn of that conversation must still wait for it."""
    store = Renewing()
    inside = 0
    peak = 0

    async def turn(seconds: float) -> None:
        nonlocal inside, peak
        async with store.lock("c3", lock_lifetime=LIFETIME, wait_time_in_seconds=0.05):
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(seconds)
            inside -= 1

    first = asyncio.ensure_future(turn(LIFETIME * 3))
    await asyncio.sleep(0.05)
    await asyncio.gather(first, turn(0.01))
    assert peak == 1
    assert store.get_lock("c3") is None  # nothing left behind
