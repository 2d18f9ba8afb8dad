"""The SMS channel's settings, from the environment (read through bot.config):
Twilio's account, the URL Twilio posts to as Twilio sees it, the API address, the
messaging service, how many segments a reply may take, and any extra fields
Twilio may post."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.sms.outbound import DEFAULT_API_BASE
from bot.channels.sms.render import DEFAULT_MAX_SEGMENTS
from bot.config import read


@dataclass(frozen=True)
class SmsSettings:
    account_sid: str = ""
    auth_token: str = ""
    # The URL Twilio posts to, as Twilio sees it (behind a proxy it differs from
    # the request's own URL, and the signature is over Twilio's view).
    webhook_url: str | None = None
    api_base: str = DEFAULT_API_BASE
    messaging_service_sid: str | None = None
    max_segments: int = DEFAULT_MAX_SEGMENTS
    extra_fields: frozenset[str] = frozenset()

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token)


def sms_settings() -> SmsSettings:
    extra = read("GOLDEN_HOUR_SMS_EXTRA_FIELDS") or ""
    return SmsSettings(
        account_sid=read("GOLDEN_HOUR_TWILIO_ACCOUNT_SID") or "",
        auth_token=read("GOLDEN_HOUR_TWILIO_AUTH_TOKEN") or "",
        webhook_url=read("GOLDEN_HOUR_SMS_WEBHOOK_URL"),
        api_base=read("GOLDEN_HOUR_TWILIO_API_BASE") or DEFAULT_API_BASE,
        messaging_service_sid=read("GOLDEN_HOUR_TWILIO_MESSAGING_SERVICE_SID"),
        # At most 10: 11 GSM segments would pass Twilio's 1,600-character limit.
        max_segments=min(
            DEFAULT_MAX_SEGMENTS,
            max(1, int(read("GOLDEN_HOUR_SMS_MAX_SEGMENTS") or DEFAULT_MAX_SEGMENTS)),
        ),
        extra_fields=frozenset(f.strip() for f in extra.split(",") if f.strip()),
    )
