"""Who may post to the REST channel. Pure functions, except ``listening_host``.

REST lets the caller name the conversation, so it is for scripts, tests and
trusted integrations, never for people:

- ``GOLDEN_HOUR_REST_TOKEN`` set: every webhook post needs
  ``Authorization: Bearer <token>`` (compared in constant time), else 401.
- No token, and the server listens on loopback only: open, as on the embedded
  default (``rasa run --interface 127.0.0.1``, GOLDEN_HOUR_RASA_HOST).
- No token, and the server listens beyond loopback (or where it listens is not
  known), or the credentials say ``require_token: true``: every post is refused
  (503), and the log says why once, at start.

Where the server listens is read from the Sanic app, ``app.state.host`` (or the
socket or unix path it was given), which ``app.run``/``create_server`` set from
``rasa run --interface`` before any listener runs. That is the address actually
bound, whatever GOLDEN_HOUR_RASA_HOST says; the address a request arrived on is
not used, because a server on 0.0.0.0 also answers on 127.0.0.1, and a reverse
proxy on the same machine makes every request look local.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass, field
from typing import Any, Literal

_LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})
Mode = Literal["open", "token", "closed"]


@dataclass(frozen=True)
class Door:
    mode: Mode
    # Why, for the start-up log line (never contains the token)
    why: str
    token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str
    message: str


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (an address or name a server binds to) is loopback only."""
    if not host:
        return False  # unknown, or every interface
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # any other name may resolve beyond this machine


def listening_host(app: Any) -> str | None:
    """Where a Sanic app was told to listen; ``"unix:"`` for a unix socket, None if
    not known (under ASGI, or before the server is set up)."""
    state = getattr(app, "state", None)
    if state is None or getattr(state, "asgi", False):
        return None
    if getattr(state, "unix", None):
        return "unix:"
    sock = getattr(state, "sock", None)
    if sock is not None:
        try:
            return str(sock.getsockname()[0])
        except (OSError, IndexError, TypeError):
            return None
    return getattr(state, "host", None) or None


def door_for(token: str | None, *, host: str | None, require_token: bool = False) -> Door:
    if token:
        return Door("token", "GOLDEN_HOUR_REST_TOKEN is set: posts need the bearer token", token)
    if require_token:
        return Door(
            "closed",
            "the credentials require a token (require_token) and GOLDEN_HOUR_REST_TOKEN "
            "is not set: every REST post is refused",
        )
    if host == "unix:" or is_loopback(host):
        return Door("open", f"the server listens on {host} only: REST is open to this machine")
    return Door(
        "closed",
        f"the server listens on {host or 'an unknown address'}, beyond loopback, and "
        "GOLDEN_HOUR_REST_TOKEN is not set: every REST post is refused",
    )


def admit(door: Door, authorization: str | None) -> Refusal | None:
    """None if a request with this Authorization header may go through."""
    if door.mode == "open":
        return None
    if door.mode == "closed":
        return Refusal(
            503,
            "rest_closed",
            "The REST channel is closed on this server: it listens beyond loopback "
            "and no REST token is configured (GOLDEN_HOUR_REST_TOKEN).",
        )
    scheme, _sep, offered = (authorization or "").strip().partition(" ")
    expected = (door.token or "").encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(offered.strip().encode(), expected):
        return Refusal(
            401,
            "rest_token",
            "This REST channel needs the header 'Authorization: Bearer <token>'.",
        )
    return None
