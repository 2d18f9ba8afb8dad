"""The one shape every Golden Hour action has: rebuild the Case from its slot, ask
bot/conversation.py for the turn (in the conversation's language), send the
replies, store the Case. If anything raises, the user still gets the safety
message with the emergency contacts."""

from __future__ import annotations

import datetime as dt
import logging
import re
from abc import ABC, abstractmethod
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import choices
from bot.advice import safety_message
from bot.conversation import Case, Event, Turn, handle, is_own_words, listened
from bot.i18n import _, use
from bot.knowledge import Knowledge
from bot.ops import metrics
from bot.replies import Reply
from bot.runtime import knowledge
from bot.store.sealed import open_case, seal_case
from bot.training import ids as training_ids
from bot.training import mode as training_mode

if TYPE_CHECKING:
    from bot.store.cases import CaseStore
    from bot.training.scenarios import Scenario

log = logging.getLogger("golden_hour.actions")

CASE_SLOT = "case"
# Actions that deal with a typed note themselves: answering, the urgent path (which
# gives the advice first and keeps the words as the note), and the draft (read as a
# request for it, words with a draft word give it; without one they are the answer).
NOTE_ACTIONS = ("action_answer", "action_immediate_advice", "action_draft")
_CHOICE = re.compile(r"^[a-z][a-z_]{0,40}\.[a-z][a-z_]{0,40}$")  # "<question>.<option>"


# The case whose resume code this action call has just taken (set by
# ActionResume): the only case a conversation may take over from another. One
# action call is one asyncio task, so concurrent calls never see each other's.
_resumed_ref: ContextVar[str | None] = ContextVar("golden_hour_resumed_ref", default=None)


def took_resume_code(ref: str | None) -> None:
    """Called once a resume code has been used up: this conversation may now save
    the case, which moves to it from the conversation that paused it."""
    _resumed_ref.set(ref)


def event_from(tracker: Tracker) -> Event:
    """What the user did, from Rasa's parse of the latest message."""
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name") or ""
    text = latest.get("text") or ""
    choice = age = None
    for entity in latest.get("entities") or []:
        value = entity.get("value")
        if entity.get("entity") == "choice" and isinstance(value, str) and _CHOICE.match(value):
            choice = value
        elif entity.get("entity") == "AGE" and isinstance(value, str):
            age = parse_age(value)
    return Event(intent=intent, text=text, choice=choice, age=age)


def parse_age(words: str) -> int | None:
    for token in re.findall(r"[a-z]+|\d+", words.lower()):
        if token.isdigit():
            return int(token)
        if token in choices.NUMBER_WORDS:
            return choices.NUMBER_WORDS[token]
    return None


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class GoldenHourAction(Action, ABC):
    action_name = ""

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        """The replies and the new case; pure code in bot/ decides."""

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        _resumed_ref.set(None)
        try:
            kb = knowledge()
            case = Case.from_dict(open_case(tracker.get_slot(CASE_SLOT)), kb)
            with use(case.language):
                event = event_from(tracker)
                finished = None
                if self.action_name not in NOTE_ACTIONS and is_own_words(case, event):
                    # A sentence typed where the user's own words are the answer is
                    # that answer, whatever Rasa took it for (pause, stop, help, ...).
                    def play(case: Case) -> Turn:
                        return handle(kb, case, event, now())
                else:

                    def play(case: Case) -> Turn:
                        return self.turn(kb, case, tracker)

                # Every typed message is also read for facts (bot/listen.py).
                def normal() -> Turn:
                    return listened(kb, case, event, now(), play)

                if training_ids.is_training(tracker.sender_id):
                    result, finished = training_mode.turn(
                        kb,
                        scenario_library(),
                        case,
                        event,
                        normal,
                        now(),
                        tracker.events,
                        action=self.name(),
                    )
                else:
                    result = normal()
                messages = [reply.as_rasa_message() for reply in result.replies]
        except Exception:
            # Never log the exception message: it could quote what the user wrote.
            log.error("action failed", extra={"action": self.name(), "safety_net": True})
            metrics.ACTIONS.labels(action=self.name(), outcome="failed").inc()
            dispatcher.utter_message(**_safety_reply().as_rasa_message())
            return []
        for message in messages:
            dispatcher.utter_message(**message)
        if training_ids.is_training(tracker.sender_id):
            saved = self._save_training(case, result.case, finished, tracker)
        else:
            saved = self._save(kb, result, tracker)
        if not saved:
            # The turn itself worked and the conversation keeps its state, so it
            # carries on; the next turn that can save catches the store up.
            with use(result.case.language):
                dispatcher.utter_message(**_not_saved_reply().as_rasa_message())
        metrics.ACTIONS.labels(action=self.name(), outcome="ok").inc()
        return [SlotSet(CASE_SLOT, slot_value(result.case))]

    def _save_training(self, before: Case, after: Case, finished: Any, tracker: Tracker) -> bool:
        """Training goes to the training store only, never to the real cases."""
        from bot.composition import stores
        from bot.logs import pseudonym

        try:
            store = stores().training
            started = after.training and (
                not before.training or before.training["scenario"] != after.training["scenario"]
            )
            if started and after.ref:
                store.start(
                    after.ref,
                    pseudonym=pseudonym(tracker.sender_id),
                    group=training_ids.group_of(tracker.sender_id),
                    scenario=after.training["scenario"],
                    language=after.language,
                    now=now(),
                )
            if finished is not None and after.ref:
                store.finish(
                    after.ref,
                    turns=finished.played.turns,
                    advice_turn=finished.played.advice_turn,
                    score=finished.result.score.total,
                    missed=[m.indicator for m in finished.result.missed],
                    debrief=finished.text,
                    now=now(),
                    pseudonym=pseudonym(tracker.sender_id),
                    group=training_ids.group_of(tracker.sender_id),
                    scenario=after.training["scenario"],
                    language=after.language,
                )
        except Exception as exc:
            log.error(
                "training not saved",
                extra={"action": self.name(), "error": type(exc).__name__, "safety_net": True},
            )
            metrics.STORE_ERRORS.labels(store="training").inc()
            return False
        return True

    def _save(self, kb: Knowledge, result: Turn, tracker: Tracker) -> bool:
        """Save the case to the store; False if that failed (database down, or the
        case belongs to another conversation)."""
        from bot.logs import pseudonym
        from bot.store.cases import CaseNotYours, case_owner
        from bot.store.record import record_turn

        try:
            record_turn(
                case_store(),
                kb,
                result.case,
                result.replies,
                channel=tracker.get_latest_input_channel() or "unknown",
                who=pseudonym(tracker.sender_id),
                owner=case_owner(tracker.sender_id),
                action=self.name(),
                now=now(),
                claim=result.case.ref is not None and _resumed_ref.get() == result.case.ref,
            )
        except Exception as exc:
            log.error(
                "case not saved",
                extra={"action": self.name(), "error": type(exc).__name__, "safety_net": True},
            )
            refused = isinstance(exc, CaseNotYours)  # another conversation's case
            (metrics.CASE_REFUSALS if refused else metrics.STORE_ERRORS.labels(store="cases")).inc()
            return False
        return True


@lru_cache(maxsize=1)
def scenario_library() -> tuple[Scenario, ...]:
    """The training scenarios, read once (the action server reads them at start)."""
    from bot.training.scenarios import load_scenarios

    return load_scenarios(kb=knowledge()).scenarios


def slot_value(case: Case) -> dict[str, Any]:
    """The case as Rasa keeps it: the user's words sealed (bot/store/sealed.py).
    Without a data key the words are left out rather than kept in the clear."""
    raw = case.to_dict()
    try:
        return seal_case(raw)
    except Exception as exc:
        log.error("case words not sealed", extra={"error": type(exc).__name__})
        for answer in raw["answers"].values():
            answer["note"] = None
        raw["sharing"].pop("why_not", None)
        raw["sharing"].pop("share_with", None)
        return raw


def case_store() -> CaseStore:
    # Imported here: loading the actions module should not need a database.
    from bot.composition import stores

    return stores().cases


def _not_saved_reply() -> Reply:
    text = _("I could not save this step, but this conversation still has your answers.")
    return Reply(text + " " + safety_message(knowledge()), kind="safety")


def _safety_reply() -> Reply:
    # If even the guidance cannot be read this raises, the action fails, and the
    # channel layer's own safety net (built when Rasa started) answers instead.
    return Reply(safety_message(knowledge()), kind="safety")
