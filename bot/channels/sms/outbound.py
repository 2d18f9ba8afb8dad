"""Sending texts through Twilio's REST API with the twilio library's asynchronous
client (AsyncTwilioHttpClient + ``messages.create_async``), so the server never
waits on Twilio with the event loop blocked. The API base is configurable
(GOLDEN_HOUR_TWILIO_API_BASE) so tests can point it at a stand-in on loopback.

A failed send is logged with the error's type, Twilio's status and code, and the
conversation's pseudonym: never the number or the text (a Twilio error message
can quote the number, so it is not logged either). It never raises.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.channels.sms.render import segments
from bot.ops import metrics

log = logging.getLogger("golden_hour.channels.sms")

DEFAULT_API_BASE = "https://api.twilio.com"
# Twilio's error for a number that replied STOP at Twilio's end.
OPTED_OUT_AT_TWILIO = 21610

# The library logs each request at INFO (URL and headers, not the body); keep
# Rasa's INFO log for Golden Hour's own lines.
logging.getLogger("twilio.async_http_client").setLevel(logging.WARNING)


class Sender(Protocol):
    async def send(self, to: str, reply_from: str, body: str, *, conversation: str) -> bool: ...

    async def close(self) -> None: ...


async def send_parts(
    sender: Sender, to: str, reply_from: str, parts: Sequence[str], *, conversation: str
) -> int:
    """Send the parts one after another, so they leave in order; how many went.
    The log has counts and sizes only."""
    sent = 0
    for part in parts:
        if await sender.send(to, reply_from, part, conversation=conversation):
            sent += 1
    log.info(
        "sms sent",
        extra={
            "conversation": conversation,
            "parts": len(parts),
            "sent": sent,
            "chars": sum(len(p) for p in parts),
            "segments": sum(segments(p) for p in parts),
        },
    )
    return sent


class TwilioSender:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        messaging_service_sid: str | None = None,
        timeout_s: float = 15,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.api_base = api_base.rstrip("/")
        self.messaging_service_sid = messaging_service_sid
        self.timeout_s = timeout_s
        self._client: Client | None = None
        self._http: AsyncTwilioHttpClient | None = None

    def _get_client(self) -> Client:
        # Made on first use, inside the server's event loop (aiohttp's session
        # belongs to the loop it was made in).
        if self._client is None:
            self._http = AsyncTwilioHttpClient(timeout=self.timeout_s)
            client = Client(self.account_sid, self.auth_token, http_client=self._http)
            client.api.base_url = self.api_base
            self._client = client
        return self._client

    async def send(self, to: str, reply_from: str, body: str, *, conversation: str) -> bool:
        """Send one text; True if Twilio accepted it."""
        origin = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": reply_from}
        )
        try:
            await self._get_client().messages.create_async(to=to, body=body, **origin)
            return True
        except TwilioRestException as exc:
            level = logging.INFO if exc.code == OPTED_OUT_AT_TWILIO else logging.ERROR
            log.log(
                level,
                "sms not sent",
                extra={
                    "conversation": conversation,
                    "error": type(exc).__name__,
                    "status": exc.status,
                    "code": exc.code,
                },
            )
        except Exception as exc:  # network, timeout, a broken answer: never crash the turn
            log.error(
                "sms not sent",
                extra={"conversation": conversation, "error": type(exc).__name__},
            )
        metrics.DELIVERY_FAILURES.labels(channel="sms").inc()
        return False

    async def close(self) -> None:
        if self._http is not None:
            http, self._http, self._client = self._http, None, None
            try:
                await http.close()
            except (OSError, RuntimeError) as exc:
                log.info("twilio client not closed cleanly", extra={"error": type(exc).__name__})
