"""The one reader of the environment. ``settings()`` is read once, for what a
process fixes at start; ``read(name)`` reads one variable when asked, for what
may change without a restart (keys, the database URL) or is read rarely. Both
take their defaults and types from bot/environment.py's list."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.environment import VARIABLES


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
    # REST channel: when set, every webhook post needs "Authorization: Bearer <token>";
    # unset, REST answers only on a server that listens on loopback (bot/channels/rest/door.py)
    rest_token: str | None = field(default=None, repr=False)
    # Trainer view: wrong passwords per address, and from everyone, in one window
    # before it answers 429 (bot/channels/common/lockout.py)
    trainer_failures_per_address: int = VARIABLES["GOLDEN_HOUR_TRAINER_MAX_FAILURES"].value
    trainer_failures_global: int = VARIABLES["GOLDEN_HOUR_TRAINER_GLOBAL_FAILURES"].value
    trainer_lockout_window_s: float = VARIABLES["GOLDEN_HOUR_TRAINER_LOCKOUT_SECONDS"].value
    # Widget credentials last this long from issue, then the user gets a new session
    widget_session_hours: float = VARIABLES["GOLDEN_HOUR_WIDGET_SESSION_HOURS"].value
    # Who runs this deployment, how to reach them, and where feedback goes: shown on
    # the widget's "Who runs this service", privacy, accessibility and feedback
    # pages (bot/channels/widget/pages.py). Unset: the pages say it is a demonstration.
    operator_name: str | None = None
    operator_contact: str | None = None
    feedback_address: str | None = None
    # A resume code works this many days after it is given
    resume_days: int = VARIABLES["GOLDEN_HOUR_RESUME_DAYS"].value


def read(name: str) -> Any:
    """A variable's value now: from the environment, read as the type of its
    default in bot/environment.py, or that default when unset or empty."""
    default = VARIABLES[name].value
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return type(default)(raw) if default is not None else raw


@lru_cache(maxsize=1)
def settings() -> Settings:
    local = os.environ.get("GOLDEN_HOUR_LOCAL_CONTACTS")
    return Settings(
        strict_review=_flag("GOLDEN_HOUR_STRICT_REVIEW"),
        local_contacts=Path(local) if local else None,
        max_message_chars=read("GOLDEN_HOUR_MAX_MESSAGE_CHARS"),
        max_sender_chars=read("GOLDEN_HOUR_MAX_SENDER_CHARS"),
        action_host=read("GOLDEN_HOUR_ACTION_HOST"),
        action_port=read("GOLDEN_HOUR_ACTION_PORT"),
        health_timeout_s=read("GOLDEN_HOUR_HEALTH_TIMEOUT"),
        log_level=read("GOLDEN_HOUR_LOG_LEVEL").upper(),
        rest_token=os.environ.get("GOLDEN_HOUR_REST_TOKEN", "").strip() or None,
        trainer_failures_per_address=read("GOLDEN_HOUR_TRAINER_MAX_FAILURES"),
        trainer_failures_global=read("GOLDEN_HOUR_TRAINER_GLOBAL_FAILURES"),
        trainer_lockout_window_s=read("GOLDEN_HOUR_TRAINER_LOCKOUT_SECONDS"),
        widget_session_hours=read("GOLDEN_HOUR_WIDGET_SESSION_HOURS"),
        operator_name=os.environ.get("GOLDEN_HOUR_OPERATOR_NAME", "").strip() or None,
        operator_contact=os.environ.get("GOLDEN_HOUR_OPERATOR_CONTACT", "").strip() or None,
        feedback_address=os.environ.get("GOLDEN_HOUR_FEEDBACK", "").strip() or None,
        resume_days=read("GOLDEN_HOUR_RESUME_DAYS"),
    )
