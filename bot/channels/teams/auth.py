"""Is this request really from the Bot Framework, for this bot? The checks Microsoft
asks of a bot that authenticates the Bot Connector itself ("Authentication with the
Bot Connector API"), all of them:

- a ``Bearer`` JWT signed with RS256 (nothing else: no ``none``, no HMAC) by a key
  from the JWKS that the configured OpenID metadata document points to;
- issuer, audience (the bot's app id), expiry and not-before, 5 minutes of skew;
- where the key carries endorsements, the activity's ``channelId`` among them;
- the token's ``serviceurl`` claim equal to the activity's ``serviceUrl``, so
  replies only ever go where Microsoft said the activity came from.

Rasa 3.6's own botframework channel checks only signature, audience and expiry,
trusts the token's own ``alg`` header, and fetches keys with blocking calls.

Keys are cached: refreshed once a day, and when a token names an unknown key id
(at most once per ``min_refresh_s``, so forged ids cannot hammer Microsoft).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt

log = logging.getLogger("golden_hour.channels.teams")

BOT_FRAMEWORK_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
ALGORITHM = "RS256"
CLOCK_SKEW_S = 300  # Microsoft: "industry-standard clock-skew is 5 minutes"
KEYS_MAX_AGE_S = 24 * 3600
MIN_REFRESH_S = 300

FetchJson = Callable[[str], Awaitable[Any]]

_JWT_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "not_yet_valid"),
    (jwt.InvalidAudienceError, "audience"),
    (jwt.InvalidIssuerError, "issuer"),
    (jwt.InvalidSignatureError, "signature"),
    (jwt.MissingRequiredClaimError, "missing_claim"),
    (jwt.InvalidAlgorithmError, "algorithm"),
)


class AuthError(Exception):
    """The request is refused (401). ``reason`` is a short code for the logs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def secure_url(url: object) -> bool:
    """https, or http to this machine (the local stand-in the tests use)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class SigningKey:
    key: Any
    # None when the JWKS entry has no endorsements at all (nothing to check)
    endorsements: frozenset[str] | None


@dataclass(frozen=True)
class Verified:
    claims: dict[str, Any]
    key: SigningKey


def _parse_keys(jwks: Any) -> dict[str, SigningKey]:
    keys: dict[str, SigningKey] = {}
    entries = jwks.get("keys") if isinstance(jwks, dict) else None
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig":
            continue
        if entry.get("alg", ALGORITHM) != ALGORITHM:
            continue
        try:
            key = jwt.PyJWK(entry, algorithm=ALGORITHM).key
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
            continue
        raw = entry.get("endorsements")
        endorsements = (
            frozenset(e for e in raw if isinstance(e, str)) if isinstance(raw, list) else None
        )
        keys[entry["kid"]] = SigningKey(key, endorsements)
    return keys


class KeyCache:
    """The Bot Framework's signing keys, from the OpenID metadata's ``jwks_uri``."""

    def __init__(
        self,
        openid_url: str,
        fetch_json: FetchJson,
        *,
        max_age_s: float = KEYS_MAX_AGE_S,
        min_refresh_s: float = MIN_REFRESH_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.openid_url = openid_url
        self._fetch = fetch_json
        self._max_age_s = max_age_s
        self._min_refresh_s = min_refresh_s
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._loaded_at: float | None = None
        self._tried_at: float | None = None
        self._lock = asyncio.Lock()
        self.refreshes = 0  # successful fetches of the key set

    async def key(self, kid: str) -> SigningKey | None:
        now = self._clock()
        stale = self._loaded_at is None or now - self._loaded_at > self._max_age_s
        if stale or kid not in self._keys:
            await self._refresh(now)
        return self._keys.get(kid)

    async def _refresh(self, asked_at: float) -> None:
        async with self._lock:
            # With no keys at all, try again sooner: a start-up fetch that failed
            # must not keep every request out for long.
            gap = self._min_refresh_s if self._keys else min(self._min_refresh_s, 10.0)
            if self._tried_at is not None and (
                asked_at < self._tried_at or asked_at - self._tried_at < gap
            ):
                return  # another request just refreshed, or one did too recently
            self._tried_at = self._clock()
            try:
                keys = await self._load()
            except Exception as exc:
                # Keep the keys we had: Microsoft's metadata being briefly down must
                # not turn every request away.
                log.warning("teams keys not refreshed", extra={"error": type(exc).__name__})
                return
            self._keys = keys
            self._loaded_at = self._clock()
            self.refreshes += 1
            log.info("teams keys refreshed", extra={"keys": len(keys)})

    async def _load(self) -> dict[str, SigningKey]:
        if not secure_url(self.openid_url):
            raise ValueError("OpenID metadata URL must be https")
        metadata = await self._fetch(self.openid_url)
        if not isinstance(metadata, dict):
            raise ValueError("OpenID metadata is not an object")
        algs = metadata.get("id_token_signing_alg_values_supported")
        if isinstance(algs, list) and ALGORITHM not in algs:
            raise ValueError("OpenID metadata does not offer RS256")
        jwks_uri = metadata.get("jwks_uri")
        if not secure_url(jwks_uri):
            raise ValueError("jwks_uri must be https")
        return _parse_keys(await self._fetch(jwks_uri))


class Verifier:
    def __init__(
        self,
        app_id: str,
        keys: KeyCache,
        *,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        leeway_s: float = CLOCK_SKEW_S,
    ) -> None:
        self.app_id = app_id
        self.keys = keys
        self.issuer = issuer
        self.leeway_s = leeway_s

    async def verify_token(self, authorization: str | None) -> Verified:
        """Signature, algorithm, issuer, audience and validity period."""
        if not self.app_id:
            raise AuthError("not_configured")
        if not authorization:
            raise AuthError("no_header")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthError("not_bearer")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("malformed") from None
        if header.get("alg") != ALGORITHM:
            raise AuthError("algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError("no_key_id")
        key = await self.keys.key(kid)
        if key is None:
            raise AuthError("unknown_key")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=self.app_id,
                issuer=self.issuer,
                leeway=self.leeway_s,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            reason = next((r for t, r in _JWT_ERRORS if isinstance(exc, t)), "invalid")
            raise AuthError(reason) from None
        return Verified(claims, key)

    @staticmethod
    def check_activity(verified: Verified, activity: Mapping[str, Any]) -> None:
        """The token vouches for this activity: its channel and its service URL."""
        channel_id = activity.get("channelId")
        if not isinstance(channel_id, str) or not channel_id:
            raise AuthError("no_channel")
        endorsements = verified.key.endorsements
        if endorsements is not None and channel_id not in endorsements:
            raise AuthError("endorsement")
        service_url = activity.get("serviceUrl")
        claimed = verified.claims.get("serviceurl")
        if not isinstance(service_url, str) or not isinstance(claimed, str):
            raise AuthError("service_url")
        if claimed != service_url:
            raise AuthError("service_url")
