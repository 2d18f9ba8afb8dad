"""Widget credentials (bot/channels/widget/session.py): signed, carrying their issue
time, and refused once expired (finding 9); ids matched whole (finding 11)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bot.channels.widget.session import (
    DEFAULT_LIFETIME_S,
    _sign,
    check_session,
    new_session,
    verify_session,
)

KEY = b"unit-test-widget-key"
T0 = 1_800_000_000.0
HOUR = 3600.0


def test_a_new_credential_names_its_conversation_and_when_it_was_issued() -> None:
    credential = new_session(KEY, now=T0)
    sender, issued, signature = credential.split(".")
    assert sender.startswith("web-") and issued == str(int(T0)) and len(signature) == 64
    checked = check_session(KEY, credential, now=T0 + 1)
    assert checked.sender == sender
    assert checked.expires_at == T0 + DEFAULT_LIFETIME_S


def test_a_credential_stops_working_when_it_expires() -> None:
    credential = new_session(KEY, now=T0)
    sender = credential.split(".")[0]
    lifetime = 12 * HOUR
    assert verify_session(KEY, credential, now=T0 + lifetime - 1, lifetime_s=lifetime) == sender
    late = check_session(KEY, credential, now=T0 + lifetime, lifetime_s=lifetime)
    assert late.sender is None and late.expired and late.earlier == sender
    assert verify_session(KEY, credential, now=T0 + 30 * 24 * HOUR) is None


def test_the_issue_time_cannot_be_moved_on_without_the_key() -> None:
    credential = new_session(KEY, now=T0)
    sender, _issued, signature = credential.split(".")
    later = f"{sender}.{int(T0 + 11 * HOUR)}.{signature}"
    checked = check_session(KEY, later, now=T0 + 13 * HOUR)
    assert checked.sender is None and not checked.expired


def test_a_credential_from_another_key_or_from_the_future_is_refused() -> None:
    assert verify_session(b"another-key", new_session(KEY, now=T0), now=T0) is None
    assert verify_session(KEY, new_session(KEY, now=T0 + HOUR), now=T0) is None


def test_a_copied_credential_from_before_issue_times_is_expired_not_someone_elses() -> None:
    sender = "web-" + "a" * 32
    legacy = f"{sender}.{hmac.new(KEY, sender.encode(), hashlib.sha256).hexdigest()}"
    checked = check_session(KEY, legacy, now=T0)
    assert checked.sender is None and checked.expired and checked.earlier == sender
    forged = check_session(KEY, f"{sender}.{'f' * 64}", now=T0)
    assert forged.sender is None and not forged.expired


@pytest.mark.parametrize("suffix", ["\n", "\r\n", " "])
def test_an_id_with_anything_after_it_is_refused_even_when_signed(suffix: str) -> None:
    sender = "web-" + "b" * 32 + suffix
    issued = int(T0)
    credential = f"{sender}.{issued}.{_sign(KEY, sender, issued)}"
    assert verify_session(KEY, credential, now=T0) is None


@pytest.mark.parametrize(
    "credential", [None, 7, "", "a.b.c", "web-x.1.2", "." * 3, "x" * 300, ["web-"]]
)
def test_junk_is_refused(credential: object) -> None:
    assert verify_session(KEY, credential, now=T0) is None
