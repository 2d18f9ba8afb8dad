"""The draft's structured form (gh_document) holds the professional's notes: Rasa's
tracker store must not keep it, as it keeps no typed words."""

from __future__ import annotations

from bot.rasa_adapter.tracker_store import scrub_event
from bot.replies import DOCUMENT_KEY, KIND_KEY, Reply
from bot.triage.summary import Draft, Section


def test_the_tracker_store_drops_the_draft_document() -> None:
    draft = Draft(
        kind="referral",
        title="Draft referral",
        raised_at="3 December 2026, 07:13",
        sections=(Section("The concern", ("- Q - answer: yes\n    Notes: Uncle Bob's van",)),),
    )
    message = Reply(draft.as_text(), kind="summary").as_rasa_message()
    assert "Uncle Bob" in str(message[DOCUMENT_KEY])
    text = message.pop("text")
    event = {"event": "bot", "text": text, "data": {}, "metadata": message}
    kept = scrub_event(event)
    assert DOCUMENT_KEY not in kept["metadata"]
    assert kept["metadata"][KIND_KEY] == "summary"
    assert "Uncle Bob" not in str(kept)
