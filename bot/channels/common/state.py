"""What a channel needs to know about a conversation, read from Rasa's tracker:
the language it speaks, the choices its latest question offered (so an SMS reply
of "1" means that question's first choice), and its case reference (to fetch the
draft). Nothing here is kept by the channel itself, so any Rasa server behind a
load balancer answers the same."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.events import BotUttered, UserUttered

from bot.i18n import LANGUAGES

CASE_SLOT = "case"
DEFAULT_LANGUAGE = "en_GB"


@dataclass(frozen=True)
class ConversationState:
    language: str = DEFAULT_LANGUAGE
    # {"title", "payload"} of the latest bot turn's buttons; empty if it had none
    choices: tuple[dict[str, str], ...] = ()
    case_ref: str | None = None


def state_from_tracker(tracker: Any) -> ConversationState:
    """Pure: the state from a DialogueStateTracker (or None for a new one)."""
    if tracker is None:
        return ConversationState()
    case = tracker.get_slot(CASE_SLOT)
    case = case if isinstance(case, dict) else {}
    language = case.get("language") if case.get("language") in LANGUAGES else DEFAULT_LANGUAGE
    ref = case.get("ref") if isinstance(case.get("ref"), str) else None
    choices: tuple[dict[str, str], ...] = ()
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break  # only the latest bot turn counts
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            choices = tuple(
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in event.data["buttons"]
            )
            break
    return ConversationState(language=language, choices=choices, case_ref=ref)


async def conversation_state(agent: Any, sender_id: str) -> ConversationState:
    store = getattr(agent, "tracker_store", None) if agent else None
    if store is None:
        return ConversationState()
    return state_from_tracker(await store.retrieve(sender_id))


def latest_draft(case_ref: str | None) -> str | None:
    """The latest draft summary of a case from Golden Hour's store, or None."""
    if not case_ref:
        return None
    from bot.composition import stores

    drafts = stores().cases.drafts(case_ref)
    return drafts[-1] if drafts else None


async def latest_draft_async(case_ref: str | None) -> str | None:
    # The store is synchronous (SQLAlchemy 1.4); keep it off the event loop.
    return await asyncio.get_running_loop().run_in_executor(None, latest_draft, case_ref)
