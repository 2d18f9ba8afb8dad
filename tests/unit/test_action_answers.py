"""Rasa's check of the action server's answers, with the validator built once
(bot/rasa_adapter/action_answers.py), holds every answer to the same schema and
fails with the same error as Rasa's own check."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_adapter import action_answers

GOOD = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "case", "value": {"ref": "AB12"}}],
        "responses": [{"text": "Are you a teacher?", "buttons": [{"title": "Yes"}]}],
    },
]
BAD = [
    {"events": "not a list", "responses": []},
    {"events": [{"name": "case"}], "responses": []},  # an event without its type
    {"events": [], "responses": "nope"},
    {"events": [{"event": "slot", "name": "case"}], "responses": [{"text": 7}]},
]


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    return RemoteAction("action_opening", None)


def rasa_error(action: RemoteAction, answer: dict[str, Any]) -> str | None:
    try:
        action_answers._rasa_check(action, answer)
    except ValidationError as error:
        return error.message
    return None


@pytest.mark.parametrize("answer", GOOD)
def test_a_good_answer_passes_both_checks(action: RemoteAction, answer: dict) -> None:
    assert rasa_error(action, answer) is None
    assert action_answers.validate_action_result(action, answer) is True


@pytest.mark.parametrize("answer", BAD)
def test_a_bad_answer_fails_with_rasas_own_error(action: RemoteAction, answer: dict) -> None:
    expected = rasa_error(action, answer)
    assert expected is not None
    with pytest.raises(ValidationError) as caught:
        action_answers.validate_action_result(action, answer)
    assert caught.value.message == expected


def test_installed_it_replaces_rasas_check_on_every_remote_action(
    action: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", action_answers._rasa_check)
    assert action_answers.install() is True
    assert RemoteAction._validate_action_result is action_answers.validate_action_result
    with pytest.raises(ValidationError):
        action._validate_action_result(BAD[0])


def test_another_rasa_keeps_its_own_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", action_answers._rasa_check)
    monkeypatch.setattr("rasa.__version__", "3.7.0")
    assert action_answers.install() is False
    assert RemoteAction._validate_action_result is action_answers._rasa_check
