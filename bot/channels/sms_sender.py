"""Moved to bot/channels/sms/sender.py; kept only while tests/e2e imports this path."""

from bot.channels.sms.sender import PREFIX, sender_id, sender_key

__all__ = ["PREFIX", "sender_id", "sender_key"]
