"""Who may talk to the web widget, and as which conversation. Pure functions.

Rasa's socket.io channel accepts any origin and lets the browser name its own
session id, so anyone who guesses an id can join that conversation and read its
replies. Here the server issues every session: a random id signed with a server
key (HMAC-SHA256). A browser can bring its signed session back after a page
reload; an id it made up, or one without the right signature, gets a new
session instead. Replies only ever go to the socket that sent the message.

A credential carries the time it was issued, under the signature, and works for
a fixed time from then (GOLDEN_HOUR_WIDGET_SESSION_HOURS, default 12): a copied
credential stops working when it expires, and the channel checks the time again
on every message of an open socket, not only when the socket connects. An expired
credential gets a new conversation, never anyone else's. Credentials issued
before the time was added (``<id>.<signature>``) are refused as expired: the
conversation starts afresh, and a paused case comes back with its resume code.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.training.ids import new_training_id

log = logging.getLogger("golden_hour.channels.widget")

_SENDER = re.compile(r"(web|train)-(g-[a-z0-9]{1,16}-)?[0-9a-f]{32}")
_ISSUED = re.compile(r"[0-9]{1,12}")
DEFAULT_LIFETIME_S = 12 * 3600.0
# A credential issued this far "in the future" (clock skew between servers) still counts.
_SKEW_S = 300


@dataclass(frozen=True)
class Checked:
    """What a credential says: its conversation id and when it stops working, or
    None; ``expired`` when it was genuine but is too old."""

    sender: str | None
    expires_at: float = 0.0
    expired: bool = False
    # An expired credential's conversation id (genuine, so its language may be read)
    earlier: str | None = None


def new_session(
    key: bytes, *, training: bool = False, group: str | None = None, now: float | None = None
) -> str:
    """A signed session credential, ``<conversation id>.<issued>.<signature>``
    (issued in whole seconds since the epoch). The id is ``web-<random>`` for a
    real conversation, or ``train-[g-<group>-]<random>`` for practice on a
    scenario (bot/training/mode.py)."""
    sender = new_training_id(group) if training else f"web-{secrets.token_hex(16)}"
    issued = int(time.time() if now is None else now)
    return f"{sender}.{issued}.{_sign(key, sender, issued)}"


def check_session(
    key: bytes,
    credential: object,
    *,
    now: float | None = None,
    lifetime_s: float = DEFAULT_LIFETIME_S,
) -> Checked:
    """Whether the credential was issued with this key and has not expired."""
    now = time.time() if now is None else now
    if not isinstance(credential, str) or len(credential) > 200:
        return Checked(None)
    parts = credential.split(".")
    if len(parts) == 2 and _SENDER.fullmatch(parts[0]):
        # Issued before credentials carried their time: genuine ones are expired.
        if hmac.compare_digest(parts[1], _legacy_sign(key, parts[0])):
            return Checked(None, expired=True, earlier=parts[0])
        return Checked(None)
    if len(parts) != 3:
        return Checked(None)
    sender, issued_text, signature = parts
    if not _SENDER.fullmatch(sender) or not _ISSUED.fullmatch(issued_text):
        return Checked(None)
    issued = int(issued_text)
    if not hmac.compare_digest(signature, _sign(key, sender, issued)):
        return Checked(None)
    if issued > now + _SKEW_S:
        return Checked(None)
    expires_at = issued + lifetime_s
    if now >= expires_at:
        return Checked(None, expired=True, earlier=sender)
    return Checked(sender, expires_at=expires_at)


def verify_session(
    key: bytes,
    credential: object,
    *,
    now: float | None = None,
    lifetime_s: float = DEFAULT_LIFETIME_S,
) -> str | None:
    """The conversation id if the credential was issued with this key and has not
    expired, else None."""
    return check_session(key, credential, now=now, lifetime_s=lifetime_s).sender


def _sign(key: bytes, sender: str, issued: int) -> str:
    message = f"v2.{sender}.{issued}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _legacy_sign(key: bytes, sender: str) -> str:
    return hmac.new(key, sender.encode("ascii"), hashlib.sha256).hexdigest()


def normalise_origin(origin: str) -> str | None:
    """``scheme://host[:port]`` in lower case, or None if it is not an origin."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    default_port = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    suffix = f":{port}" if port and port != default_port else ""
    return f"{parts.scheme}://{host}{suffix}"


def origin_allowed(origin: str | None, own_origin: str | None, allowed: Iterable[str]) -> bool:
    """Whether a browser page at ``origin`` may use the widget: the server's own
    origin (the full-page widget) or one on the configured allow-list. A request
    with no Origin header does not come from a web page's script and is let
    through (it cannot read anyone else's replies anyway)."""
    if origin is None:
        return True
    mine = normalise_origin(origin)
    if mine is None:
        return False
    allowed_set = {o for o in (normalise_origin(a) for a in allowed) if o}
    if own_origin and normalise_origin(own_origin) == mine:
        return True
    return mine in allowed_set


def session_key() -> bytes:
    """The key that signs sessions: GOLDEN_HOUR_WIDGET_KEY, else derived from the data
    key; without either, a key for this process only."""
    from bot.store.crypto import KeyMissing, derived_key

    try:
        return derived_key("widget-session", "GOLDEN_HOUR_WIDGET_KEY")
    except KeyMissing:
        # Sessions then last only as long as this process; say so once.
        log.warning("no widget key or data key: widget sessions end when the server stops")
        return secrets.token_bytes(32)
