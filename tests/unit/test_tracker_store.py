"""What the tracker store keeps of each event: no user words, no bot message that
may quote them, no unsealed note in the case slot."""

from __future__ import annotations

import json

import pytest
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_adapter.tracker_store import (
    KEPT_TEXT_KINDS,
    REMOVED,
    ScrubbingSQLTrackerStore,
    scrub,
    scrub_event,
)


def test_typed_words_and_their_entities_go_intent_stays() -> None:
    event = {
        "event": "user",
        "text": "she is 14 and lives with her uncle in Leeds",
        "parse_data": {
            "text": "she is 14 and lives with her uncle in Leeds",
            "intent": {"name": "inform", "confidence": 0.9},
            "intent_ranking": [{"name": "inform", "confidence": 0.9}],
            "entities": [
                {"entity": "AGE", "value": "14"},
                {"entity": "PLACE", "value": "Leeds"},
            ],
        },
    }
    kept = scrub(event)
    assert kept["text"] == REMOVED and kept["parse_data"]["text"] == REMOVED
    assert kept["parse_data"]["entities"] == []
    assert kept["parse_data"]["intent"]["name"] == "inform"
    assert "Leeds" not in str(kept)
    assert event["text"].endswith("Leeds")  # the original is not changed


def test_button_payloads_are_kept_as_sent() -> None:
    event = {
        "event": "user",
        "text": '/inform{"choice": "role.teacher"}',
        "parse_data": {"entities": [{"entity": "choice", "value": "role.teacher"}]},
    }
    assert scrub(event) == event


# --- bot messages, the case slot, and the other events ----------------------------------

DRAFT = "DRAFT REFERRAL\nNotes: ZEBRAPII seen with older men\nSharing with: ZEBRASHARE"


def bot_event(text: str, kind: str | None, **data: object) -> dict:
    metadata = {"gh_kind": kind, "gh_progress": "", "template_name": "x"} if kind else {}
    return {
        "event": "bot",
        "timestamp": 1.0,
        "text": text,
        "data": {"elements": None, "buttons": None, "custom": {"quoted": DRAFT}, **data},
        "metadata": metadata,
    }


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("summary", DRAFT),
        ("check", "Check your answers:\n1. Notes: ZEBRAPII"),
        ("resume_code", "Paused. Your resume code is 8JZK79DD."),
        ("assessment", "What your answers show:\n- Seen with older men (yes)"),
        ("debrief", "Debrief: ZEBRAPII"),
        ("text", "I took out a name from ZEBRAPII"),
        ("a_kind_added_later", "ZEBRAPII"),
        (None, "ZEBRAPII"),  # no kind at all (a domain response, an old event)
    ],
)
def test_a_bot_message_that_may_quote_the_user_loses_its_text(kind: str | None, text: str) -> None:
    kept = scrub_event(bot_event(text, kind))
    assert kept["text"] == REMOVED
    assert "ZEBRA" not in json.dumps(kept) and "8JZK79DD" not in json.dumps(kept)
    assert kept["metadata"].get("gh_kind") == kind  # what it was stays
    assert "template_name" not in kept["metadata"]


@pytest.mark.parametrize("kind", sorted(KEPT_TEXT_KINDS))
def test_the_assistants_own_guidance_keeps_its_text_and_buttons(kind: str) -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    event = bot_event("Does the child go missing? (3 more questions)", kind, buttons=buttons)
    kept = scrub_event(event)
    assert kept["text"] == event["text"]
    assert kept["data"] == {"buttons": buttons}  # the SMS channel maps "1" to these
    assert kept["metadata"] == {"gh_kind": kind, "gh_progress": ""}
    assert "ZEBRA" not in json.dumps(kept)  # custom data goes whatever the kind


def test_a_stored_bot_event_is_rebuilt_by_rasa_with_the_buttons_it_had() -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    event = BotUttered(DRAFT, {"buttons": buttons, "custom": {"x": 1}}, {"gh_kind": "summary"})
    rebuilt = Event.from_parameters(scrub_event(event.as_dict()))
    assert isinstance(rebuilt, BotUttered)
    assert rebuilt.text == REMOVED and rebuilt.data == {"buttons": buttons}
    assert rebuilt.metadata == {"gh_kind": "summary"}


def test_the_case_slot_keeps_sealed_words_and_loses_any_unsealed_ones() -> None:
    sealed = "sealed:gAAAAABkZ"
    case = {
        "ref": "GHAAAAAAAA",
        "answers": {
            "a": {"value": "yes", "note": sealed},
            "b": {"value": "yes", "note": "ZEBRAPII in clear"},
            "c": {"value": "no", "note": None},
        },
        "sharing": {
            "share_with": [sealed, "ZEBRASHARE"],
            "why_not": "ZEBRAWHY",
            "child_told": False,
        },
    }
    kept = scrub_event({"event": "slot", "name": "case", "value": case})["value"]
    assert kept["answers"]["a"]["note"] == sealed and kept["answers"]["c"]["note"] is None
    assert kept["answers"]["b"] == {"value": "yes", "note": REMOVED}
    assert kept["sharing"] == {
        "share_with": [sealed, REMOVED],
        "why_not": REMOVED,
        "child_told": False,
    }
    assert case["answers"]["b"]["note"] == "ZEBRAPII in clear"  # the original is not changed


def test_other_events_are_kept_as_they_are() -> None:
    for event in (
        {"event": "action", "name": "action_answer", "policy": "RulePolicy", "confidence": 1.0},
        {"event": "slot", "name": "session_started_metadata", "value": None},
        {"event": "session_started"},
    ):
        assert scrub_event(event) == event
    user = {"event": "user", "text": "ZEBRAPII", "parse_data": {"text": "ZEBRAPII"}}
    assert "ZEBRA" not in json.dumps(scrub_event(user))  # the user's own rule applies


def test_what_the_store_writes_is_scrubbed(tmp_path) -> None:
    """Through Rasa's own save: the events table holds no quoted words."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet, UserUttered

    domain = Domain.from_yaml("version: '3.1'\nslots:\n  case:\n    type: any\n    mappings: []\n")
    store = ScrubbingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    tracker = DialogueStateTracker.from_events(
        "s1",
        [
            UserUttered("ZEBRAPII note", {"name": "inform", "confidence": 0.9}),
            BotUttered(DRAFT, {"buttons": None}, {"gh_kind": "summary"}),
            BotUttered("Paused. Your resume code is 8JZK79DD.", {}, {"gh_kind": "resume_code"}),
            SlotSet("case", {"answers": {"x": {"value": "yes", "note": "ZEBRAPII"}}}),
        ],
        domain.slots,
    )
    asyncio.run(store.save(tracker))
    raw = (tmp_path / "c.db").read_bytes()
    assert b"ZEBRA" not in raw and b"8JZK79DD" not in raw
    assert raw.count(REMOVED.encode()) >= 4
