"""Who may talk to the web widget, and as which conversation. Pure functions.

Rasa's socket.io channel accepts any origin and lets the browser name its own
session id, so anyone who guesses an id can join that conversation and read its
replies. Here the server issues every session: a random id signed with a server
key (HMAC-SHA256). A browser can bring its signed session back after a page
reload; an id it made up, or one without the right signature, gets a new
session instead. Replies only ever go to the socket that sent the message.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from bot.training.ids import new_training_id

_SENDER = re.compile(r"^(web|train)-(g-[a-z0-9]{1,16}-)?[0-9a-f]{32}$")


def new_session(key: bytes, *, training: bool = False, group: str | None = None) -> str:
    """A signed session credential, ``<conversation id>.<signature>``. The id is
    ``web-<random>`` for a real conversation, or ``train-[g-<group>-]<random>``
    for practice on a scenario (bot/training/mode.py)."""
    sender = new_training_id(group) if training else f"web-{secrets.token_hex(16)}"
    return f"{sender}.{_sign(key, sender)}"


def verify_session(key: bytes, credential: object) -> str | None:
    """The conversation id if the credential was issued with this key, else None."""
    if not isinstance(credential, str) or len(credential) > 200 or credential.count(".") != 1:
        return None
    sender, signature = credential.split(".")
    if not _SENDER.match(sender):
        return None
    if not hmac.compare_digest(signature, _sign(key, sender)):
        return None
    return sender


def _sign(key: bytes, sender: str) -> str:
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
