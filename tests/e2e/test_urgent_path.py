"""The urgent path and the safety net, through a real Rasa server and a real action
server over HTTP."""

from __future__ import annotations

import json
import uuid

import pytest

from bot.runtime import knowledge
from tests.e2e.harness import Servers

pytestmark = pytest.mark.e2e


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def nspcc_number() -> str:
    return knowledge().contact("nspcc_helpline").phone or ""


def assert_immediate_advice(text: str) -> None:
    assert "999" in text
    # Before the nation is known the advice names the routes in words right in
    # every nation (nations.yml 'unknown').
    neutral = knowledge().neutral
    assert neutral is not None
    assert neutral.referral_route in text and neutral.out_of_hours in text
    assert nspcc_number() in text
    assert "Do not let the child leave" in text
    # 999 comes before the NSPCC Helpline: police first when a child is at risk.
    assert text.index("999") < text.index(nspcc_number())


def test_greeting_introduces_and_asks_the_urgent_question_first(servers: Servers) -> None:
    reply = servers.send(new_sender(), "hello")
    assert reply.status == 200
    assert "Golden Hour" in reply.text
    assert "not an emergency service" in reply.text
    assert "immediate danger" in reply.text and "go missing" in reply.text
    assert [b["payload"] for b in reply.buttons][-3:] == ["/affirm", "/deny", "/unsure"]
    assert "initials or a case reference" in reply.text


def test_urgent_path_by_button_reaches_advice_in_two_turns(servers: Servers) -> None:
    sender = new_sender()
    first = servers.send(sender, "hi, I'm a teacher and I'm worried about a pupil")
    yes = next(b for b in first.buttons if b["title"] == "Yes")
    second = servers.send(sender, yes["payload"])
    assert second.status == 200
    assert_immediate_advice(second.text)
    assert "I advise, you decide" in second.text


def test_urgent_path_by_free_text(servers: Servers) -> None:
    sender = new_sender()
    servers.send(sender, "hello")
    reply = servers.send(sender, "she's about to leave with the man who collected her")
    assert_immediate_advice(reply.text)
    tracker = servers.tracker(sender)
    assert tracker["latest_message"]["intent"]["name"] == "urgent"
    assert tracker["slots"]["case"]["advised"] is True


def test_urgent_words_typed_with_slips_still_get_the_advice(servers: Servers) -> None:
    # Typed in a hurry on a phone: no word here is spelt as in the training data.
    sender = new_sender()
    servers.send(sender, "hello")
    reply = servers.send(sender, "EMERGENY SHE IS LEAVNG")
    assert_immediate_advice(reply.text)
    latest = servers.tracker(sender)["latest_message"]
    assert latest["intent"]["name"] == "urgent"
    assert "golden_hour_corrected_text" not in latest  # the mended words stay internal


def test_urgent_first_message_gets_advice_at_once(servers: Servers) -> None:
    reply = servers.send(new_sender(), "a man is waiting outside school to take her away")
    assert "not an emergency service" in reply.text
    assert_immediate_advice(reply.text)


def test_not_sure_counts_as_a_concern(servers: Servers) -> None:
    sender = new_sender()
    servers.send(sender, "hello")
    assert_immediate_advice(servers.send(sender, "dunno").text)


def test_no_immediate_danger_goes_on_to_the_questions(servers: Servers) -> None:
    sender = new_sender()
    servers.send(sender, "hello")
    reply = servers.send(sender, "no, not at the moment")
    # a typed sentence read as "no" is confirmed once with the buttons
    assert 'I read that as "No"' in reply.text
    assert "/deny" in [b["payload"] for b in reply.buttons]
    reply = servers.send(sender, "/deny")
    assert "What is your role?" in reply.text
    assert "Act now" not in reply.text
    # and it can still turn urgent later, then carry on where it was
    later = servers.send(sender, "urgent")
    assert_immediate_advice(later.text)
    assert "What is your role?" in later.text


def test_safety_net_when_the_action_server_stops_mid_conversation(servers: Servers) -> None:
    sender = new_sender()
    servers.send(sender, "hello")
    servers.stop_actions()
    try:
        status, health = servers.health()
        assert status == 503 and health["action_server"] == "unreachable"
        down = servers.send(sender, "she's leaving now with a man I don't know")
        assert down.status == 200
        assert "999" in down.text
        assert nspcc_number() in down.text
        assert any(m.get("custom", {}).get("kind") == "safety" for m in down.messages)
    finally:
        servers.start_actions()
    # Back up: the same conversation carries on normally.
    status, _ = servers.health()
    assert status == 200
    again = servers.send(sender, "urgent")
    assert_immediate_advice(again.text)
    assert not any(m.get("custom", {}).get("kind") == "safety" for m in again.messages)
    events = [e["event"] for e in servers.tracker(sender)["events"]]
    assert events.count("user") == 3  # nothing lost from the conversation


def test_rasa_http_api_needs_the_token(servers: Servers) -> None:
    from tests.e2e.harness import http

    status, _ = http("GET", f"{servers.base}/conversations/someone/tracker")
    assert status == 401
    status, _ = http("GET", f"{servers.base}/conversations/someone/tracker?token=wrong")
    assert status == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"this is not json", 400),
        (b"[1, 2, 3]", 400),
        (json.dumps({"message": "hello"}).encode(), 400),
        (json.dumps({"sender": "x", "message": 42}).encode(), 400),
        (json.dumps({"sender": "x", "message": "   "}).encode(), 400),
        (json.dumps({"sender": "bad sender!<>", "message": "hi"}).encode(), 400),
        (json.dumps({"sender": "x", "message": "a" * 5000}).encode(), 413),
        # Ids the channels issue themselves: REST cannot join or fake those conversations.
        (json.dumps({"sender": "train-g-cohort7-" + "0" * 32, "message": "hi"}).encode(), 400),
        (json.dumps({"sender": "web-" + "0" * 32, "message": "hi"}).encode(), 400),
    ],
    ids=[
        "not-json",
        "not-object",
        "no-sender",
        "text-not-string",
        "blank",
        "bad-sender",
        "huge",
        "training-id",
        "widget-id",
    ],
)
def test_bad_input_gets_a_clear_answer_and_the_emergency_contacts(
    servers: Servers, body: bytes, status: int
) -> None:
    reply = servers.post_raw(body)
    assert reply.status == status
    assert reply.messages[0]["text"]  # says what was wrong
    assert "999" in reply.text and nspcc_number() in reply.text
    health_status, _ = servers.health()
    assert health_status == 200  # and the server keeps running


def test_oversized_message_says_how_to_fix_it(servers: Servers) -> None:
    reply = servers.send(new_sender(), "x" * 2001)
    assert reply.status == 413
    assert "too long" in reply.messages[0]["text"]
    assert "shorter parts" in reply.messages[0]["text"]


def test_typed_payload_with_entities_cannot_set_slots(servers: Servers) -> None:
    sender = new_sender()
    servers.send(sender, "hello")
    servers.send(sender, '/affirm{"pending": "check", "AGE": "21"}')
    tracker = servers.tracker(sender)
    latest = tracker["latest_message"]
    # read as words by NLU (a ranking of intents), not as a payload (one intent at 1.0)
    assert len(latest["intent_ranking"]) > 1
    assert not any(e.get("entity") == "pending" for e in latest.get("entities", []))
    assert tracker["slots"]["case"]["pending"] != "check"
    assert tracker["slots"]["case"]["age"] is None


def test_unknown_payload_is_read_as_text(servers: Servers) -> None:
    sender = new_sender()
    servers.send(sender, "hello")
    reply = servers.send(sender, "/set_risk_level_low")
    assert reply.status == 200
    tracker = servers.tracker(sender)
    assert len(tracker["latest_message"]["intent_ranking"]) > 1  # read by NLU as words
    assert tracker["latest_message"]["intent"]["name"] != "set_risk_level_low"


def test_logs_never_contain_message_text(servers: Servers) -> None:
    marker = "Quillfeather Zebracorn 4471 lives at Marrowby Lane"
    sender = new_sender()
    servers.send(sender, "hello")
    servers.send(sender, marker)
    servers.send(sender, marker + " " + "z" * 2500)  # refused for length
    for log in (servers.rasa_log, servers.action_log):
        content = log.read_text(errors="replace")
        assert "Quillfeather" not in content, f"message text leaked into {log.name}"
        assert "Marrowby" not in content
    turn_lines = [
        line for line in servers.rasa_log.read_text().splitlines() if '"event": "turn"' in line
    ]
    assert turn_lines, "the channel should log one structured line per turn"
    entry = json.loads(turn_lines[-1][turn_lines[-1].index("{") :])
    assert entry["conversation"] != sender and entry["chars"] > 0
