"""Microsoft Teams (``bot.channels.teams.TeamsInput`` in credentials.yml)."""

from bot.channels.teams.activity import sender_id
from bot.channels.teams.channel import TeamsInput
from bot.channels.teams.settings import TeamsSettings

__all__ = ["TeamsInput", "TeamsSettings", "sender_id"]
