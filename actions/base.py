"""The one shape every Golden Hour action has: read the stage from the tracker, ask
bot/ for the turn, send its replies, store the new stage. If anything raises, the
user still gets the safety message with the emergency contacts."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.advice import safety_message
from bot.flow import Turn
from bot.knowledge import Knowledge
from bot.replies import Reply
from bot.runtime import knowledge

log = logging.getLogger("golden_hour.actions")

STAGE_SLOT = "stage"


class GoldenHourAction(Action, ABC):
    action_name = ""

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    def turn(self, knowledge: Knowledge, tracker: Tracker) -> Turn:
        """What to say and the new stage; pure code in bot/ decides."""

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        try:
            kb = knowledge()
            result = self.turn(kb, tracker)
        except Exception:
            # Never log the exception message: it could quote what the user wrote.
            log.error("action failed", extra={"action": self.name(), "safety_net": True})
            dispatcher.utter_message(**_safety_reply().as_rasa_message())
            return []
        for reply in result.replies:
            dispatcher.utter_message(**reply.as_rasa_message())
        return [SlotSet(STAGE_SLOT, result.stage)]


def _safety_reply() -> Reply:
    # If even the guidance cannot be read this raises, the action fails, and the
    # channel layer's own safety net (built when Rasa started) answers instead.
    return Reply(safety_message(knowledge()), kind="safety")


def stage_of(tracker: Tracker) -> str | None:
    value = tracker.get_slot(STAGE_SLOT)
    return value if isinstance(value, str) else None
