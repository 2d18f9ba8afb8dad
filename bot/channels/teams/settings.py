"""The Teams channel's settings, from ``GOLDEN_HOUR_TEAMS_*`` environment variables
(read through bot.config): the bot's app id and password, where tokens come from
and are checked, and the safeguarding lead's conversation for the hand-off."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.channels.teams.auth import BOT_FRAMEWORK_ISSUER, BOT_FRAMEWORK_OPENID_URL, secure_url
from bot.channels.teams.client import DEFAULT_TOKEN_URL
from bot.config import read


def _env(name: str, default: str = "") -> str:
    return read(name) or default


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    tenant: str = "botframework.com"
    token_url: str = DEFAULT_TOKEN_URL
    openid_url: str = BOT_FRAMEWORK_OPENID_URL
    issuer: str = BOT_FRAMEWORK_ISSUER
    dsl_conversation_id: str = ""
    dsl_service_url: str = ""
    dsl_name: str = ""

    @classmethod
    def from_env(cls) -> TeamsSettings:
        return cls(
            app_id=_env("GOLDEN_HOUR_TEAMS_APP_ID"),
            app_password=_env("GOLDEN_HOUR_TEAMS_APP_PASSWORD"),
            tenant=_env("GOLDEN_HOUR_TEAMS_TENANT", "botframework.com"),
            token_url=_env("GOLDEN_HOUR_TEAMS_TOKEN_URL", DEFAULT_TOKEN_URL),
            openid_url=_env("GOLDEN_HOUR_TEAMS_OPENID_URL", BOT_FRAMEWORK_OPENID_URL),
            issuer=_env("GOLDEN_HOUR_TEAMS_ISSUER", BOT_FRAMEWORK_ISSUER),
            dsl_conversation_id=_env("GOLDEN_HOUR_TEAMS_DSL_CONVERSATION_ID"),
            dsl_service_url=_env("GOLDEN_HOUR_TEAMS_DSL_SERVICE_URL"),
            dsl_name=_env("GOLDEN_HOUR_TEAMS_DSL_NAME"),
        )

    @property
    def handoff_ready(self) -> bool:
        return bool(self.dsl_conversation_id and self.dsl_name and secure_url(self.dsl_service_url))
