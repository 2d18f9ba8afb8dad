"""Rasa's SQL tracker store, minus the user's own words.

Rasa keeps every message's text in its tracker table (``events.data``), for as
long as the conversation is kept. Golden Hour needs the words only during the turn
that reads them: the actions get the live tracker from Rasa's memory, and whatever
must last (a redacted note, a reason) goes into the ``case`` slot. So when an event
is written, a user message keeps its intent, its confidence ranking and any button
``choice``, and loses its text and every other entity value. Button payloads
("/affirm", "/inform{...}") are not the user's words and are kept as sent.

endpoints.yml: ``type: bot.channels.tracker_store.ScrubbingSQLTrackerStore`` with
the usual SQL tracker store settings (dialect, db, host, ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

REMOVED = "[not kept]"
KEPT_ENTITIES = {"choice"}


def scrub(data: dict[str, Any]) -> dict[str, Any]:
    """A user event's dict without the user's words (pure; for tests too)."""
    text = data.get("text") or ""
    if text.startswith("/"):
        return data
    out = dict(data, text=REMOVED)
    parse = dict(data.get("parse_data") or {})
    if parse:
        parse["text"] = REMOVED
        parse["entities"] = [
            e for e in parse.get("entities") or [] if e.get("entity") in KEPT_ENTITIES
        ]
        parse.pop("response_selector", None)
        out["parse_data"] = parse
    return out


class ScrubbingSQLTrackerStore(SQLTrackerStore):
    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        for event in super()._additional_events(session, tracker):
            if isinstance(event, UserUttered):
                rebuilt = Event.from_parameters(scrub(event.as_dict()))
                yield rebuilt if rebuilt is not None else event
            else:
                yield event
