"""What the tracker store keeps of a user message."""

from __future__ import annotations

from bot.channels.tracker_store import REMOVED, scrub


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
