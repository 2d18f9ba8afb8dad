"""Actions for the opening, the urgent screen and the always-available commands."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.base import GoldenHourAction, stage_of
from bot import flow
from bot.flow import Turn
from bot.knowledge import Knowledge


class ActionOpening(GoldenHourAction):
    action_name = "action_opening"

    def turn(self, knowledge: Knowledge, tracker: Tracker) -> Turn:
        return flow.opening()


class ActionAnswer(GoldenHourAction):
    """A yes / no / not sure, checked against the question actually open."""

    action_name = "action_answer"

    def turn(self, knowledge: Knowledge, tracker: Tracker) -> Turn:
        intent = (tracker.latest_message.get("intent") or {}).get("name", "")
        return flow.answer(knowledge, stage_of(tracker), intent)


class ActionImmediateAdvice(GoldenHourAction):
    action_name = "action_immediate_advice"

    def turn(self, knowledge: Knowledge, tracker: Tracker) -> Turn:
        return flow.urgent_advice(knowledge, stage_of(tracker))


class ActionHelp(GoldenHourAction):
    action_name = "action_help"

    def turn(self, knowledge: Knowledge, tracker: Tracker) -> Turn:
        return flow.help_turn(knowledge, stage_of(tracker))


class ActionStop(GoldenHourAction):
    action_name = "action_stop"

    def turn(self, knowledge: Knowledge, tracker: Tracker) -> Turn:
        return flow.stop(knowledge)


class ActionRedirect(GoldenHourAction):
    action_name = "action_redirect"

    def turn(self, knowledge: Knowledge, tracker: Tracker) -> Turn:
        return flow.redirect(stage_of(tracker))
