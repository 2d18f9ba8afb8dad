"""The action server answers Rasa only: a shared secret, set from the environment
(GOLDEN_HOUR_ACTION_SECRET), which Rasa sends as a header with every action call
(endpoints.yml: ``action_endpoint.headers``) and the action server compares in
constant time. Pure, apart from reading the environment.

Why a header and not an HMAC of the body: Rasa 3.6's action endpoint can send
fixed headers, a query-string token or basic auth, but cannot sign what it sends.
A query string ends up in access logs, so a header it is. The secret proves the
caller knows it; it does not protect the body in transit, so the action server
must still sit on loopback or a private network (TLS between the two when not).

There is no default secret and no open mode: without a secret (or with one too
short to resist guessing) the action server does not start. scripts/env.sh makes a
random one for each run, so the embedded default needs no set-up.
"""

from __future__ import annotations

import hmac
import os

SECRET_ENV = "GOLDEN_HOUR_ACTION_SECRET"
HEADER = "X-Golden-Hour-Action-Secret"
MIN_LENGTH = 32
# Routes anyone on the network may call: rasa_sdk's health check, and the probes
# and metrics (bot/serve_actions.py), which carry no personal data.
OPEN_PATHS = frozenset({"/health", "/live", "/ready", "/metrics"})


class SecretMissing(RuntimeError):
    """No usable action-server secret in the environment."""


def configured_secret(env: dict[str, str] | None = None) -> str:
    """The secret from the environment; raises SecretMissing if unset or short."""
    value = (env if env is not None else os.environ).get(SECRET_ENV, "").strip()
    if len(value) < MIN_LENGTH:
        raise SecretMissing(
            f"{SECRET_ENV} must be set to at least {MIN_LENGTH} random characters, the "
            "same value for Rasa (endpoints.yml sends it) and the action server. "
            "scripts/run makes one for each run; a deployment sets its own, for example "
            "`openssl rand -hex 32`."
        )
    return value


def allowed(path: str, presented: str | None, secret: str) -> bool:
    """True if a request to ``path`` carrying ``presented`` may be served."""
    if path in OPEN_PATHS:
        return True
    if not presented or not secret:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), secret.encode("utf-8"))
