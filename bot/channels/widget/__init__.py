"""The web widget's channel (``bot.channels.widget.WidgetInput`` in credentials.yml)."""

from bot.channels.widget.channel import WidgetInput

__all__ = ["WidgetInput"]
