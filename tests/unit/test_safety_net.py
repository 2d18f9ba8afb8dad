"""The per-turn safety net, driven with stand-ins for Rasa's message handler (the
real one is exercised end to end in tests/e2e)."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot import logs
from bot.channels.common import safety_net

SAFETY = "call 999"


@pytest.fixture(autouse=True)
def watch() -> None:
    safety_net.install()


async def run(handler, timeout: float = 2.0) -> safety_net.TurnResult:
    return await safety_net.run_turn(
        handler, "hello", "sender-1", "rest", safety_text=SAFETY, timeout_s=timeout
    )


async def test_a_normal_turn_is_passed_through() -> None:
    async def handler(message):
        await message.output_channel.send_text_message(message.sender_id, "hi there")

    result = await run(handler)
    assert result.outcome == "ok"
    assert [m["text"] for m in result.messages] == ["hi there"]


async def test_an_action_error_logged_by_rasa_adds_the_safety_message() -> None:
    async def handler(message):
        await message.output_channel.send_text_message(message.sender_id, "partial")
        try:
            raise ConnectionError("action server down")
        except ConnectionError:
            logging.getLogger("rasa.core.processor").exception("Encountered an exception")

    result = await run(handler)
    assert result.outcome == "action_failed"
    assert [m["text"] for m in result.messages] == ["partial", SAFETY]
    assert result.messages[-1]["custom"] == {"kind": "safety"}


async def test_concurrent_turns_do_not_share_failures() -> None:
    async def failing(message):
        await asyncio.sleep(0.05)
        logging.getLogger("rasa.core.processor").error("boom")

    async def fine(message):
        await asyncio.sleep(0.1)
        await message.output_channel.send_text_message(message.sender_id, "ok")

    bad, good = await asyncio.gather(run(failing), run(fine))
    assert bad.outcome == "action_failed"
    assert good.outcome == "ok"


async def test_a_hanging_turn_is_answered_and_still_finishes() -> None:
    finished = asyncio.Event()

    async def slow(message):
        await asyncio.sleep(0.3)
        finished.set()

    result = await run(slow, timeout=0.05)
    assert result.outcome == "timeout"
    assert result.messages[-1]["text"] == SAFETY
    await asyncio.wait_for(finished.wait(), 2)  # the turn was not cancelled


async def test_an_exception_from_rasa_is_answered(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(message):
        raise RuntimeError("tracker store down: she said 1 Secret Road")

    result = await run(broken)
    assert result.outcome == "error"
    assert result.messages == [safety_net.safety_payload("sender-1", SAFETY)]


def test_json_logs_carry_no_exception_message() -> None:
    formatter = logs.JsonFormatter()
    try:
        raise ValueError("she lives at 1 Secret Road")
    except ValueError:
        record = logging.getLogger("golden_hour.x").makeRecord(
            "golden_hour.x",
            logging.ERROR,
            __file__,
            1,
            "turn failed",
            (),
            exc_info=__import__("sys").exc_info(),
            extra={"channel": "rest"},
        )
    line = formatter.format(record)
    entry = json.loads(line)
    assert entry["event"] == "turn failed" and entry["channel"] == "rest"
    assert entry["error"] == "ValueError"
    assert "Secret Road" not in line


def test_pseudonym_is_stable_and_hides_the_sender() -> None:
    assert logs.pseudonym("+447700900123") == logs.pseudonym("+447700900123")
    assert "447700900123" not in logs.pseudonym("+447700900123")
    assert logs.pseudonym("a") != logs.pseudonym("b")


async def test_a_tracker_store_failure_answers_with_the_safety_message_alone() -> None:
    """What the turn said (here a fresh greeting, as Rasa gives when it cannot read
    the conversation) is not sent: it would not be remembered."""

    async def unread(message):
        safety_net.note_failure(safety_net.TRACKER_STORE)
        await message.output_channel.send_text_message(message.sender_id, "Hello! New here?")

    result = await run(unread)
    assert result.outcome == "tracker_failed"
    assert result.messages == [safety_net.safety_payload("sender-1", SAFETY)]


async def test_failures_are_noted_only_for_the_turn_they_happen_in() -> None:
    safety_net.note_failure(safety_net.TRACKER_STORE)  # outside any turn: nowhere

    async def fails(message):
        await asyncio.sleep(0.05)
        safety_net.note_failure(safety_net.TRACKER_STORE)

    async def fine(message):
        await asyncio.sleep(0.1)
        await message.output_channel.send_text_message(message.sender_id, "ok")

    bad, good = await asyncio.gather(run(fails), run(fine))
    assert (bad.outcome, good.outcome) == ("tracker_failed", "ok")
