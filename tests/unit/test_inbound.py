from __future__ import annotations

import pytest

from bot.channels.inbound import check_message, clean_text, neutralise_payload

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
