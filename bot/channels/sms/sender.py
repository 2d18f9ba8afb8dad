"""Who an SMS conversation belongs to, without the phone number: the sender id
Rasa sees (and keeps in its tracker) is a keyed hash of the number, so neither
Rasa's tables nor Golden Hour's store ever hold the number itself.

HMAC-SHA256 with GOLDEN_HOUR_SMS_SENDER_KEY. When that is unset, the key is
derived from the data key (bot/store/crypto.py), so the embedded default works
with no extra set-up. A deployment should set its own key: the data key may be
rotated, and a new sender key starts new conversations for every number and
forgets the opt-outs kept here (Twilio's own STOP block still holds).
"""

from __future__ import annotations

import hashlib
import hmac

from bot.store import crypto

PREFIX = "sms-"


def sender_key() -> bytes:
    """The key for the keyed hash; raises crypto.KeyMissing if there is none."""
    return crypto.derived_key("sms-sender", "GOLDEN_HOUR_SMS_SENDER_KEY")


def number_digest(number: str, key: bytes) -> str:
    """64 hex characters standing for one phone number."""
    return hmac.new(key, number.strip().encode("utf-8"), hashlib.sha256).hexdigest()


def sender_id(number: str, key: bytes) -> str:
    """The conversation id for a phone number: "sms-" and its keyed hash."""
    return PREFIX + number_digest(number, key)
