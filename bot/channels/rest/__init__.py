"""The REST channel (``bot.channels.rest.SafeRestInput`` in credentials.yml)."""

from bot.channels.rest.channel import SafeRestInput

__all__ = ["SafeRestInput"]
