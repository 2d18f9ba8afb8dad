"""Talking to the Bot Framework: JSON fetches (OpenID metadata, keys), a bearer
token from the token endpoint (client-credentials grant), cached until shortly
before it expires, and activities POSTed to a conversation. A failed post is
logged (status only, never the text) and reported as False; nothing raises."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.channels.teams.auth import secure_url
from bot.ops import metrics

log = logging.getLogger("golden_hour.channels.teams")

SCOPE = "https://api.botframework.com/.default"
DEFAULT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
TIMEOUT_S = 10.0
MAX_JSON_BYTES = 1_000_000


class TokenError(Exception):
    pass


class Http:
    """One aiohttp session, made on first use inside the server's event loop."""

    def __init__(self, timeout_s: float = TIMEOUT_S) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def get_json(self, url: str) -> Any:
        async with self.session().get(url) as resp:
            if resp.status != 200:
                raise aiohttp.ClientResponseError(
                    resp.request_info, resp.history, status=resp.status
                )
            raw = await resp.content.read(MAX_JSON_BYTES + 1)
            if len(raw) > MAX_JSON_BYTES:
                raise ValueError("response too large")
            return json.loads(raw)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def activities_url(service_url: str, conversation_id: str, reply_to: str | None = None) -> str:
    """``{serviceUrl}/v3/conversations/{id}/activities[/{replyToId}]``."""
    url = f"{service_url.rstrip('/')}/v3/conversations/{quote(conversation_id, safe='')}/activities"
    if reply_to:
        url += "/" + quote(reply_to, safe="")
    return url


def token_url_for(template: str, tenant: str) -> str:
    return template.replace("{tenant}", quote(tenant, safe=""))


class Connector:
    def __init__(
        self,
        http: Http,
        *,
        app_id: str,
        app_password: str,
        token_url: str,
        retry_delay_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.app_id = app_id
        self._password = app_password
        self.token_url = token_url
        self._retry_delay_s = retry_delay_s
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:
            if self._token and self._clock() < self._expires_at:
                return self._token
            self._token, lifetime = await self._fetch_token()
            # Renew a little before it runs out (5 minutes, or half a short life).
            self._expires_at = self._clock() + lifetime - min(300.0, lifetime / 2)
            return self._token

    def forget_token(self) -> None:
        self._token = None

    async def _fetch_token(self) -> tuple[str, float]:
        if not (self.app_id and self._password):
            raise TokenError("no app id or password")
        if not secure_url(self.token_url):
            raise TokenError("token URL must be https")
        form = {
            "grant_type": "client_credentials",
            "client_id": self.app_id,
            "client_secret": self._password,
            "scope": SCOPE,
        }
        async with self.http.session().post(self.token_url, data=form) as resp:
            if resp.status != 200:
                raise TokenError(f"token endpoint answered {resp.status}")
            body = json.loads(await resp.content.read(MAX_JSON_BYTES))
        if not isinstance(body, dict):
            raise TokenError("token response is not an object")
        token, lifetime = body.get("access_token"), body.get("expires_in")
        if not isinstance(token, str) or not token:
            raise TokenError("no access_token")
        try:
            seconds = float(lifetime)
        except (TypeError, ValueError):
            seconds = 600.0
        return token, max(seconds, 0.0)

    async def post(self, url: str, activity: dict[str, Any]) -> bool:
        """POST one activity; True when the Bot Framework took it."""
        if not secure_url(url):
            log.warning("teams post refused", extra={"reason": "insecure_url"})
            metrics.DELIVERY_FAILURES.labels(channel="teams").inc()
            return False
        status: int | None = None
        for attempt in (1, 2):
            try:
                token = await self.token()
            except Exception as exc:
                log.error("teams token not issued", extra={"error": type(exc).__name__})
                metrics.DELIVERY_FAILURES.labels(channel="teams").inc()
                return False
            try:
                async with self.http.session().post(
                    url, json=activity, headers={"Authorization": f"Bearer {token}"}
                ) as resp:
                    status = resp.status
                    await resp.read()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                status = None
                log.warning("teams post error", extra={"error": type(exc).__name__})
            if status is not None and 200 <= status < 300:
                return True
            if attempt == 2:
                break
            if status in (401, 403):
                self.forget_token()  # the token may have been revoked: try a fresh one
            elif status is None or status == 429 or status >= 500:
                await asyncio.sleep(self._retry_delay_s)
            else:
                break
        log.warning("teams post failed", extra={"status": status})
        metrics.DELIVERY_FAILURES.labels(channel="teams").inc()
        return False
