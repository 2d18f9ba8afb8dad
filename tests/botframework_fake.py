"""A local stand-in for the Bot Framework on 127.0.0.1, for the Teams tests.

It serves what a bot talks to: the OpenID metadata document, a JWKS of test RSA
keys (with endorsements, as Microsoft's has), the token endpoint (client
credentials: it checks the id, secret, grant and scope) and a service URL that
captures every activity posted to it. It also mints the JWTs the Bot Connector
would send, valid or forged, and builds Teams activities shaped like real ones.

Runs in its own thread and event loop, so both the unit tests (in-process) and
the end-to-end tests (a real Rasa server in another process) can use it.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
SCOPE = "https://api.botframework.com/.default"
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class PublishedKey:
    kid: str
    private: rsa.RSAPrivateKey
    endorsements: list[str] | None

    def jwk(self) -> dict[str, Any]:
        entry = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        entry.update(kid=self.kid, use="sig")
        if self.endorsements is not None:
            entry["endorsements"] = list(self.endorsements)
        return entry


@dataclass
class Posted:
    """One activity the bot posted to the service URL."""

    conversation_id: str
    reply_to: str | None
    activity: dict[str, Any]

    @property
    def text(self) -> str:
        """Everything a person would read in it: the text and the cards' words."""
        parts = [self.activity.get("text") or ""]
        for attachment in self.activity.get("attachments") or ():
            parts.extend(_card_words(attachment.get("content") or {}))
        return "\n".join(p for p in parts if p)

    @property
    def actions(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for attachment in self.activity.get("attachments") or ():
            _collect_actions(attachment.get("content") or {}, found)
        return found


def _card_words(node: Any) -> list[str]:
    words: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("TextBlock", "TextRun") and isinstance(node.get("text"), str):
            words.append(node["text"])
        for key, value in node.items():
            if key != "actions":
                words.extend(_card_words(value))
    elif isinstance(node, list):
        for item in node:
            words.extend(_card_words(item))
    return words


def _collect_actions(node: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "Action.Submit":
            found.append(node)
        for value in node.values():
            _collect_actions(value, found)
    elif isinstance(node, list):
        for item in node:
            _collect_actions(item, found)


@dataclass
class FakeBotFramework:
    app_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    app_password: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    tenant: str = "golden-hour-test-tenant"
    bot_id: str = field(default_factory=lambda: f"28:{uuid.uuid4()}")

    def __post_init__(self) -> None:
        self.keys: list[PublishedKey] = [PublishedKey("key-1", new_key(), ["msteams", "webchat"])]
        self.unpublished = new_key()  # signs forged tokens
        self.metadata_fetches = 0
        self.jwks_fetches = 0
        self.token_requests: list[dict[str, str]] = []
        self.issued_tokens: set[str] = set()
        self.posted: list[Posted] = []
        self.refused_posts = 0
        self.failed_posts = 0
        # conversation ids whose posts fail (500), to test a hand-off not delivered
        self.failing_conversations: set[str] = set()
        self._cond = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- addresses ----------------------------------------------------------------------

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openid_url(self) -> str:
        return f"{self.base}/v1/.well-known/openidconfiguration"

    @property
    def token_url_template(self) -> str:
        return f"{self.base}/{{tenant}}/oauth2/v2.0/token"

    @property
    def service_url(self) -> str:
        # Teams' service URLs end with a slash, like this one.
        return f"{self.base}/teams/"

    def env(self, **extra: str) -> dict[str, str]:
        """The channel's settings pointing at this stand-in."""
        env = {
            "GOLDEN_HOUR_TEAMS_APP_ID": self.app_id,
            "GOLDEN_HOUR_TEAMS_APP_PASSWORD": self.app_password,
            "GOLDEN_HOUR_TEAMS_TENANT": self.tenant,
            "GOLDEN_HOUR_TEAMS_TOKEN_URL": self.token_url_template,
            "GOLDEN_HOUR_TEAMS_OPENID_URL": self.openid_url,
        }
        env.update(extra)
        return env

    # --- the server -----------------------------------------------------------------------

    def start(self) -> FakeBotFramework:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._start_site())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup() if self._runner else asyncio.sleep(0))
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-botframework", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake Bot Framework did not start")
        return self

    async def _start_site(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._jwks)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_post("/teams/v3/conversations/{conversation}/activities", self._activity)
        app.router.add_post(
            "/teams/v3/conversations/{conversation}/activities/{reply_to}", self._activity
        )
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    async def _metadata(self, _request: web.Request) -> web.Response:
        self.metadata_fetches += 1
        return web.json_response(
            {
                "issuer": ISSUER,
                "authorization_endpoint": "https://invalid.example/oauth",
                "jwks_uri": f"{self.base}/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _jwks(self, _request: web.Request) -> web.Response:
        self.jwks_fetches += 1
        return web.json_response({"keys": [k.jwk() for k in self.keys]})

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.token_requests.append({k: str(v) for k, v in form.items() if k != "client_secret"})
        good = (
            request.match_info["tenant"] == self.tenant
            and form.get("grant_type") == "client_credentials"
            and form.get("client_id") == self.app_id
            and form.get("client_secret") == self.app_password
            and form.get("scope") == SCOPE
        )
        if not good:
            return web.json_response({"error": "invalid_client"}, status=401)
        token = secrets.token_urlsafe(32)
        self.issued_tokens.add(token)
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": token,
            }
        )

    async def _activity(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.issued_tokens:
            with self._cond:
                self.refused_posts += 1
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        conversation = unquote(request.match_info["conversation"])
        if conversation in self.failing_conversations:
            with self._cond:
                self.failed_posts += 1
            return web.json_response({"error": {"code": "ServiceError"}}, status=500)
        reply_to = request.match_info.get("reply_to")
        posted = Posted(conversation, unquote(reply_to) if reply_to else None, await request.json())
        with self._cond:
            self.posted.append(posted)
            self._cond.notify_all()
        return web.json_response({"id": f"1:{uuid.uuid4().hex}"}, status=201)

    # --- waiting for what the bot posts ---------------------------------------------------

    def posted_to(self, conversation_id: str, reply_to: str | None = None) -> list[Posted]:
        with self._cond:
            return [
                p
                for p in self.posted
                if p.conversation_id == conversation_id
                and (reply_to is None or p.reply_to == reply_to)
            ]

    def wait_for(
        self, conversation_id: str, reply_to: str | None, done: Any, timeout: float = 90
    ) -> list[Posted]:
        """The activities posted in reply, once ``done(those)`` is true."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    p
                    for p in self.posted
                    if p.conversation_id == conversation_id
                    and (reply_to is None or p.reply_to == reply_to)
                ]
                if found and done(found):
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no complete reply within {timeout} s; got {[p.text for p in found]}"
                    )
                self._cond.wait(left)

    # --- tokens -------------------------------------------------------------------------

    def claims(self, service_url: str | None = None, **overrides: Any) -> dict[str, Any]:
        """The claims of a Bot Connector token for this bot."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "serviceurl": service_url or self.service_url,
            "iss": ISSUER,
            "aud": self.app_id,
            "exp": now + 3600,
            "nbf": now - 60,
        }
        claims.update(overrides)
        return claims

    def token(
        self,
        service_url: str | None = None,
        *,
        kid: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        **claims: Any,
    ) -> str:
        """A Bot Connector token (RS256); any claim can be overridden to forge one."""
        published = self.keys[0]
        return jwt.encode(
            self.claims(service_url, **claims),
            key or published.private,
            algorithm="RS256",
            headers={"kid": kid or published.kid, "typ": "JWT"},
        )

    def bearer(self, service_url: str | None = None, **kwargs: Any) -> str:
        return f"Bearer {self.token(service_url, **kwargs)}"

    # --- activities shaped like the ones Teams sends ----------------------------------------

    def message(
        self,
        text: str | None,
        *,
        conversation_id: str,
        user_id: str = "29:1-fictional-user",
        aad_object_id: str = "00000000-0000-0000-0000-00000000a001",
        value: Any = None,
        conversation_type: str = "personal",
        name: str = "Alex Example",
        service_url: str | None = None,
    ) -> dict[str, Any]:
        activity: dict[str, Any] = {
            "text": text,
            "textFormat": "plain",
            "type": "message",
            "timestamp": "2024-05-01T09:30:00.000Z",
            "localTimestamp": "2024-05-01T10:30:00.000+01:00",
            "id": f"{int(time.time() * 1000)}{secrets.randbelow(1000):03d}",
            "channelId": "msteams",
            "serviceUrl": service_url or self.service_url,
            "from": {"id": user_id, "name": name, "aadObjectId": aad_object_id},
            "conversation": {
                "conversationType": conversation_type,
                "tenantId": TENANT_ID,
                "id": conversation_id,
            },
            "recipient": {"id": self.bot_id, "name": "Golden Hour"},
            "entities": [
                {
                    "locale": "en-GB",
                    "country": "GB",
                    "platform": "Web",
                    "timezone": "Europe/London",
                    "type": "clientInfo",
                }
            ],
            "channelData": {"tenant": {"id": TENANT_ID}},
            "locale": "en-GB",
            "localTimezone": "Europe/London",
        }
        if text is None:
            del activity["text"]
        if value is not None:
            activity["value"] = value
        return activity

    def press(self, action: dict[str, Any], *, conversation_id: str, **kwargs: Any) -> dict:
        """What Teams sends when an Action.Submit (messageBack) button is pressed: the
        messageBack text as the activity's text, the button's data as its value."""
        data = action["data"]
        text = data.get("msteams", {}).get("text")
        return self.message(text, conversation_id=conversation_id, value=data, **kwargs)

    def members_added(
        self,
        *,
        conversation_id: str,
        members: list[dict[str, str]] | None = None,
        conversation_type: str = "personal",
        user_id: str = "29:1-fictional-user",
        aad_object_id: str = "00000000-0000-0000-0000-00000000a001",
    ) -> dict[str, Any]:
        """The conversationUpdate Teams sends when the app is installed for a user."""
        return {
            "membersAdded": members if members is not None else [{"id": self.bot_id}],
            "type": "conversationUpdate",
            "timestamp": "2024-05-01T09:29:58.000Z",
            "id": f"f:{uuid.uuid4().hex}",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": user_id, "aadObjectId": aad_object_id},
            "conversation": {
                "conversationType": conversation_type,
                "tenantId": TENANT_ID,
                "id": conversation_id,
            },
            "recipient": {"id": self.bot_id, "name": "Golden Hour"},
            "channelData": {"tenant": {"id": TENANT_ID}},
        }


def personal_conversation_id() -> str:
    """A personal chat's id, shaped like Teams' ("a:1..." then a long opaque tail)."""
    return "a:1" + secrets.token_urlsafe(48)
