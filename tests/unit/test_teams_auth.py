"""Token verification for the Teams channel against a local stand-in for the Bot
Framework (tests/botframework_fake.py): real RS256 tokens, real JWKS over HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from bot.channels.teams.auth import AuthError, KeyCache, Verifier, secure_url
from bot.channels.teams.client import Http
from tests.botframework_fake import FakeBotFramework, PublishedKey, new_key


@pytest.fixture
def fake() -> Iterator[FakeBotFramework]:
    server = FakeBotFramework().start()
    yield server
    server.stop()


@pytest.fixture
async def http() -> Any:
    client = Http()
    yield client
    await client.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


_clients: list[Http] = []


def verifier(fake: FakeBotFramework, clock: Clock | None = None, **kwargs: Any) -> Verifier:
    http = Http()
    _clients.append(http)
    keys = KeyCache(fake.openid_url, http.get_json, clock=clock or time.monotonic, **kwargs)
    return Verifier(fake.app_id, keys)


@pytest.fixture(autouse=True)
async def close_clients() -> Any:
    yield
    while _clients:
        await _clients.pop().close()


def activity(fake: FakeBotFramework, **changes: Any) -> dict[str, Any]:
    act = fake.message("hello", conversation_id="a:1conversation")
    act.update(changes)
    return act


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    head = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    return head + "." + b64(signature)


async def reason(v: Verifier, authorization: str | None, act: dict[str, Any]) -> str | None:
    """Why the request is refused, or None if it passes."""
    try:
        verified = await v.verify_token(authorization)
        Verifier.check_activity(verified, act)
    except AuthError as err:
        return err.reason
    return None


async def test_a_genuine_token_passes_and_carries_its_claims(fake: FakeBotFramework) -> None:
    v = verifier(fake)
    verified = await v.verify_token(fake.bearer())
    Verifier.check_activity(verified, activity(fake))
    assert verified.claims["serviceurl"] == fake.service_url
    assert verified.key.endorsements == frozenset({"msteams", "webchat"})


async def test_forged_tokens_are_refused_each_for_its_reason(fake: FakeBotFramework) -> None:
    v = verifier(fake)
    act = activity(fake)
    claims = fake.claims()
    public_pem = (
        fake.keys[0]
        .private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    hs_header = {"alg": "HS256", "kid": "key-1", "typ": "JWT"}
    hs_input = (
        b64(json.dumps(hs_header).encode()) + "." + b64(json.dumps(claims).encode())
    ).encode()
    hs_signature = hmac.new(public_pem, hs_input, hashlib.sha256).digest()
    now = int(time.time())
    cases = {
        "wrong key": (fake.bearer(key=new_key()), "signature"),
        "wrong audience": (fake.bearer(aud="another-bot"), "audience"),
        "wrong issuer": (fake.bearer(iss="https://evil.example"), "issuer"),
        "expired": (fake.bearer(exp=now - 600), "expired"),
        "not yet valid": (fake.bearer(nbf=now + 600), "not_yet_valid"),
        "alg none": (
            "Bearer " + unsigned({"alg": "none", "kid": "key-1", "typ": "JWT"}, claims),
            "algorithm",
        ),
        "HS256 with the public key": (
            "Bearer " + unsigned(hs_header, claims, hs_signature),
            "algorithm",
        ),
        "missing header": (None, "no_header"),
        "not bearer": ("Basic " + base64.b64encode(b"user:pass").decode(), "not_bearer"),
        "garbage": ("Bearer not.a.jwt", "malformed"),
        "unknown key id": (fake.bearer(kid="key-unknown"), "unknown_key"),
    }
    for name, (authorization, expected) in cases.items():
        assert await reason(v, authorization, act) == expected, name


async def test_a_token_without_exp_claim_is_refused(fake: FakeBotFramework) -> None:
    claims = fake.claims()
    del claims["exp"]
    token = jwt.encode(claims, fake.keys[0].private, algorithm="RS256", headers={"kid": "key-1"})
    assert await reason(verifier(fake), f"Bearer {token}", activity(fake)) == "missing_claim"


async def test_small_clock_skew_is_allowed(fake: FakeBotFramework) -> None:
    now = int(time.time())
    v = verifier(fake)
    assert await reason(v, fake.bearer(exp=now - 60), activity(fake)) is None
    assert await reason(v, fake.bearer(nbf=now + 60), activity(fake)) is None


async def test_the_service_url_must_be_the_one_in_the_token(fake: FakeBotFramework) -> None:
    v = verifier(fake)
    other = "https://smba.example.invalid/teams/"
    assert await reason(v, fake.bearer(other), activity(fake)) == "service_url"
    assert await reason(v, fake.bearer(), activity(fake, serviceUrl=other)) == "service_url"
    assert await reason(v, fake.bearer(serviceurl=None), activity(fake)) == "service_url"
    no_url = activity(fake)
    del no_url["serviceUrl"]
    assert await reason(v, fake.bearer(), no_url) == "service_url"


async def test_the_channel_must_be_endorsed_by_the_key(fake: FakeBotFramework) -> None:
    fake.keys[0].endorsements = ["webchat"]  # this key may not speak for Teams
    v = verifier(fake)
    assert await reason(v, fake.bearer(), activity(fake)) == "endorsement"
    assert await reason(v, fake.bearer(), activity(fake, channelId="webchat")) is None
    assert await reason(v, fake.bearer(), activity(fake, channelId="")) == "no_channel"


async def test_a_key_without_endorsements_does_not_check_the_channel(
    fake: FakeBotFramework,
) -> None:
    fake.keys[0].endorsements = None
    assert await reason(verifier(fake), fake.bearer(), activity(fake, channelId="other")) is None


async def test_keys_are_cached(fake: FakeBotFramework) -> None:
    v = verifier(fake)
    for _ in range(5):
        assert await reason(v, fake.bearer(), activity(fake)) is None
    assert fake.jwks_fetches == 1
    assert fake.metadata_fetches == 1


async def test_unknown_key_id_refreshes_then_refuses_and_is_rate_limited(
    fake: FakeBotFramework,
) -> None:
    clock = Clock()
    v = verifier(fake, clock, min_refresh_s=300)
    assert await reason(v, fake.bearer(), activity(fake)) is None
    assert fake.jwks_fetches == 1
    assert await reason(v, fake.bearer(kid="forged-1"), activity(fake)) == "unknown_key"
    clock.now += 301
    assert await reason(v, fake.bearer(kid="forged-2"), activity(fake)) == "unknown_key"
    assert fake.jwks_fetches == 2  # the first unknown id was within 300 s of the load
    clock.now += 10
    assert await reason(v, fake.bearer(kid="forged-3"), activity(fake)) == "unknown_key"
    assert fake.jwks_fetches == 2  # rate-limited: no fetch for forged-3


async def test_a_rotated_key_is_picked_up_after_a_refresh(fake: FakeBotFramework) -> None:
    clock = Clock()
    v = verifier(fake, clock, min_refresh_s=300)
    assert await reason(v, fake.bearer(), activity(fake)) is None
    rotated = PublishedKey("key-2", new_key(), ["msteams"])
    fake.keys.insert(0, rotated)  # Microsoft publishes a new key and signs with it
    clock.now += 400
    assert await reason(v, fake.bearer(), activity(fake)) is None
    assert fake.jwks_fetches == 2


async def test_keys_are_refreshed_once_a_day(fake: FakeBotFramework) -> None:
    clock = Clock()
    v = verifier(fake, clock)
    assert await reason(v, fake.bearer(), activity(fake)) is None
    clock.now += 23 * 3600
    assert await reason(v, fake.bearer(), activity(fake)) is None
    assert fake.jwks_fetches == 1
    clock.now += 2 * 3600
    assert await reason(v, fake.bearer(), activity(fake)) is None
    assert fake.jwks_fetches == 2


async def test_keys_unreachable_refuses_and_keeps_old_keys(fake: FakeBotFramework) -> None:
    clock = Clock()
    v = verifier(fake, clock)
    assert await reason(v, fake.bearer(), activity(fake)) is None
    fake.stop()  # Microsoft's metadata is down
    clock.now += 25 * 3600
    assert await reason(v, fake.bearer(), activity(fake)) is None  # old keys still work


async def test_nothing_verifies_before_keys_can_be_fetched(http: Http) -> None:
    nowhere = "http://127.0.0.1:9/v1/.well-known/openidconfiguration"
    v = Verifier("app", KeyCache(nowhere, http.get_json))
    token = FakeBotFramework().token(aud="app")
    assert await reason(v, f"Bearer {token}", {"channelId": "msteams"}) == "unknown_key"


async def test_metadata_that_does_not_offer_rs256_or_https_keys_is_not_used() -> None:
    async def metadata(algs: list[str], jwks_uri: str) -> Any:
        async def fetch(url: str) -> Any:
            if url.endswith("openid"):
                return {"jwks_uri": jwks_uri, "id_token_signing_alg_values_supported": algs}
            raise AssertionError("the key set must not be fetched")

        cache = KeyCache("https://login.example/openid", fetch)
        return await cache.key("key-1")

    assert await metadata(["HS256"], "https://login.example/keys") is None
    assert await metadata(["RS256"], "http://keys.example/keys") is None


async def test_an_unconfigured_bot_refuses_everything(fake: FakeBotFramework, http: Http) -> None:
    v = Verifier("", KeyCache(fake.openid_url, http.get_json))
    assert await reason(v, fake.bearer(aud=""), activity(fake)) == "not_configured"
    assert fake.jwks_fetches == 0


def test_secure_urls() -> None:
    assert secure_url("https://login.botframework.com/v1/keys")
    assert secure_url("http://127.0.0.1:8080/x")
    assert not secure_url("http://login.botframework.com/v1/keys")
    assert not secure_url("ftp://127.0.0.1/x")
    assert not secure_url(None)
    assert not secure_url("https://")
