"""A local stand-in for Twilio's REST API (the Messages resource only): it records
each ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` and answers the way
Twilio does: 201 with the message as JSON, 401 with Twilio's error JSON for wrong
credentials, 400 with error 21610 for a number that "replied STOP at Twilio".
Also builds signed webhook posts, the way Twilio signs them."""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

from twilio.request_validator import RequestValidator

_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


@dataclass
class Sent:
    """One message the channel asked Twilio to send."""

    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str
    sid: str


@dataclass
class FakeTwilio:
    account_sid: str
    auth_token: str
    # Numbers whose sends are refused as Twilio refuses a number that replied STOP.
    blocked: set[str] = field(default_factory=set)
    sent: list[Sent] = field(default_factory=list)
    requests: int = 0

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what was sent ---------------------------------------------------------------

    def to(self, number: str) -> list[Sent]:
        with self._changed:
            return [m for m in self.sent if m.to == number]

    def wait_for(self, number: str, count: int, timeout: float = 120) -> list[Sent]:
        """The messages to a number once there are at least ``count`` of them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                mine = [m for m in self.sent if m.to == number]
                if len(mine) >= count:
                    return mine
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(mine)} of {count} messages arrived")
                self._changed.wait(left)

    def wait_for_requests(self, count: int, timeout: float = 120) -> None:
        """Until at least ``count`` requests were answered, accepted or not."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.requests >= count, timeout):
                raise AssertionError(f"{self.requests} of {count} requests arrived")

    # --- the HTTP side ---------------------------------------------------------------

    def _answer(self, path: str, auth: str | None, raw: bytes) -> tuple[int, dict]:
        match = _MESSAGES.match(path)
        if match is None:
            return 404, _error(20404, "The requested resource was not found", 404)
        expected = "Basic " + base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()
        ).decode("ascii")
        if match.group(1) != self.account_sid or auth != expected:
            return 401, _error(20003, "Authenticate", 401)
        form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        to, body = form.get("To", ""), form.get("Body", "")
        if not to or not (form.get("From") or form.get("MessagingServiceSid")) or not body:
            return 400, _error(
                21604, "A 'To' phone number, a 'From' and a 'Body' are required.", 400
            )
        if to in self.blocked:
            return 400, _error(21610, "Attempt to send to unsubscribed recipient", 400)
        message = Sent(
            to=to,
            from_=form.get("From"),
            messaging_service_sid=form.get("MessagingServiceSid"),
            body=body,
            sid="SM" + secrets.token_hex(16),
        )
        with self._changed:
            self.sent.append(message)
            self._changed.notify_all()
        return 201, self._resource(message)

    def _resource(self, m: Sent) -> dict:
        now = formatdate(usegmt=True)
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{m.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": m.body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": m.from_,
            "messaging_service_sid": m.messaging_service_sid,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": m.sid,
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": m.to,
            "uri": f"{uri}.json",
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload = fake._answer(self.path, self.headers.get("Authorization"), raw)
                with fake._changed:
                    fake.requests += 1
                    fake._changed.notify_all()
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: object) -> None:
                return None  # quiet: the test output is for the tests

        return Handler


def _error(code: int, message: str, status: int) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


# --- incoming messages, as Twilio posts them ----------------------------------------------


def inbound_params(
    account_sid: str, number: str, body: str, to: str = "+447700900001", **extra: str
) -> dict[str, str]:
    """An incoming SMS with the fields a UK number gets (the place fields blank)."""
    sid = "SM" + secrets.token_hex(16)
    params = {
        "ToCountry": "GB",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "GB",
        "To": to,
        "ToZip": "",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": number,
        "ApiVersion": "2010-04-01",
    }
    params.update(extra)
    return params


def signed(auth_token: str, url: str, params: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """The form body and headers of a webhook post Twilio signed for ``url``."""
    signature = RequestValidator(auth_token).compute_signature(url, params)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature,
        "I-Twilio-Idempotency-Token": secrets.token_hex(16),
    }
    return urlencode(params).encode(), headers
