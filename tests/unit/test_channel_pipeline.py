"""The turn pipeline every channel shares (bot/channels/common/pipeline.py), driven
by a stand-in channel and stand-ins for Rasa's message handler and agent: the
order of its steps, what never reaches Rasa, and the background variant's lanes.
Each channel's own behaviour is tested in its own file and end to end."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.channels.common import safety_net
from bot.channels.common.inbound import Rejected
from bot.channels.common.pipeline import (
    BackgroundPipeline,
    InboundMessage,
    TurnPipeline,
    turn_timeout,
)
from bot.channels.common.safety_net import TurnResult

SAFETY = "call 999"


@dataclass
class Domain:
    intents: tuple[str, ...] = ("greet", "inform")


@dataclass
class Agent:
    domain: Domain = field(default_factory=Domain)


class Channel(TurnPipeline[InboundMessage, str]):
    """Answers with a string saying what happened, so each step can be seen."""

    def __init__(self, prepared: str | None = None) -> None:
        self.safety_text = SAFETY
        self.turn_timeout_s = 2.0
        self.prepared = prepared  # what ``prepare`` answers instead of the text
        self.seen_by_prepare: list[str] = []

    @classmethod
    def name(cls) -> str:
        return "stand_in"

    async def refuse(self, message: InboundMessage, rejected: Rejected) -> str:
        return f"refused {rejected.reason} {rejected.status}"

    async def prepare(self, message: InboundMessage, text: str, agent: Any) -> str:
        self.seen_by_prepare.append(text)
        return text if self.prepared is None else self.prepared

    async def deliver(self, message: InboundMessage, result: TurnResult, agent: Any) -> str:
        texts = [m.get("text") for m in result.messages]
        return f"delivered {result.outcome} {texts}"


class Rasa:
    def __init__(self, fail: bool = False) -> None:
        self.heard: list[tuple[str, str]] = []
        self.fail = fail

    async def __call__(self, message: Any) -> None:
        self.heard.append((message.sender_id, message.text))
        if self.fail:
            raise RuntimeError("action server down")
        await message.output_channel.send_text_message(message.sender_id, "a question")


@pytest.fixture(autouse=True)
def watch() -> None:
    safety_net.install()


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    kept: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = kept.append  # type: ignore[method-assign]
    logger = logging.getLogger("golden_hour.channels.stand_in")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield kept
    logger.removeHandler(handler)


async def test_a_message_is_cleaned_prepared_neutralised_and_run_then_delivered() -> None:
    channel, rasa = Channel(), Rasa()
    message = InboundMessage(sender="user-1", text='  /inform{"level": "low"}\u200b ')
    answer = await channel.handle(message, rasa, Agent())
    # Cleaned before prepare; a typed payload the buttons never send loses its slash.
    assert channel.seen_by_prepare == ['/inform{"level": "low"}']
    assert rasa.heard == [("user-1", 'inform{"level": "low"}')]
    assert answer == "delivered ok ['a question']"


async def test_a_refused_message_never_reaches_rasa_and_its_text_is_not_logged(
    records: list[logging.LogRecord],
) -> None:
    channel, rasa = Channel(), Rasa()
    secret = "x" * 5000
    answer = await channel.handle(InboundMessage(sender="user-1", text=secret), rasa, Agent())
    assert answer == "refused too_long 413"
    assert rasa.heard == [] and channel.seen_by_prepare == []
    [record] = records
    assert record.getMessage() == "message refused"
    assert (record.channel, record.reason) == ("stand_in", "too_long")  # type: ignore[attr-defined]
    assert secret not in str(record.__dict__)


@pytest.mark.parametrize(
    ("sender", "text", "reason"),
    [(None, "hi", "sender"), ("a b", "hi", "sender"), ("user-1", None, "message")],
)
async def test_what_cannot_be_read_is_refused(sender: object, text: object, reason: str) -> None:
    rasa = Rasa()
    answer = await Channel().handle(InboundMessage(sender=sender, text=text), rasa, Agent())
    assert answer == f"refused {reason} 400" and rasa.heard == []


async def test_prepare_can_change_the_text_and_a_known_payload_is_kept() -> None:
    rasa = Rasa()
    channel = Channel(prepared='/inform{"choice": "role.police"}')
    await channel.handle(InboundMessage(sender="sms-1", text="1"), rasa, Agent())
    assert rasa.heard == [("sms-1", '/inform{"choice": "role.police"}')]


async def test_prepare_can_answer_itself_and_then_no_turn_runs() -> None:
    class Answers(Channel):
        async def prepare(self, message: InboundMessage, text: str, agent: Any) -> str:
            return None  # type: ignore[return-value]  # the channel has answered

    rasa = Rasa()
    assert await Answers().handle(InboundMessage(sender="u", text="2"), rasa, Agent()) is None
    assert rasa.heard == []


async def test_a_failed_turn_is_delivered_with_the_safety_message() -> None:
    answer = await Channel().handle(InboundMessage(sender="u", text="hi"), Rasa(fail=True), None)
    assert answer == f"delivered error ['{SAFETY}']"


async def test_the_turn_runs_in_the_conversation_named_when_not_the_senders_own() -> None:
    rasa = Rasa()
    message = InboundMessage(sender="teams-1", text="hi", conversation="train-teams-1")
    await Channel().handle(message, rasa, Agent())
    assert rasa.heard == [("train-teams-1", "hi")]


def test_the_turn_timeout_comes_from_the_credentials() -> None:
    assert turn_timeout(None) == 20.0
    assert turn_timeout({"turn_timeout_s": "7.5"}) == 7.5


class Background(BackgroundPipeline[InboundMessage]):
    def __init__(self) -> None:
        self.safety_text = SAFETY
        self.turn_timeout_s = 2.0
        self.start_lanes("stand-in turn failed")
        self.done: list[str] = []

    @classmethod
    def name(cls) -> str:
        return "stand_in"


async def test_background_work_keeps_each_lanes_order_and_a_failure_is_answered() -> None:
    channel = Background()
    release = asyncio.Event()

    async def slow() -> None:
        await release.wait()
        channel.done.append("a1")

    async def broken() -> None:
        raise RuntimeError("boom")

    async def answered(exc: Exception) -> None:
        channel.done.append(f"safety after {type(exc).__name__}")

    async def record(name: str) -> None:
        channel.done.append(name)

    channel.schedule("a", slow, answered)
    channel.schedule("a", broken, answered)
    channel.schedule("a", lambda: record("a3"), answered)
    channel.schedule("b", lambda: record("b1"), answered)
    await asyncio.sleep(0.01)
    assert channel.done == ["b1"]  # another conversation is not held up
    release.set()
    await channel.wait_idle()
    assert channel.done == ["b1", "a1", "safety after RuntimeError", "a3"]
