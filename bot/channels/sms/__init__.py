"""SMS through Twilio (``bot.channels.sms.SmsInput`` in credentials.yml)."""

from bot.channels.sms.channel import SmsInput

__all__ = ["SmsInput"]
