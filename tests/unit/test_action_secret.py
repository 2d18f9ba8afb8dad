"""The action server's door (bot/action_secret.py): pure checks."""

from __future__ import annotations

import pytest

from bot.action_secret import MIN_LENGTH, SECRET_ENV, SecretMissing, allowed, configured_secret

SECRET = "s" * MIN_LENGTH


@pytest.mark.parametrize("value", [None, "", "   ", "short", "x" * (MIN_LENGTH - 1)])
def test_no_secret_or_a_short_one_is_refused(value: str | None) -> None:
    env = {} if value is None else {SECRET_ENV: value}
    with pytest.raises(SecretMissing, match=SECRET_ENV):
        configured_secret(env)


def test_the_secret_comes_from_the_environment() -> None:
    assert configured_secret({SECRET_ENV: f" {SECRET} "}) == SECRET


@pytest.mark.parametrize(
    "presented", [None, "", SECRET[:-1], SECRET + "s", SECRET.upper(), f"Bearer {SECRET}", "é"]
)
def test_an_action_call_without_the_exact_secret_is_refused(presented: str | None) -> None:
    assert not allowed("/webhook", presented, SECRET)
    assert not allowed("/actions", presented, SECRET)


def test_the_exact_secret_is_allowed_and_the_health_check_is_open() -> None:
    assert allowed("/webhook", SECRET, SECRET)
    assert allowed("/health", None, SECRET)


def test_an_empty_configured_secret_lets_nothing_through() -> None:
    assert not allowed("/webhook", "", "")
