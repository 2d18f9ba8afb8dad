from __future__ import annotations

import pytest

from bot.channels.common.inbound import (
    Rejected,
    check_message,
    clean_text,
    neutralise_payload,
    rejection_text,
)

INTENTS = {"affirm", "deny", "unsure", "urgent", "inform"}
LIMITS = {"max_chars": 2000, "max_sender": 128}


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("/affirm", "/affirm"),  # a button payload, same as typing "yes"
        ("/urgent", "/urgent"),
        ('/affirm{"stage": "routed"}', 'affirm{"stage": "routed"}'),  # other entities: words
        ('/inform{"choice": "teacher"}', '/inform{"choice": "teacher"}'),
        ('/inform{"choice": "role.teacher"}', '/inform{"choice": "role.teacher"}'),  # a button
        ('/inform{"choice": "role.teacher.x"}', 'inform{"choice": "role.teacher.x"}'),
        ('/inform{"choice": "Teacher"}', 'inform{"choice": "Teacher"}'),
        ('/inform{"choice": "a", "x": "b"}', 'inform{"choice": "a", "x": "b"}'),
        ("/set_level", "set_level"),  # not an intent we have
        ("//deny", "deny"),
        ("/AFFIRM", "AFFIRM"),
        ("yes", "yes"),
        ("a/b", "a/b"),
    ],
)
def test_only_bare_known_intents_pass_as_payloads(typed: str, seen: str) -> None:
    assert neutralise_payload(typed, INTENTS) == seen


def test_clean_text_drops_control_characters_but_keeps_lines() -> None:
    assert clean_text("  she\x00 is\u200b\nleaving\x1b  ") == "she is\nleaving"


@pytest.mark.parametrize(
    ("sender", "text", "reason", "status"),
    [
        (None, "hi", "sender", 400),
        ("", "hi", "sender", 400),
        ("x" * 129, "hi", "sender", 400),
        ("a b", "hi", "sender", 400),
        ("<script>", "hi", "sender", 400),
        ("ok", None, "message", 400),
        ("ok", ["hi"], "message", 400),
        ("ok", "", "empty", 400),
        ("ok", "\x00\x01 ", "empty", 400),
        ("ok", "y" * 2001, "too_long", 413),
    ],
)
def test_bad_input_is_refused_with_a_reason(sender, text, reason: str, status: int) -> None:
    rejected = check_message(sender, text, **LIMITS)
    assert rejected is not None
    assert (rejected.reason, rejected.status) == (reason, status)


@pytest.mark.parametrize("sender", ["abc", "e2e-1234", "whatsapp:+447700900123", "a.b@c"])
def test_good_input_passes(sender: str) -> None:
    assert check_message(sender, "y" * 2000, **LIMITS) is None


# --- whole-string matching (finding 11) -----------------------------------------------


@pytest.mark.parametrize("sender", ["u1\n", "caseworker-ben\n", "abc\r\n", "\nabc"])
def test_a_sender_id_with_a_line_break_is_refused(sender: str) -> None:
    rejected = check_message(sender, "hello", **LIMITS)
    assert rejected is not None and rejected.reason == "sender"


def test_a_payload_with_a_trailing_line_break_is_not_passed_as_a_payload() -> None:
    assert neutralise_payload("/affirm\n", INTENTS) == "affirm"


# --- Rasa's own commands (finding 10) ---------------------------------------------------

RASA_INTENTS = INTENTS | {"restart", "session_start", "back", "out_of_scope", "nlu_fallback"}


@pytest.mark.parametrize(
    "typed",
    [
        "/restart",
        "/session_start",
        "//restart",
        "/RESTART",
        " /restart ",
        '/restart{"choice": "role.teacher"}',
        "/session_start{}",
        "/restart\u200b",
    ],
)
def test_rasa_commands_typed_by_a_user_are_refused(typed: str) -> None:
    rejected = check_message("u1", typed, **LIMITS)
    assert rejected == Rejected("rasa_command", 400)
    assert "start again" in rejection_text(rejected.reason, 2000)


@pytest.mark.parametrize("typed", ["/restart", "/session_start", "//session_start"])
def test_rasa_commands_never_pass_as_payloads(typed: str) -> None:
    # Even where a channel skipped check_message, Rasa never gets the command.
    assert not neutralise_payload(typed, RASA_INTENTS).startswith("/")


@pytest.mark.parametrize("typed", ["/back", "/out_of_scope", "/affirm"])
def test_the_assistants_own_intents_still_pass(typed: str) -> None:
    # back and out_of_scope are Rasa default intents that this domain gives to its
    # own actions (action_back is the assistant's, rules in data/rules).
    assert check_message("u1", typed, **LIMITS) is None
    assert neutralise_payload(typed, RASA_INTENTS) == typed


@pytest.mark.parametrize("typed", ["restart", "please restart the form", "/restarting"])
def test_the_word_restart_is_words_not_a_command(typed: str) -> None:
    assert check_message("u1", typed, **LIMITS) is None
