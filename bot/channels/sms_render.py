"""Moved to bot/channels/sms/render.py; kept only while tests/e2e imports this path."""

from bot.channels.sms.render import segments

__all__ = ["segments"]
