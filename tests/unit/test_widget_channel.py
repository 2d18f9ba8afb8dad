"""The widget channel in a Sanic app built as ``rasa run`` builds it, on loopback,
with a stand-in for Rasa and a clock the tests move on: credentials that expire
(finding 9), re-checked on every message of an open socket, and the trainer's
view locking out wrong passwords (finding 8). The real server is in
tests/e2e/test_widget_socket.py."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.channels.common.lockout import Lockout
from bot.channels.widget import WidgetInput
from bot.config import settings
from bot.logs import pseudonym
from bot.store.resume import callers_from_metadata
from tests.e2e.widget_client import WidgetClient, texts
from tests.log_records import Records, recording
from tests.sanic_server import Agent, request, serve

HOUR = 3600.0
PASSWORD = "correct-horse-battery"
EXPIRED = "Your session had expired"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def widget_log() -> Iterator[Records]:
    with recording("golden_hour.channels.widget") as records:
        yield records


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def server(
    monkeypatch: pytest.MonkeyPatch, data_key: Path, tmp_path: Path, clock: Clock
) -> AsyncIterator[tuple[str, WidgetInput, Agent]]:
    monkeypatch.setenv("GOLDEN_HOUR_TRAINER_TOKEN", PASSWORD)
    monkeypatch.setenv("GOLDEN_HOUR_TRAINER_MAX_FAILURES", "3")
    monkeypatch.setenv("GOLDEN_HOUR_TRAINER_GLOBAL_FAILURES", "6")
    monkeypatch.setenv("GOLDEN_HOUR_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    # The address is the client's as a proxy reports it (Sanic's own setting).
    monkeypatch.setenv("SANIC_REAL_IP_HEADER", "x-real-ip")
    settings.cache_clear()
    channel = WidgetInput.from_credentials({})
    assert isinstance(channel, WidgetInput)
    channel.clock = clock
    channel.trainer_lockout.clock = clock
    agent = Agent()
    async with serve([channel], agent) as base:
        yield base, channel, agent
    settings.cache_clear()


async def client(base: str) -> WidgetClient:
    return await WidgetClient(base).connect()


def heard(agent: Agent) -> list[tuple[str, str]]:
    return [(m.sender_id, m.text) for m in agent.received]


# --- credentials expire -------------------------------------------------------------------


async def test_a_copied_credential_stops_working_after_expiry(
    server: tuple[str, WidgetInput, Agent], clock: Clock
) -> None:
    base, _channel, agent = server
    alice, mallory = await client(base), await client(base)
    try:
        credential = (await alice.start_session())["session"]
        alice_id = credential.split(".")[0]
        await alice.say("hello")
        clock.now += 12 * HOUR + 1
        # A copy presented after expiry gets a new conversation and is told why.
        start = len(mallory.received)
        session = await mallory.start_session(credential)
        assert session["resumed"] is False
        assert session["session"].split(".")[0] != alice_id
        await mallory.wait_for(lambda: len(mallory.received) > start)
        assert EXPIRED in texts(mallory.received[start:])
        await mallory.say("what did she write")
        assert heard(agent)[-1][0] != alice_id  # never Alice's conversation
    finally:
        await alice.close()
        await mallory.close()


async def test_an_open_socket_is_checked_again_on_every_message(
    server: tuple[str, WidgetInput, Agent], clock: Clock
) -> None:
    base, _channel, agent = server
    alice = await client(base)
    try:
        credential = (await alice.start_session())["session"]
        alice_id = credential.split(".")[0]
        await alice.say("first")
        assert heard(agent) == [(alice_id, "first")]
        clock.now += 12 * HOUR
        replies = await alice.say("after twelve hours")
        # Not used for the expired conversation; a new session, with the reason.
        assert heard(agent) == [(alice_id, "first")]
        assert EXPIRED in texts(replies)
        assert alice.session is not None and alice.session["resumed"] is False
        renewed = alice.session["session"].split(".")[0]
        assert renewed != alice_id
        await alice.say("again")
        assert heard(agent)[-1] == (renewed, "again")
        assert (await alice.draft("text"))["error"] == "no_draft"
    finally:
        await alice.close()


async def test_a_draft_request_after_expiry_gets_nothing_of_the_old_conversation(
    server: tuple[str, WidgetInput, Agent], clock: Clock
) -> None:
    base, _channel, _agent = server
    alice = await client(base)
    try:
        await alice.start_session()
        clock.now += 13 * HOUR
        assert (await alice.draft("pdf")) == {"error": "expired"}
    finally:
        await alice.close()


async def test_a_reload_within_the_lifetime_still_resumes(
    server: tuple[str, WidgetInput, Agent], clock: Clock
) -> None:
    base, _channel, _agent = server
    first, again = await client(base), await client(base)
    try:
        credential = (await first.start_session())["session"]
        clock.now += 11 * HOUR
        session = await again.start_session(credential)
        assert session["resumed"] is True and session["session"] == credential
    finally:
        await first.close()
        await again.close()


# --- the trainer's view locks out -------------------------------------------------------------


def basic(password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"t:{password}".encode()).decode()}


async def trainer(base: str, password: str, address: str) -> tuple[int, dict[str, str]]:
    headers = {**basic(password), "X-Real-IP": address}
    status, _body, got = await request("GET", f"{base}/webhooks/widget/trainer", headers=headers)
    return status, got


async def test_wrong_passwords_lock_out_that_address_with_429_and_retry_after(
    server: tuple[str, WidgetInput, Agent], clock: Clock, widget_log: Records
) -> None:
    base, _channel, _agent = server
    for n in range(3):
        assert (await trainer(base, f"guess-{n}", "198.51.100.7"))[0] == 401
    status, headers = await trainer(base, PASSWORD, "198.51.100.7")  # even the right one
    assert status == 429
    assert 0 < int(headers["Retry-After"]) <= 15 * 60
    # Another address is not affected.
    assert (await trainer(base, PASSWORD, "198.51.100.8"))[0] not in (401, 429)
    clock.now += 15 * 60 + 1
    assert (await trainer(base, PASSWORD, "198.51.100.7"))[0] not in (401, 429)
    logged = widget_log.dump()
    assert "guess-" not in logged and PASSWORD not in logged and "198.51.100.7" not in logged
    assert any(getattr(r, "locked", False) for r in widget_log.records)


async def test_many_addresses_guessing_slow_everyone_but_do_not_lock_out_the_trainer(
    server: tuple[str, WidgetInput, Agent],
) -> None:
    base, _channel, _agent = server
    for n in range(6):  # the global figure, one wrong password per address
        assert (await trainer(base, "guess", f"203.0.113.{n}"))[0] == 401
    # An address that has guessed wrong now waits, even with the right password ...
    assert (await trainer(base, PASSWORD, "203.0.113.0"))[0] == 429
    # ... but the trainer, who has not, still gets in.
    assert (await trainer(base, PASSWORD, "192.0.2.44"))[0] not in (401, 429)


def test_the_lockout_forgets_failures_as_they_leave_the_window() -> None:
    clock = Clock()
    lockout = Lockout(per_address=2, global_limit=100, window_s=60, clock=clock)
    lockout.failed("a")
    clock.now += 30
    lockout.failed("a")
    assert lockout.retry_after("a") == 30  # the first failure leaves the window then
    clock.now += 30
    assert lockout.retry_after("a") is None
    lockout.failed("a")
    assert lockout.retry_after("a") == 30
    lockout.succeeded("a")
    assert lockout.retry_after("a") is None


def test_the_lockout_keeps_a_bounded_record() -> None:
    clock = Clock()
    lockout = Lockout(per_address=3, global_limit=5, window_s=60, clock=clock)
    for n in range(1000):
        lockout.failed(f"addr-{n}")
    assert lockout.under_attack
    assert len(lockout._everyone) == 5
    assert lockout.retry_after("addr-999") is not None  # guessed once, under attack
    assert lockout.retry_after("new") is None
    clock.now += 61
    assert not lockout.under_attack
    assert lockout.retry_after("addr-999") is None


# --- the caller beyond the conversation id (resume-code limits, finding 7) -------------------


async def test_each_message_names_its_caller_by_a_digest_of_the_address_never_the_address(
    server: tuple[str, WidgetInput, Agent],
) -> None:
    base, _channel, agent = server
    first, second = await client(base), await client(base)
    try:
        await first.start_session()
        await second.start_session()
        await first.say("one")
        await second.say("two")
    finally:
        await first.close()
        await second.close()
    callers = [callers_from_metadata(m.metadata) for m in agent.received]
    # Two conversations from one address: the same caller, by digest only.
    assert callers[0] == callers[1] == [f"widget:{pseudonym('127.0.0.1')}"]
    assert all("127.0.0.1" not in str(m.metadata) for m in agent.received)
    assert agent.received[0].sender_id != agent.received[1].sender_id
