"""Microsoft Teams through the real Rasa server and action server: signed Bot
Framework activities in, replies posted to a local stand-in for the Bot Framework
(tests/botframework_fake.py), which also serves the keys and the token endpoint.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.channels.teams import sender_id
from bot.runtime import knowledge
from bot.training.runner import message_for
from bot.training.scenarios import load_scenarios
from tests.botframework_fake import FakeBotFramework, Posted, new_key, personal_conversation_id
from tests.e2e.channel_settings import TEAMS_DSL_CONVERSATION, TEAMS_DSL_NAME, TEAMS_SENDER_KEY
from tests.e2e.harness import HIGH_CONCERN_SIGNS, Servers, chosen_title, http

pytestmark = pytest.mark.e2e

SEEN = HIGH_CONCERN_SIGNS


@pytest.fixture(scope="module", autouse=True)
def store_key() -> Iterator[None]:
    """So this process computes the same sender ids as the Rasa server."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOLDEN_HOUR_TEAMS_SENDER_KEY", TEAMS_SENDER_KEY)
        yield


def asks(found: list[Posted]) -> bool:
    """The turn is complete: it ends with a question card."""
    return bool(found[-1].actions)


@dataclass
class TeamsChat:
    """One professional in a personal chat with the bot."""

    servers: Servers
    bot_framework: FakeBotFramework
    conversation_id: str = field(default_factory=personal_conversation_id)
    aad: str = field(default_factory=lambda: str(uuid.uuid4()))
    last: list[Posted] = field(default_factory=list)  # the latest turn's replies
    seen: list[Posted] = field(default_factory=list)  # every reply so far

    @property
    def sender(self) -> str:
        return sender_id(self.conversation_id, self.aad)

    def post(self, activity: dict[str, Any], authorization: str | None = "genuine") -> int:
        if authorization == "genuine":
            authorization = self.bot_framework.bearer(activity["serviceUrl"])
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        status, _ = http(
            "POST",
            f"{self.servers.base}/webhooks/teams/webhook",
            json.dumps(activity).encode(),
            headers,
        )
        return status

    def send(self, activity: dict[str, Any], done: Callable[[list[Posted]], bool]) -> list[Posted]:
        assert self.post(activity) == 200
        self.last = self.bot_framework.wait_for(self.conversation_id, activity["id"], done)
        self.seen.extend(self.last)
        return self.last

    def install(self) -> list[Posted]:
        update = self.bot_framework.members_added(
            conversation_id=self.conversation_id, aad_object_id=self.aad
        )
        return self.send(update, lambda found: "immediate danger" in found[-1].text)

    def say(self, text: str, done: Callable[[list[Posted]], bool] = asks) -> list[Posted]:
        message = self.bot_framework.message(
            text, conversation_id=self.conversation_id, aad_object_id=self.aad
        )
        return self.send(message, done)

    def press(
        self, title: str, done: Callable[[list[Posted]], bool] = asks, *, earlier: bool = False
    ) -> list[Posted]:
        action = self.button(title, earlier)
        activity = self.bot_framework.press(
            action, conversation_id=self.conversation_id, aad_object_id=self.aad
        )
        return self.send(activity, done)

    def button(self, title: str, earlier: bool = False) -> dict[str, Any]:
        """The button with this title on the latest turn's cards (or, with
        ``earlier``, on any card so far: the latest such)."""
        for posted in reversed(self.seen if earlier else self.last):
            for action in posted.actions:
                if action["title"] == title:
                    return action
        raise AssertionError(f"no button {title!r} in {[p.actions for p in self.last]}")

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.last)

    def case(self) -> dict[str, Any]:
        return self.servers.tracker(self.sender)["slots"]["case"]


def nspcc() -> str:
    return knowledge().contact("nspcc_helpline").phone or ""


def test_the_opening_asks_the_urgent_question_and_yes_on_the_card_gives_the_advice(
    servers: Servers, bot_framework: FakeBotFramework
) -> None:
    chat = TeamsChat(servers, bot_framework)
    opening = chat.install()
    assert "Golden Hour" in chat.text and "not an emergency service" in chat.text
    question = opening[-1]
    assert "immediate danger" in question.text and "go missing" in question.text
    assert [a["title"] for a in question.actions] == ["Yes", "No", "Not sure"]
    card = question.activity["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert float(card["content"]["version"]) <= 1.4

    chat.press("Yes")
    advice = chat.text
    assert "999" in advice and nspcc() in advice
    assert "Do not let the child leave" in advice
    assert advice.index("999") < advice.index(nspcc())
    assert chat.case()["advised"] is True


@pytest.fixture(scope="module")
def finished(servers: Servers, bot_framework: FakeBotFramework) -> TeamsChat:
    """A whole high-concern conversation by card presses, up to the draft."""
    chat = TeamsChat(servers, bot_framework)
    chat.install()
    chat.press("No")
    chat.press("Teacher or school staff")
    chat.press("England")
    chat.press("School or college")
    turns = 5
    while (state := chat.case()["pending"]) != "check":
        if state.startswith("evidence:"):
            chat.press("I saw it")
        elif state == "age":
            chat.press("Not known")
        elif state in ("more", "offer"):
            chat.press("No, nothing else" if state == "more" else "See the assessment and draft")
        elif state.startswith("pick:"):
            chat.press(chosen_title(state, chat.case()))
        else:
            chat.press("Yes" if state in SEEN else "No")
        turns += 1
        assert turns < 60
    assert "Check your answers" in chat.text
    chat.press("Yes, carry on")
    assert "What your answers show" in chat.text
    chat.press("All of these")
    chat.press("No")  # child not told
    chat.press("No")  # carer not told
    chat.press(
        "Telling them could raise the risk to the child",
        done=lambda found: "not sent it anywhere" in found[-1].text,
    )
    return chat


def test_a_whole_conversation_by_card_presses_ends_with_the_draft_card(
    finished: TeamsChat, bot_framework: FakeBotFramework
) -> None:
    kb = knowledge()
    summary = [p for p in finished.last if "DRAFT summary: not sent anywhere" in p.text]
    assert summary, "the draft comes as a card marked DRAFT"
    draft = "\n".join(p.text for p in summary)
    for qid in ("missing_episodes", "adult_collects_child"):
        assert kb.indicators[qid].question in draft
    assert "Going-missing risk: Immediate" in draft
    runs = [
        r
        for p in summary
        for block in p.activity["attachments"][0]["content"]["body"]
        for item in block.get("items", ())
        for r in item.get("inlines", ())
    ]
    assert runs and all(r["fontType"] == "Monospace" for r in runs)
    assert [a["title"] for p in summary for a in p.actions] == [
        f"Send this draft to {TEAMS_DSL_NAME}"
    ]
    assert finished.case()["pending"] == "done"
    assert not bot_framework.posted_to(TEAMS_DSL_CONVERSATION)  # nothing sent without the press


def _audit(servers: Servers, ref: str) -> list[tuple[str, str, str]]:
    from bot.store.cases import CaseStore
    from bot.store.db import engine

    return CaseStore(engine(f"sqlite:///{servers.workdir / 'golden_hour.db'}")).audit_trail(ref)


def test_send_to_the_safeguarding_lead_delivers_the_draft(
    finished: TeamsChat, bot_framework: FakeBotFramework, servers: Servers
) -> None:
    kb = knowledge()
    chat = finished
    chat.press(
        f"Send this draft to {TEAMS_DSL_NAME}",
        done=lambda found: "the draft to" in found[-1].text,
        earlier=True,
    )
    assert f"I sent the draft to {TEAMS_DSL_NAME}" in chat.text
    to_lead = bot_framework.posted_to(TEAMS_DSL_CONVERSATION)
    assert to_lead and all(p.reply_to is None for p in to_lead)
    lead_text = "\n".join(p.text for p in to_lead)
    assert "DRAFT referral summary from Golden Hour" in lead_text
    assert "on behalf of Alex Example" in lead_text
    assert kb.indicators["adult_collects_child"].question in lead_text
    ref = chat.case()["ref"]
    assert _audit(servers, ref)[-1][1:] == ("teams", "teams_draft_sent")


def test_when_the_lead_cannot_be_reached_the_professional_is_told(
    finished: TeamsChat, bot_framework: FakeBotFramework, servers: Servers
) -> None:
    chat = finished
    before = len(bot_framework.posted_to(TEAMS_DSL_CONVERSATION))
    bot_framework.failing_conversations.add(TEAMS_DSL_CONVERSATION)
    try:
        chat.press(
            f"Send this draft to {TEAMS_DSL_NAME}",
            done=lambda found: "999" in found[-1].text,  # the safety message comes last
            earlier=True,
        )
    finally:
        bot_framework.failing_conversations.discard(TEAMS_DSL_CONVERSATION)
    assert f"I could not send the draft to {TEAMS_DSL_NAME}" in chat.text
    assert "send it to them yourself" in chat.text
    assert nspcc() in chat.text
    assert len(bot_framework.posted_to(TEAMS_DSL_CONVERSATION)) == before
    assert _audit(servers, chat.case()["ref"])[-1][1:] == ("teams", "teams_draft_not_sent")


FORGERIES: dict[str, Callable[[FakeBotFramework], str | None]] = {
    "wrong-key": lambda f: f.bearer(key=new_key()),
    "wrong-audience": lambda f: f.bearer(aud="another-bot"),
    "wrong-issuer": lambda f: f.bearer(iss="https://evil.example"),
    "expired": lambda f: f.bearer(exp=int(time.time()) - 600),
    "alg-none": lambda f: _alg_none(f),
    "mismatched-service-url": lambda f: f.bearer("https://smba.trafficmanager.net/evil/"),
    "missing-header": lambda f: None,
    "unknown-kid": lambda f: f.bearer(kid="nobody-published-this"),
}


def _alg_none(bot_framework: FakeBotFramework) -> str:
    """The claims of a genuine token with ``alg: none`` and no signature."""

    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    header = {"alg": "none", "kid": bot_framework.keys[0].kid, "typ": "JWT"}
    return f"Bearer {b64(header)}.{b64(bot_framework.claims())}."


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_forged_requests_get_401_and_nothing_is_posted_or_remembered(
    servers: Servers, bot_framework: FakeBotFramework, forgery: str
) -> None:
    chat = TeamsChat(servers, bot_framework)
    activity = bot_framework.message(
        "hello", conversation_id=chat.conversation_id, aad_object_id=chat.aad
    )
    assert chat.post(activity, FORGERIES[forgery](bot_framework)) == 401
    # a genuine request afterwards is answered: had the forged one been taken, its
    # reply would have been posted first
    chat.say("hello", done=lambda found: "immediate danger" in found[-1].text)
    assert {p.reply_to for p in bot_framework.posted_to(chat.conversation_id)} == {
        chat.last[0].reply_to
    }
    events = [e for e in servers.tracker(chat.sender)["events"] if e["event"] == "user"]
    assert len(events) == 1


def test_teams_ids_and_names_stay_out_of_the_logs(finished: TeamsChat, servers: Servers) -> None:
    for log in (servers.rasa_log, servers.action_log):
        content = log.read_text(errors="replace")
        assert finished.conversation_id not in content
        assert finished.aad not in content
        assert "Alex Example" not in content


def test_training_by_command_runs_apart_from_the_real_conversation_to_its_debrief(
    servers: Servers, bot_framework: FakeBotFramework
) -> None:
    scenario = next(
        s for s in load_scenarios().scenarios if s.id == "low-concern-new-friends-at-youth-club"
    )
    chat = TeamsChat(servers, bot_framework)
    chat.install()
    chat.press("No")  # a real conversation, waiting for the role
    lead_before = len(bot_framework.posted_to(TEAMS_DSL_CONVERSATION))

    chat.say("training cohort9")
    assert scenario.title in chat.text
    chat.press(scenario.title)
    assert scenario.vignette[0].text in chat.text
    chat.press("Ask: find out more")
    assert scenario.vignette[1].text in chat.text
    database = create_engine(f"sqlite:///{servers.workdir / 'golden_hour.db'}", future=True)
    with database.connect() as conn:
        practice = conn.execute(
            text("SELECT training_sender FROM channel_modes WHERE sender = :s"),
            {"s": chat.sender},
        ).scalar_one()
    assert practice.startswith("train-g-cohort9-")

    def turn_done(found: list[Posted]) -> bool:
        return bool(found[-1].actions) or "end of the practice" in found[-1].text

    practice_replies: list[Posted] = []
    for _ in range(80):
        case = servers.tracker(practice)["slots"]["case"]
        pending = case["pending"]
        if pending == "done":
            break
        answered = tuple(case.get("answers") or {})
        said = message_for(scenario, pending, typed=False, answered=answered)
        practice_replies += chat.say(said, turn_done)
    assert "TRAINING debrief" in chat.text and "Score: 100/100" in chat.text
    assert all("TRAINING" in p.text for p in practice_replies)
    titles = [a["title"] for p in practice_replies for a in p.actions]
    assert not any(t.startswith("Send this draft") for t in titles)

    chat.say("end training", lambda found: "left training mode" in found[-1].text)
    chat.say("teacher")
    assert "Where in the UK" in chat.text and "TRAINING" not in chat.text
    assert chat.case()["role"] == "teacher"
    ref = servers.tracker(practice)["slots"]["case"]["ref"]
    with database.connect() as conn:
        cases = conn.execute(text("SELECT count(*) FROM cases WHERE ref = :r"), {"r": ref})
        assert cases.scalar() == 0
        row = conn.execute(
            text("SELECT group_code, scenario, score FROM training_sessions WHERE ref = :r"),
            {"r": ref},
        ).one()
    assert tuple(row) == ("cohort9", scenario.id, 100)
    assert len(bot_framework.posted_to(TEAMS_DSL_CONVERSATION)) == lead_before
