"""Moved to bot/channels/widget/session.py; kept only while tests/e2e imports this path."""

from bot.channels.widget.session import _sign, new_session

__all__ = ["_sign", "new_session"]
