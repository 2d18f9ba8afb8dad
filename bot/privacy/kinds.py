"""The kinds of identifier the redactor takes out, and where one was found.

Shared by the detectors (bot/privacy/redact.py for phones, emails, postcodes, dates of
birth, addresses and names; references.py and usernames.py for the rest) so each can
report what it found without importing the module that puts them together.
"""

from __future__ import annotations

from typing import NamedTuple

PHONE = "phone"
EMAIL = "email"
POSTCODE = "postcode"
DATE_OF_BIRTH = "date of birth"
NAME = "name"
ADDRESS = "address"
NHS_NUMBER = "NHS number"
NI_NUMBER = "NI number"
VEHICLE = "vehicle registration"
USERNAME = "username"
NUMBER = "number"  # a long run of digits that is none of the kinds above
KINDS: tuple[str, ...] = (
    PHONE,
    EMAIL,
    POSTCODE,
    DATE_OF_BIRTH,
    NAME,
    ADDRESS,
    NHS_NUMBER,
    NI_NUMBER,
    VEHICLE,
    USERNAME,
    NUMBER,
)


def placeholder(kind: str) -> str:
    """What replaces an identifier of this kind: ``[phone]``, ``[name]``..."""
    return f"[{kind}]"


class Hit(NamedTuple):
    """An identifier of ``kind`` at ``text[start:end]``."""

    start: int
    end: int
    kind: str
