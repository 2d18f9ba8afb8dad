"""Twilio's incoming-message webhook, checked before anything else sees it. Pure.

Order: the body is parsed (application/x-www-form-urlencoded, blank values kept,
because Twilio signs them too), then the X-Twilio-Signature is checked with the
twilio library's RequestValidator against the public webhook URL (403 when it is
missing or wrong, so a forged post reaches nothing), then the fields: only the
parameters Twilio documents for an inbound SMS or MMS, our own AccountSid, a
Body, an E.164 From, and SmsStatus "received" when present (400 otherwise; a
status callback pointed here by mistake is refused, never answered, so it cannot
start a loop of texts).

Twilio says it may add parameters without notice: a refused field is logged by
name (never its value) and GOLDEN_HOUR_SMS_EXTRA_FIELDS allows more names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

MAX_BODY_BYTES = 64 * 1024
MAX_FIELDS = 100

# https://www.twilio.com/docs/messaging/guides/webhook-request (SMS and MMS).
DOCUMENTED_FIELDS = frozenset(
    {
        "MessageSid",
        "SmsSid",
        "SmsMessageSid",
        "AccountSid",
        "MessagingServiceSid",
        "From",
        "To",
        "Body",
        "NumMedia",
        "NumSegments",
        "SmsStatus",
        "ApiVersion",
        "FromCity",
        "FromState",
        "FromZip",
        "FromCountry",
        "ToCity",
        "ToState",
        "ToZip",
        "ToCountry",
        "OptOutType",
        "AddOns",
        "ReferralNumMedia",
    }
)
_MEDIA_FIELD = re.compile(r"^(MediaUrl|MediaContentType)\d{1,2}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
# Not YES: "yes" is an answer in this conversation.
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})


@dataclass(frozen=True)
class Inbound:
    """A checked incoming SMS. ``number`` is kept in memory only, for the reply."""

    number: str
    to: str
    body: str
    opt_out_type: str | None = None
    num_media: int = 0
    # Twilio's id of this message: the same in a retried or replayed post.
    message_sid: str | None = None


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str
    field: str | None = None  # the refused field's name, for the operator's log


class _Form(dict):
    """Field -> values, in the shape RequestValidator reads (``getlist``)."""

    def getlist(self, key: str) -> list[str]:
        return self[key]


def parse_form(body: bytes) -> _Form | None:
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(body),
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:  # includes UnicodeDecodeError
        return None
    form = _Form()
    for key, value in pairs:
        form.setdefault(key, []).append(value)
    return form


def signature_ok(auth_token: str, url: str, form: _Form, signature: str | None) -> bool:
    if not signature or not auth_token:
        return False
    return bool(RequestValidator(auth_token).validate(url, form, signature))


def read_webhook(
    body: bytes,
    url: str,
    signature: str | None,
    *,
    auth_token: str,
    account_sid: str,
    extra_fields: frozenset[str] = frozenset(),
) -> Inbound | Refusal:
    """The checked message, or why it is refused and with which HTTP status."""
    if not signature:
        return Refusal(403, "missing_signature")
    if len(body) > MAX_BODY_BYTES:
        return Refusal(413, "too_large")
    form = parse_form(body)
    if form is None:
        return Refusal(400, "form")
    if not signature_ok(auth_token, url, form, signature):
        return Refusal(403, "signature")
    for name, values in form.items():
        known = name in DOCUMENTED_FIELDS or name in extra_fields or _MEDIA_FIELD.fullmatch(name)
        if not known:
            return Refusal(400, "field", field=name[:40])
        if len(values) != 1:
            return Refusal(400, "repeated", field=name[:40])
    one = {name: values[0] for name, values in form.items()}
    if one.get("AccountSid") != account_sid:
        return Refusal(400, "account")
    if one.get("SmsStatus", "received") != "received":
        return Refusal(400, "status")
    if "Body" not in one:
        return Refusal(400, "body")
    number = one.get("From", "").strip()
    if not _E164.fullmatch(number):
        return Refusal(400, "from")
    try:
        media = int(one.get("NumMedia") or 0)
    except ValueError:
        return Refusal(400, "media")
    return Inbound(
        number=number,
        to=one.get("To", "").strip(),
        body=one["Body"],
        opt_out_type=(one.get("OptOutType") or "").strip().upper() or None,
        num_media=media,
        message_sid=(one.get("MessageSid") or one.get("SmsMessageSid") or "").strip() or None,
    )


def keyword(body: str, opt_out_type: str | None = None) -> str | None:
    """ "stop", "start" or "help" for a carrier keyword, else None. Like Twilio, only
    a whole message counts ("stop" does, "stop please" does not), in any case.
    Twilio's own OptOutType (sent when Advanced Opt-Out matched one of the
    keywords configured there, such as a Welsh one) is honoured too."""
    if opt_out_type in ("STOP", "START", "HELP"):
        return opt_out_type.lower()
    word = body.strip().upper()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None
