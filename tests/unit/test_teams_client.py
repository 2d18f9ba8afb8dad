"""Outbound to the Bot Framework: the client-credentials token, its cache, and
posting activities, against the local stand-in (tests/botframework_fake.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.channels.teams.client import (
    Connector,
    Http,
    activities_url,
    token_url_for,
)
from bot.logs import JsonFormatter
from tests.botframework_fake import SCOPE, FakeBotFramework


@pytest.fixture
def fake() -> Iterator[FakeBotFramework]:
    server = FakeBotFramework().start()
    yield server
    server.stop()


@pytest.fixture
async def http() -> AsyncIterator[Http]:
    client = Http()
    yield client
    await client.close()


class LogRecords(logging.Handler):
    """Golden Hour's loggers do not propagate (bot/logs.py), so caplog misses them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def events(self, event: str) -> list[logging.LogRecord]:
        return [r for r in self.records if r.getMessage() == event]

    @property
    def text(self) -> str:
        formatter = JsonFormatter()
        return "\n".join(formatter.format(r) for r in self.records)


@pytest.fixture
def teams_log() -> Iterator[LogRecords]:
    handler = LogRecords()
    logger = logging.getLogger("golden_hour.channels.teams")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def connector(fake: FakeBotFramework, http: Http, clock: Clock | None = None, **kw) -> Connector:
    return Connector(
        http,
        app_id=kw.pop("app_id", fake.app_id),
        app_password=kw.pop("app_password", fake.app_password),
        token_url=token_url_for(fake.token_url_template, fake.tenant),
        retry_delay_s=0,
        clock=clock or Clock(),
        **kw,
    )


def reply_url(fake: FakeBotFramework, conversation: str = "a:1conv", reply_to: str = "1") -> str:
    return activities_url(fake.service_url, conversation, reply_to)


async def test_posts_with_a_client_credentials_token_that_is_cached(
    fake: FakeBotFramework, http: Http
) -> None:
    bf = connector(fake, http)
    for n in range(3):
        assert await bf.post(reply_url(fake), {"type": "message", "text": f"hi {n}"})
    assert [p.activity["text"] for p in fake.posted_to("a:1conv", "1")] == ["hi 0", "hi 1", "hi 2"]
    assert len(fake.token_requests) == 1
    request = fake.token_requests[0]
    assert request["grant_type"] == "client_credentials"
    assert request["client_id"] == fake.app_id
    assert request["scope"] == SCOPE


async def test_the_token_is_renewed_shortly_before_it_expires(
    fake: FakeBotFramework, http: Http
) -> None:
    clock = Clock()
    bf = connector(fake, http, clock)
    assert await bf.post(reply_url(fake), {"type": "message"})
    clock.now += 3599 - 301  # the fake's tokens last 3599 s; renewal 5 minutes early
    assert await bf.post(reply_url(fake), {"type": "message"})
    assert len(fake.token_requests) == 1
    clock.now += 2
    assert await bf.post(reply_url(fake), {"type": "message"})
    assert len(fake.token_requests) == 2


async def test_a_revoked_token_is_replaced_once(fake: FakeBotFramework, http: Http) -> None:
    bf = connector(fake, http)
    assert await bf.post(reply_url(fake), {"type": "message", "text": "one"})
    fake.issued_tokens.clear()  # the service no longer accepts the cached token
    assert await bf.post(reply_url(fake), {"type": "message", "text": "two"})
    assert len(fake.token_requests) == 2
    assert fake.refused_posts == 1


async def test_a_wrong_secret_fails_quietly_and_says_why_in_the_log(
    fake: FakeBotFramework, http: Http, teams_log: LogRecords
) -> None:
    bf = connector(fake, http, app_password="wrong-Zq9")
    assert not await bf.post(reply_url(fake), {"type": "message", "text": "secret words"})
    assert not fake.posted
    assert teams_log.events("teams token not issued")
    assert "secret words" not in teams_log.text and "wrong-Zq9" not in teams_log.text


async def test_a_failing_service_is_retried_once_then_reported_not_raised(
    fake: FakeBotFramework, http: Http, teams_log: LogRecords
) -> None:
    fake.failing_conversations.add("a:1down")
    bf = connector(fake, http)
    assert not await bf.post(reply_url(fake, "a:1down"), {"type": "message", "text": "x"})
    failed = teams_log.events("teams post failed")
    assert [r.status for r in failed] == [500]  # type: ignore[attr-defined]
    assert fake.failed_posts == 2  # tried twice


async def test_an_unreachable_service_is_reported_not_raised(http: Http) -> None:
    bf = Connector(http, app_id="a", app_password="b", token_url="http://127.0.0.1:9/t")
    assert not await bf.post("http://127.0.0.1:9/v3/conversations/x/activities", {})


async def test_only_https_or_loopback_urls_are_used(fake: FakeBotFramework, http: Http) -> None:
    bf = connector(fake, http)
    assert not await bf.post("http://smba.example.net/v3/conversations/x/activities", {})
    assert not fake.token_requests  # refused before a token was even asked for


def test_urls_follow_the_connector_api() -> None:
    url = activities_url("https://smba.trafficmanager.net/emea/", "a:1x;messageid=9", "1:2")
    assert url == (
        "https://smba.trafficmanager.net/emea/v3/conversations/a%3A1x%3Bmessageid%3D9"
        "/activities/1%3A2"
    )
    assert activities_url("https://s.example", "19:c@thread.tacv2").endswith(
        "/v3/conversations/19%3Ac%40thread.tacv2/activities"
    )
    template = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
    assert token_url_for(template, "botframework.com") == (
        "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    )
