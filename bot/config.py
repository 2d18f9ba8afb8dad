"""One configuration object, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    # Guidance
    strict_review: bool
    local_contacts: Path | None
    # Input limits: longer messages are refused with a clear answer, not truncated
    max_message_chars: int
    max_sender_chars: int
    # Action server: loopback unless a deployment says otherwise (it has no auth)
    action_host: str
    action_port: int
    # Timeout for the channel's health probe of the action server
    health_timeout_s: float
    # Logging
    log_level: str


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@lru_cache(maxsize=1)
def settings() -> Settings:
    local = os.environ.get("GOLDEN_HOUR_LOCAL_CONTACTS")
    return Settings(
        strict_review=_flag("GOLDEN_HOUR_STRICT_REVIEW"),
        local_contacts=Path(local) if local else None,
        max_message_chars=_int("GOLDEN_HOUR_MAX_MESSAGE_CHARS", 2000),
        max_sender_chars=_int("GOLDEN_HOUR_MAX_SENDER_CHARS", 128),
        action_host=os.environ.get("GOLDEN_HOUR_ACTION_HOST", "127.0.0.1"),
        action_port=_int("GOLDEN_HOUR_ACTION_PORT", 5055),
        health_timeout_s=float(os.environ.get("GOLDEN_HOUR_HEALTH_TIMEOUT", "2")),
        log_level=os.environ.get("GOLDEN_HOUR_LOG_LEVEL", "INFO").upper(),
    )
