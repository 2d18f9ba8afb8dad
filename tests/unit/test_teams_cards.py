"""How replies are drawn for Teams (pure): question cards, the draft card, the
hand-off card, and reading a button press back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.conversation import CONTEXT, NOW, Run, pick_for
from bot import conversation as talk
from bot.channels.common.collect import _message
from bot.channels.common.safety_net import safety_payload
from bot.channels.teams import cards
from bot.conversation import Event
from bot.i18n import current_language, use
from bot.knowledge import load_knowledge
from bot.replies import KIND_KEY


def walk(node: Any, kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == kind:
            found.append(node)
        for value in node.values():
            found.extend(walk(value, kind))
    elif isinstance(node, list):
        for item in node:
            found.extend(walk(item, kind))
    return found


def every_answer_yes_draft() -> str:
    """The longest draft the conversation writes (every answer yes)."""
    kb = load_knowledge(strict_review=False)
    run = Run(kb)
    run.step(Event("deny"))
    for key in CONTEXT:
        run.step(Event("inform", choice=key))
    while run.case.pending != talk.CHECK:
        pending = run.case.pending or ""
        if pending.startswith(talk.EVIDENCE_PREFIX):
            run.step(Event("inform", choice="evidence.observed"))
        elif pending == talk.AGE:
            run.step(Event("inform", choice="age.unknown"))  # in doubt: the longest
        elif pending.startswith("pick:"):
            sign = pick_for(kb, pending.removeprefix("pick:"), run.case, lambda q: "affirm")
            run.step(Event("inform", choice=f"pick.{sign}"))
        else:
            run.step(Event("affirm"))
    run.step(Event("affirm"))  # the answers are right
    run.step(Event("inform", choice="share_with.safeguarding_lead"))
    # The child was told; the carer question is not asked when the family must not
    # be told (every answer yes includes forced marriage).
    while True:
        turn = talk.handle(kb, run.case, Event("affirm"), NOW)
        run.case = turn.case
        if run.case.pending == talk.DONE:
            return next(r.text for r in turn.replies if r.kind == "summary")


QUESTION = _message(
    "u1",
    "First: is the child in immediate danger, or might they go missing soon?",
    [
        {"title": "Yes", "payload": "/affirm"},
        {"title": "No", "payload": "/deny"},
        {"title": "Not sure", "payload": "/unsure"},
    ],
    {KIND_KEY: "question"},
)


def test_a_question_becomes_an_adaptive_card_teams_renders() -> None:
    [activity] = cards.render(QUESTION)
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    content = attachment["content"]
    assert content["type"] == "AdaptiveCard"
    assert float(content["version"]) <= 1.4
    assert "immediate danger" in walk(content, "TextBlock")[0]["text"]
    actions = walk(content, "Action.Submit")
    assert [a["title"] for a in actions] == ["Yes", "No", "Not sure"]


def test_each_button_is_a_message_back_carrying_its_payload() -> None:
    [activity] = cards.render(QUESTION)
    yes = walk(activity, "Action.Submit")[0]
    assert yes["data"]["msteams"] == {"type": "messageBack", "displayText": "Yes", "text": "Yes"}
    assert yes["data"]["payload"] == "/affirm"
    # Teams hands the data back as the activity's value, as an object or as JSON text
    assert cards.read_submit(yes["data"]) == (None, "/affirm")
    assert cards.read_submit(json.dumps(yes["data"])) == (None, "/affirm")


def test_choice_payloads_with_entities_come_back_unchanged() -> None:
    payload = '/inform{"choice": "role.police"}'
    reply = _message("u1", "What is your role?", [{"title": "Police", "payload": payload}], {})
    [activity] = cards.render(reply)
    data = walk(activity, "Action.Submit")[0]["data"]
    assert cards.read_submit(data) == (None, payload)


def test_reading_a_press_ignores_what_is_not_a_payload() -> None:
    assert cards.read_submit(None) == (None, None)
    assert cards.read_submit("not json") == (None, None)
    assert cards.read_submit([1, 2]) == (None, None)
    assert cards.read_submit({"payload": 42}) == (None, None)
    assert cards.read_submit({"gh_action": "send_draft"}) == ("send_draft", None)


def test_short_buttons_share_rows_and_long_ones_get_their_own() -> None:
    titles = ["Yes", "No", "Not sure", "Skip", "Why are you asking?"]
    reply = _message(
        "u", "Q?", [{"title": t, "payload": f"/{i}"} for i, t in enumerate(titles)], {}
    )
    rows = walk(cards.render(reply)[0], "ActionSet")
    assert [[a["title"] for a in r["actions"]] for r in rows] == [
        ["Yes", "No", "Not sure"],
        ["Skip", "Why are you asking?"],
    ]
    long = ["Telling them could raise the risk to the child", "Not had the chance yet"]
    reply = _message("u", "Why?", [{"title": t, "payload": "/x"} for t in long], {})
    assert [len(r["actions"]) for r in walk(cards.render(reply)[0], "ActionSet")] == [1, 1]


def test_plain_replies_are_plain_text_and_lines_become_blocks_in_cards() -> None:
    [plain] = cards.render(_message("u", "Act now. These steps come first:\n- one", None, {}))
    assert plain == {
        "type": "message",
        "text": "Act now. These steps come first:\n- one",
        "textFormat": "plain",
    }
    [safety] = cards.render(safety_payload("u", "Call 999"))
    assert safety["text"] == "Call 999"
    reply = _message(
        "u", "Line one\nLine two\n\nAfter a gap", [{"title": "OK", "payload": "/a"}], {}
    )
    blocks = walk(cards.render(reply)[0], "TextBlock")
    assert [b["text"] for b in blocks] == ["Line one", "Line two", "After a gap"]
    assert blocks[2]["spacing"] == "Medium"


def test_the_draft_is_a_card_marked_draft_with_the_text_verbatim_and_monospaced() -> None:
    draft = "DRAFT REFERRAL\nConcern: [see](https://evil.example) **not bold**\n\n- a line"
    [activity] = cards.render(_message("u", draft, None, {KIND_KEY: "summary"}))
    content = activity["attachments"][0]["content"]
    assert "DRAFT" in walk(content, "TextBlock")[0]["text"]
    runs = walk(content, "TextRun")
    # TextRuns take no Markdown: the link and the stars stay as typed
    assert [r["text"] for r in runs] == [line for line in draft.splitlines() if line]
    assert all(r["fontType"] == "Monospace" for r in runs)
    assert not walk(content, "Action.Submit")  # no lead configured: no send button
    assert content["msteams"] == {"width": "Full"}


def test_the_send_button_appears_only_when_a_lead_is_configured() -> None:
    [activity] = cards.render(
        _message("u", "DRAFT\ntext", None, {KIND_KEY: "summary"}), send_to="Sam Lead"
    )
    [button] = walk(activity, "Action.Submit")
    assert button["title"] == "Send this draft to Sam Lead"
    assert cards.read_submit(button["data"]) == ("send_draft", None)


def test_the_longest_draft_is_split_into_cards_teams_accepts_with_nothing_lost() -> None:
    draft = every_answer_yes_draft()
    activities = cards.render(_message("u", draft, None, {KIND_KEY: "summary"}), send_to="Sam")
    assert len(activities) > 1
    for activity in activities:
        assert cards.utf16_size(activity) <= 40 * 1024
    lines = [r["text"] for a in activities for r in walk(a, "TextRun")]
    assert lines == [line for line in draft.splitlines() if line.strip()]
    texts = [b["text"] for a in activities for b in walk(a, "TextBlock")]
    assert f"Part 1 of {len(activities)}" in texts
    # the send button once, on the last part
    assert [len(walk(a, "Action.Submit")) for a in activities][-1] == 1
    assert sum(len(walk(a, "Action.Submit")) for a in activities) == 1


def test_the_hand_off_card_is_a_draft_from_golden_hour_on_behalf_of_the_professional() -> None:
    [attachment] = cards.handoff_cards("DRAFT REFERRAL\nbody", on_behalf_of="Alex Example")
    words = [b["text"] for b in walk(attachment, "TextBlock")]
    assert "DRAFT" in words[0] and "Golden Hour" in words[0]
    assert any("on behalf of Alex Example" in w for w in words)
    assert [r["text"] for r in walk(attachment, "TextRun")] == ["DRAFT REFERRAL", "body"]
    assert not walk(attachment, "Action.Submit")
    [anonymous] = cards.handoff_cards("x", on_behalf_of=None)
    assert any("on behalf of a professional" in b["text"] for b in walk(anonymous, "TextBlock"))


def test_card_words_are_translated_when_drawn_in_the_conversation_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cards, "_", lambda text: f"[{current_language()}] {text}")
    with use("cy"):
        [activity] = cards.render(_message("u", "x", None, {KIND_KEY: "summary"}), send_to="Sam")
    assert walk(activity, "TextBlock")[0]["text"].startswith("[cy] ")
    assert walk(activity, "Action.Submit")[0]["title"].startswith("[cy] ")
    assert walk(activity, "TextRun")[0]["text"] == "x"  # the draft itself is not touched
