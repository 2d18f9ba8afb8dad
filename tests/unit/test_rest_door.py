"""Who may post to the REST channel (findings 2 and 10, and Rasa's version on
``GET /``): the pure decision, then the channel in a Sanic app built as ``rasa run``
builds it, served on loopback with a stand-in for Rasa."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.channels.rest import SafeRestInput
from bot.channels.rest.door import Door, admit, door_for, is_loopback
from bot.config import settings
from tests.log_records import Records, recording
from tests.sanic_server import Agent, request, serve

TOKEN = "rest-token-for-tests-0123456789"


@pytest.fixture
def rest_token(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GOLDEN_HOUR_REST_TOKEN", TOKEN)
    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("GOLDEN_HOUR_REST_TOKEN", raising=False)
    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture
def rest_log() -> Iterator[Records]:
    with recording("golden_hour.channels.rest") as records:
        yield records


# --- the decision ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.0.2.10", False),
        ("golden-hour.example.org", False),
        ("", False),
        (None, False),
    ],
)
def test_loopback_is_recognised_and_anything_else_is_not(host: str | None, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_without_a_token_rest_is_open_only_on_loopback() -> None:
    assert door_for(None, host="127.0.0.1").mode == "open"
    assert door_for(None, host="unix:").mode == "open"
    assert door_for(None, host="0.0.0.0").mode == "closed"
    assert door_for(None, host=None).mode == "closed"  # not known: closed
    assert door_for(None, host="127.0.0.1", require_token=True).mode == "closed"


def test_with_a_token_every_post_needs_it_wherever_the_server_listens() -> None:
    for host in ("127.0.0.1", "0.0.0.0"):
        door = door_for(TOKEN, host=host)
        assert door.mode == "token"
        assert admit(door, f"Bearer {TOKEN}") is None
        assert admit(door, f"bearer  {TOKEN} ") is None
        for header in (None, "", "Bearer", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN):
            refusal = admit(door, header)
            assert refusal is not None and refusal.status == 401


def test_the_token_is_never_in_the_doors_repr() -> None:
    assert TOKEN not in repr(door_for(TOKEN, host="0.0.0.0"))
    assert TOKEN not in door_for(TOKEN, host="0.0.0.0").why


def test_a_closed_door_refuses_even_a_bearer() -> None:
    refusal = admit(Door("closed", "why"), "Bearer anything")
    assert refusal is not None and refusal.status == 503 and refusal.reason == "rest_closed"


# --- the channel in a server -------------------------------------------------------------


def post(base: str, sender: str, message: str, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return request(
        "POST", f"{base}/webhooks/rest/webhook", {"sender": sender, "message": message}, headers
    )


async def test_on_loopback_without_a_token_rest_answers() -> None:
    agent = Agent()
    async with serve([SafeRestInput()], agent) as base:
        status, body, _ = await post(base, "script-1", "hello")
    assert status == 200
    assert body[0]["text"] == "heard you"
    assert [m.text for m in agent.received] == ["hello"]


@pytest.mark.usefixtures("rest_token")
async def test_with_a_token_a_post_without_it_gets_401_and_touches_nothing(
    rest_log: Records,
) -> None:
    agent = Agent()
    async with serve([SafeRestInput()], agent) as base:
        for token in (None, "wrong-token"):
            status, body, headers = await post(base, "caseworker-ben", "why", token)
            assert status == 401
            assert body["error"] == "rest_token" and "Authorization: Bearer" in body["message"]
            assert headers["WWW-Authenticate"].startswith("Bearer")
        assert agent.received == []
        status, _body, _ = await post(base, "caseworker-ben", "why", TOKEN)
        assert status == 200
        assert [m.text for m in agent.received] == ["why"]
    logged = " ".join(str(vars(r)) for r in rest_log.records)
    assert TOKEN not in logged and "wrong-token" not in logged


async def test_beyond_loopback_without_a_token_every_post_is_refused_and_the_log_says_why(
    rest_log: Records,
) -> None:
    agent = Agent()
    async with serve([SafeRestInput()], agent, told_host="0.0.0.0") as base:
        for _ in range(3):
            status, body, _ = await post(base, "caseworker-ben", "why")
            assert status == 503 and body["error"] == "rest_closed"
        # Every REST route is behind the door, the probes included.
        for path in ("/webhooks/rest/", "/webhooks/rest/health"):
            status, body, _ = await request("GET", f"{base}{path}")
            assert status == 503 and body["error"] == "rest_closed"
    assert agent.received == []
    warnings = [r for r in rest_log.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once, at start
    assert warnings[0].rest_door == "closed" and "0.0.0.0" in warnings[0].why


@pytest.mark.usefixtures("rest_token")
async def test_with_a_token_the_probes_need_it_too() -> None:
    async with serve([SafeRestInput()], Agent()) as base:
        for path in ("/webhooks/rest/", "/webhooks/rest/health"):
            status, body, _ = await request("GET", f"{base}{path}")
            assert status == 401 and body["error"] == "rest_token"
            bearer = {"Authorization": f"Bearer {TOKEN}"}
            status, _body, _ = await request("GET", f"{base}{path}", None, bearer)
            assert status != 401


@pytest.mark.usefixtures("rest_token")
async def test_beyond_loopback_with_a_token_rest_answers_the_bearer() -> None:
    agent = Agent()
    async with serve([SafeRestInput()], agent, told_host="0.0.0.0") as base:
        assert (await post(base, "script-1", "hello"))[0] == 401
        assert (await post(base, "script-1", "hello", TOKEN))[0] == 200
    assert len(agent.received) == 1


async def test_credentials_that_require_a_token_refuse_every_post_while_none_is_set() -> None:
    agent = Agent()
    channel = SafeRestInput.from_credentials({"require_token": True})
    async with serve([channel], agent) as base:
        status, body, _ = await post(base, "script-1", "hello")
    assert status == 503 and body["error"] == "rest_closed"
    assert agent.received == []


async def test_the_root_route_does_not_show_rasas_version() -> None:
    async with serve([SafeRestInput()], Agent()) as base:
        status, body, _ = await request("GET", f"{base}/")
    assert status == 200
    assert "Rasa" not in str(body) and "3.6" not in str(body)
    assert body == {"status": "ok"}


async def test_a_typed_restart_is_refused_with_a_clear_answer_and_never_reaches_rasa() -> None:
    agent = Agent()
    async with serve([SafeRestInput()], agent) as base:
        for typed in ("/restart", "/session_start", "//restart"):
            status, body, _ = await post(base, "script-1", typed)
            assert status == 400
            assert "start again" in body[0]["text"] and "nothing has changed" in body[0]["text"]
            assert "999" in body[-1]["text"]  # the emergency contacts
    assert agent.received == []


def test_the_production_credentials_require_the_rest_token() -> None:
    root = Path(__file__).resolve().parents[2]
    production = yaml.safe_load((root / "deploy" / "credentials.production.yml").read_text())
    embedded = yaml.safe_load((root / "credentials.yml").read_text())
    assert set(production) == set(embedded)  # the same channels
    rest = production["bot.channels.rest.SafeRestInput"]
    assert rest["require_token"] is True
    assert SafeRestInput.from_credentials(rest).require_token is True
    assert (
        SafeRestInput.from_credentials(embedded["bot.channels.rest.SafeRestInput"]).require_token
        is False
    )
