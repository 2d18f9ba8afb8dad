"""Actions on real rasa_sdk objects: a Tracker, a CollectingDispatcher and the
project's domain."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import triage
from actions.base import GoldenHourAction

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def tracker(stage: str | None, intent: str, text: str = "") -> Tracker:
    return Tracker(
        sender_id="unit",
        slots={"stage": stage},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def test_every_action_in_the_domain_is_implemented(domain: dict) -> None:
    implemented = {cls.action_name for cls in GoldenHourAction.__subclasses__()}
    assert set(domain["actions"]) == implemented


async def test_yes_at_the_urgent_screen_sends_advice_and_moves_on(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    events = await triage.ActionAnswer().run(dispatcher, tracker("urgent_screen", "affirm"), domain)
    assert events == [SlotSet("stage", "advised")]
    text = "\n".join(m["text"] for m in dispatcher.messages)
    assert "999" in text and "0808 800 5000" in text


async def test_opening_sends_buttons(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    events = await triage.ActionOpening().run(dispatcher, tracker(None, "greet"), domain)
    assert events == [SlotSet("stage", "urgent_screen")]
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == [
        "/affirm",
        "/deny",
        "/unsure",
    ]


async def test_a_failing_action_still_sends_the_safety_message(
    domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args, **_kwargs):
        raise RuntimeError("she lives at 1 Secret Road")  # must never be logged

    monkeypatch.setattr(triage.flow, "urgent_advice", explode)
    dispatcher = CollectingDispatcher()
    events = await triage.ActionImmediateAdvice().run(
        dispatcher, tracker("urgent_screen", "urgent"), domain
    )
    assert events == []  # the stage is left as it was
    (message,) = dispatcher.messages
    assert "999" in message["text"] and "0808 800 5000" in message["text"]


async def test_an_unknown_slot_value_is_treated_as_no_stage(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    # A forged non-string slot value is ignored: the user gets the opening.
    t = tracker(None, "affirm")
    t.slots["stage"] = {"forged": True}
    events = await triage.ActionAnswer().run(dispatcher, t, domain)
    assert events == [SlotSet("stage", "urgent_screen")]
