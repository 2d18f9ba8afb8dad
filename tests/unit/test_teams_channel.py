"""The Teams channel end to end in one process: verified and forged requests
against the local Bot Framework stand-in, with a stand-in for Rasa's message
handler (the real Rasa is in tests/e2e/test_teams.py)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.common.state import ConversationState
from bot.channels.teams import TeamsInput, TeamsSettings, sender_id
from bot.channels.teams import handoff as teams_handoff
from bot.channels.teams.training import Command, Modes, command_of
from bot.logs import JsonFormatter, pseudonym
from bot.replies import KIND_KEY
from tests.botframework_fake import FakeBotFramework, new_key, personal_conversation_id

DSL_CONVERSATION = "19:safeguarding-team@thread.tacv2"
QUESTION = "First: is the child in immediate danger, or might they go missing soon?"
YES_NO = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
]
AGENT = SimpleNamespace(
    domain=SimpleNamespace(intents=["greet", "affirm", "deny", "unsure", "inform"]),
    tracker_store=None,
)


class Rasa:
    """Stands in for Rasa's on_new_message: records what it got, asks a question."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.hold: dict[str, asyncio.Event] = {}
        self.reply: Callable[[UserMessage], Any] | None = None

    async def __call__(self, message: UserMessage) -> None:
        self.received.append((message.sender_id, message.text))
        if message.text in self.hold:
            await self.hold[message.text].wait()
        if self.reply is not None:
            await self.reply(message)
            return
        await message.output_channel.send_text_with_buttons(
            message.sender_id, QUESTION, YES_NO, **{KIND_KEY: "question"}
        )

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.received]


@pytest.fixture
def fake() -> Iterator[FakeBotFramework]:
    server = FakeBotFramework().start()
    yield server
    server.stop()


def settings_for(fake: FakeBotFramework, **changes: str) -> TeamsSettings:
    values = {
        "app_id": fake.app_id,
        "app_password": fake.app_password,
        "tenant": fake.tenant,
        "token_url": fake.token_url_template,
        "openid_url": fake.openid_url,
        "dsl_conversation_id": DSL_CONVERSATION,
        "dsl_service_url": fake.service_url,
        "dsl_name": "Sam Lead",
    }
    values.update(changes)
    return TeamsSettings(**values)


class MemoryModes:
    """Stands in for the store's channel_modes table (bot/store/modes.py)."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise ConnectionError("store down")

    def training_sender(self, sender: str) -> str | None:
        self._check()
        return self.rows.get(sender)

    def enter(self, sender: str, training_sender: str, now: dt.datetime) -> None:
        self._check()
        self.rows[sender] = training_sender

    def leave(self, sender: str) -> bool:
        self._check()
        return self.rows.pop(sender, None) is not None


@pytest.fixture
def modes() -> MemoryModes:
    return MemoryModes()


@pytest.fixture
async def channel(fake: FakeBotFramework, modes: MemoryModes) -> AsyncIterator[TeamsInput]:
    made = TeamsInput(teams=settings_for(fake), retry_delay_s=0, modes=Modes(lambda: modes))
    yield made
    await made.wait_idle()
    await made.http.close()


@pytest.fixture
def rasa() -> Rasa:
    return Rasa()


class LogRecords(logging.Handler):
    """Golden Hour's loggers do not propagate (bot/logs.py), so caplog misses them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def events(self, event: str) -> list[logging.LogRecord]:
        return [r for r in self.records if r.getMessage() == event]

    @property
    def text(self) -> str:
        formatter = JsonFormatter()
        return "\n".join(formatter.format(r) for r in self.records)


@pytest.fixture
def teams_log() -> Iterator[LogRecords]:
    handler = LogRecords()
    logger = logging.getLogger("golden_hour.channels.teams")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


async def send(
    channel: TeamsInput,
    fake: FakeBotFramework,
    rasa: Rasa,
    activity: dict[str, Any],
    authorization: str | None = "genuine",
    *,
    wait: bool = True,
) -> int:
    if authorization == "genuine":
        authorization = fake.bearer(activity.get("serviceUrl"))
    status, _ = await channel.receive(authorization, json.dumps(activity).encode(), AGENT, rasa)
    if wait:
        await channel.wait_idle()
    return status


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.01)


# --- a genuine message -------------------------------------------------------------------


async def test_a_message_reaches_rasa_and_the_question_comes_back_as_a_card(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    conversation = personal_conversation_id()
    activity = fake.message("hello", conversation_id=conversation)
    assert await send(channel, fake, rasa, activity) == 200
    assert rasa.texts == ["hello"]
    [posted] = fake.posted_to(conversation)
    assert posted.reply_to == activity["id"]  # POSTed to .../activities/{activity.id}
    assert posted.activity["replyToId"] == activity["id"]
    assert posted.activity["recipient"] == {"id": activity["from"]["id"]}
    assert posted.activity["from"]["id"] == fake.bot_id
    assert QUESTION in posted.text
    assert [a["title"] for a in posted.actions] == ["Yes", "No", "Not sure"]


async def test_the_sender_is_a_keyed_digest_of_conversation_and_user(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    conversation = personal_conversation_id()
    await send(channel, fake, rasa, fake.message("hi", conversation_id=conversation))
    sender = rasa.received[0][0]
    aad = "00000000-0000-0000-0000-00000000a001"
    assert sender == sender_id(conversation, aad)
    assert conversation not in sender and aad not in sender
    assert len(sender) <= 128 and re.fullmatch(r"[A-Za-z0-9_.:@+\-]+", sender)


def test_sender_ids_differ_by_conversation_user_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_TEAMS_SENDER_KEY", "key-one")
    first = sender_id("a:1conv", "user-1")
    assert first == sender_id("a:1conv", "user-1")  # stable
    assert first != sender_id("a:1conv", "user-2")
    assert first != sender_id("a:1other", "user-1")
    monkeypatch.setenv("GOLDEN_HOUR_TEAMS_SENDER_KEY", "key-two")
    assert first != sender_id("a:1conv", "user-1")


async def test_the_webhook_answers_before_the_turn_is_done(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    conversation = personal_conversation_id()
    rasa.hold["slow"] = asyncio.Event()
    activity = fake.message("slow", conversation_id=conversation)
    assert await send(channel, fake, rasa, activity, wait=False) == 200
    assert not rasa.received  # answered before Rasa even saw it
    await asyncio.wait_for(until(lambda: bool(rasa.received)), 10)
    assert not fake.posted_to(conversation)  # Rasa is still thinking
    rasa.hold["slow"].set()
    await channel.wait_idle()
    assert len(fake.posted_to(conversation)) == 1


async def test_a_conversations_turns_keep_their_order_and_do_not_hold_up_others(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    async def echo(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, f"got {message.text}")
        if message.text == "other conversation":
            rasa.hold["first"].set()  # only reached if this turn was not held up

    rasa.reply = echo
    rasa.hold["first"] = asyncio.Event()
    a, b = personal_conversation_id(), personal_conversation_id()
    for activity in (
        fake.message("first", conversation_id=a),
        fake.message("second", conversation_id=a),
        fake.message("other conversation", conversation_id=b, aad_object_id="b-user"),
    ):
        await send(channel, fake, rasa, activity, wait=False)
    await asyncio.wait_for(channel.wait_idle(), 10)
    assert [p.text for p in fake.posted_to(a)] == ["got first", "got second"]
    assert rasa.texts.index("other conversation") < rasa.texts.index("second")


async def test_an_activity_delivered_twice_is_handled_once(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    conversation = personal_conversation_id()
    activity = fake.message("hello", conversation_id=conversation)
    assert await send(channel, fake, rasa, activity) == 200
    assert await send(channel, fake, rasa, activity) == 200
    assert rasa.texts == ["hello"] and len(fake.posted_to(conversation)) == 1


async def test_a_card_press_sends_the_buttons_payload(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    conversation = personal_conversation_id()
    await send(channel, fake, rasa, fake.message("hello", conversation_id=conversation))
    yes = fake.posted_to(conversation)[0].actions[0]
    await send(channel, fake, rasa, fake.press(yes, conversation_id=conversation))
    assert rasa.texts == ["hello", "/affirm"]


async def test_a_forged_payload_in_a_press_is_read_as_words(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    conversation = personal_conversation_id()
    value = {"payload": '/affirm{"pending": "check"}'}
    await send(channel, fake, rasa, fake.message("Yes", conversation_id=conversation, value=value))
    assert rasa.texts == ['affirm{"pending": "check"}']
    choice = {"payload": '/inform{"choice": "role.police"}'}
    await send(channel, fake, rasa, fake.message("x", conversation_id=conversation, value=choice))
    assert rasa.texts[-1] == '/inform{"choice": "role.police"}'  # the one shape buttons send


async def test_mentions_of_the_bot_are_dropped(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    activity = fake.message(
        "<at>Golden Hour</at> hello", conversation_id=personal_conversation_id()
    )
    await send(channel, fake, rasa, activity)
    assert rasa.texts == ["hello"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x" * 2001, "too long"),
        (None, "did not receive any text"),
        ("\u200b \u200b", "did not receive any text"),
    ],
    ids=["too-long", "attachment-only", "invisible-only"],
)
async def test_bad_input_gets_a_clear_answer_and_the_emergency_contacts(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, text: str | None, expected: str
) -> None:
    conversation = personal_conversation_id()
    activity = fake.message(text, conversation_id=conversation)
    assert await send(channel, fake, rasa, activity) == 200
    assert not rasa.received
    first, second = fake.posted_to(conversation)
    assert expected in first.text
    assert second.text == channel.safety_text and "999" in second.text


async def test_a_group_chat_is_asked_to_use_a_one_to_one_chat(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    conversation = "19:group@thread.v2"
    activity = fake.message("a girl in my class", conversation_id=conversation)
    activity["conversation"]["conversationType"] = "groupChat"
    await send(channel, fake, rasa, activity)
    assert not rasa.received
    redirect, safety = fake.posted_to(conversation)
    assert "one-to-one" in redirect.text and "999" in safety.text


async def test_a_failed_turn_still_gets_the_safety_message(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    async def broken(message: UserMessage) -> None:
        raise RuntimeError("the tracker store is down")

    rasa.reply = broken
    conversation = personal_conversation_id()
    await send(channel, fake, rasa, fake.message("hello", conversation_id=conversation))
    [posted] = fake.posted_to(conversation)
    assert posted.text == channel.safety_text


async def test_a_failed_post_is_logged_without_text_and_nothing_crashes(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, teams_log: LogRecords
) -> None:
    conversation = personal_conversation_id()
    fake.failing_conversations.add(conversation)
    activity = fake.message("Quillfeather", conversation_id=conversation)
    assert await send(channel, fake, rasa, activity) == 200
    [failed] = teams_log.events("teams replies not delivered")
    assert failed.failed == 1  # type: ignore[attr-defined]
    assert "Quillfeather" not in teams_log.text and "immediate danger" not in teams_log.text
    # and the channel carries on
    fake.failing_conversations.clear()
    await send(channel, fake, rasa, fake.message("again", conversation_id=conversation))
    assert len(fake.posted_to(conversation)) == 1


# --- conversation updates and other activities --------------------------------------------


async def test_installing_the_bot_in_a_personal_chat_greets_with_the_opening(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    conversation = personal_conversation_id()
    update = fake.members_added(conversation_id=conversation)
    assert await send(channel, fake, rasa, update) == 200
    assert rasa.texts == ["/greet"]
    [posted] = fake.posted_to(conversation, update["id"])
    assert QUESTION in posted.text
    await send(channel, fake, rasa, fake.message("hi", conversation_id=conversation))
    assert rasa.received[0][0] == rasa.received[1][0]  # the same Rasa conversation


async def test_a_person_added_to_a_personal_chat_is_greeted(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    person = {"id": "29:1-fictional-user", "aadObjectId": "00000000-0000-0000-0000-00000000a001"}
    conversation = personal_conversation_id()
    update = fake.members_added(conversation_id=conversation, members=[person])
    await send(channel, fake, rasa, update)
    assert rasa.received == [(sender_id(conversation, person["aadObjectId"]), "/greet")]


@pytest.mark.parametrize("conversation_type", ["channel", "groupChat"])
async def test_no_greeting_in_a_team_or_group_chat_but_the_log_says_where_to_post(
    channel: TeamsInput,
    fake: FakeBotFramework,
    rasa: Rasa,
    teams_log: LogRecords,
    conversation_type: str,
) -> None:
    update = fake.members_added(
        conversation_id="19:team@thread.tacv2", conversation_type=conversation_type
    )
    assert await send(channel, fake, rasa, update) == 200
    assert not rasa.received and not fake.posted
    [added] = teams_log.events("teams bot added")
    assert added.service_url == fake.service_url  # type: ignore[attr-defined]
    assert added.conversation_type == conversation_type  # type: ignore[attr-defined]
    assert "19:team@thread.tacv2" not in teams_log.text


async def test_members_removed_gets_nothing(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    update = fake.members_added(conversation_id=personal_conversation_id())
    update["membersRemoved"] = update.pop("membersAdded")
    assert await send(channel, fake, rasa, update) == 200
    assert not rasa.received and not fake.posted


@pytest.mark.parametrize("kind", ["typing", "messageReaction", "invoke", "installationUpdate"])
async def test_other_activities_get_200_and_nothing_else(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, kind: str
) -> None:
    activity = fake.message("x", conversation_id=personal_conversation_id())
    activity["type"] = kind
    assert await send(channel, fake, rasa, activity) == 200
    assert not rasa.received and not fake.posted


async def test_a_verified_request_with_a_broken_body_is_a_400_and_nothing_else(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    for body in (b"not json", b"[1, 2]"):
        status, _ = await channel.receive(fake.bearer(), body, AGENT, rasa)
        assert status == 400
    await channel.wait_idle()
    assert not rasa.received and not fake.posted


async def test_a_verified_request_that_is_too_large_is_a_413_and_nothing_else(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    activity = fake.message("x" * (300 * 1024), conversation_id=personal_conversation_id())
    status, _ = await channel.receive(
        fake.bearer(activity["serviceUrl"]), json.dumps(activity).encode(), AGENT, rasa
    )
    assert status == 413
    await channel.wait_idle()
    assert not rasa.received and not fake.posted


# --- forged requests ----------------------------------------------------------------------


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _alg_none(fake: FakeBotFramework) -> str:
    header = {"alg": "none", "kid": fake.keys[0].kid, "typ": "JWT"}
    return f"Bearer {_b64(header)}.{_b64(fake.claims())}."


def _hs256_with_public_key(fake: FakeBotFramework) -> str:
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import serialization

    pem = (
        fake.keys[0]
        .private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = f"{_b64({'alg': 'HS256', 'kid': fake.keys[0].kid})}.{_b64(fake.claims())}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"Bearer {signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


FORGERIES: dict[str, Callable[[FakeBotFramework], str | None]] = {
    "wrong-key": lambda f: f.bearer(key=new_key()),
    "wrong-audience": lambda f: f.bearer(aud="some-other-bot"),
    "wrong-issuer": lambda f: f.bearer(iss="https://sts.windows.net/evil/"),
    "expired": lambda f: f.bearer(exp=int(time.time()) - 600),
    "not-yet-valid": lambda f: f.bearer(nbf=int(time.time()) + 600),
    "alg-none": _alg_none,
    "hs256-with-public-key": _hs256_with_public_key,
    "mismatched-service-url": lambda f: f.bearer("https://smba.trafficmanager.net/evil/"),
    "missing-header": lambda f: None,
    "not-bearer": lambda f: "Basic Ym90OnBhc3N3b3Jk",
    "unknown-kid": lambda f: f.bearer(kid="kid-nobody-published"),
    "garbage": lambda f: "Bearer eyJhbGciOiJSUzI1NiJ9.garbage.garbage",
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
async def test_forged_requests_get_401_no_reply_and_nothing_reaches_rasa(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, forgery: str
) -> None:
    conversation = personal_conversation_id()
    activity = fake.message("hello", conversation_id=conversation)
    assert await send(channel, fake, rasa, activity, FORGERIES[forgery](fake)) == 401
    assert not rasa.received
    assert not fake.posted and not fake.token_requests


async def test_an_unknown_kid_makes_one_refresh_of_the_keys_then_401(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    await send(channel, fake, rasa, fake.message("hi", conversation_id=personal_conversation_id()))
    assert fake.jwks_fetches == 1
    # a fresh channel (keys just loaded) rate-limits the unknown-kid refresh...
    activity = fake.message("hello", conversation_id=personal_conversation_id())
    assert await send(channel, fake, rasa, activity, fake.bearer(kid="nobody")) == 401
    assert fake.jwks_fetches == 1
    # ...and once the window has passed it fetches the keys again before refusing
    channel.keys._min_refresh_s = 0
    assert await send(channel, fake, rasa, activity, fake.bearer(kid="nobody")) == 401
    assert fake.jwks_fetches == 2
    assert rasa.texts == ["hi"]


async def test_a_key_not_endorsed_for_teams_gets_401(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    fake.keys[0].endorsements = ["webchat", "skype"]
    activity = fake.message("hello", conversation_id=personal_conversation_id())
    assert await send(channel, fake, rasa, activity) == 401
    assert not rasa.received and not fake.posted


async def test_a_genuine_token_for_another_activitys_service_url_gets_401(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    """A captured token cannot be replayed to make the bot post elsewhere."""
    activity = fake.message(
        "hello", conversation_id=personal_conversation_id(), service_url="https://attacker.example/"
    )
    assert await send(channel, fake, rasa, activity, fake.bearer()) == 401
    assert not rasa.received and not fake.posted


async def test_an_unconfigured_channel_refuses_everything_and_says_so_at_start(
    fake: FakeBotFramework, rasa: Rasa, teams_log: LogRecords
) -> None:
    unconfigured = TeamsInput(teams=TeamsSettings(openid_url=fake.openid_url))
    [line] = [r for r in teams_log.records if "not configured" in r.getMessage()]
    assert line.levelno == logging.WARNING
    assert "GOLDEN_HOUR_TEAMS_APP_ID" in line.getMessage()
    activity = fake.message("hello", conversation_id=personal_conversation_id())
    status, _ = await unconfigured.receive(
        fake.bearer(aud=""), json.dumps(activity).encode(), AGENT, rasa
    )
    await unconfigured.wait_idle()
    assert status == 401 and not rasa.received and not fake.posted
    assert fake.jwks_fetches == 0


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_TEAMS_APP_ID", "app")
    monkeypatch.setenv("GOLDEN_HOUR_TEAMS_APP_PASSWORD", "secret")
    monkeypatch.setenv("GOLDEN_HOUR_TEAMS_TENANT", "contoso.onmicrosoft.com")
    monkeypatch.setenv("GOLDEN_HOUR_TEAMS_DSL_CONVERSATION_ID", DSL_CONVERSATION)
    monkeypatch.setenv("GOLDEN_HOUR_TEAMS_DSL_SERVICE_URL", "https://smba.example.net/uk/")
    monkeypatch.setenv("GOLDEN_HOUR_TEAMS_DSL_NAME", "Sam Lead")
    for name in ("TOKEN_URL", "OPENID_URL", "ISSUER"):
        monkeypatch.delenv(f"GOLDEN_HOUR_TEAMS_{name}", raising=False)
    cfg = TeamsSettings.from_env()
    assert (cfg.app_id, cfg.app_password, cfg.tenant) == (
        "app",
        "secret",
        "contoso.onmicrosoft.com",
    )
    assert cfg.openid_url == "https://login.botframework.com/v1/.well-known/openidconfiguration"
    assert cfg.issuer == "https://api.botframework.com"
    assert cfg.handoff_ready
    assert "secret" not in repr(cfg)
    channel = TeamsInput(teams=cfg)
    assert channel.connector.token_url == (
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    )
    monkeypatch.setenv("GOLDEN_HOUR_TEAMS_DSL_SERVICE_URL", "http://smba.example.net/uk/")
    assert not TeamsSettings.from_env().handoff_ready  # never plain http to a real host


# --- the hand-off to the safeguarding lead -----------------------------------------------

DRAFT = "DRAFT REFERRAL TO CHILDREN'S SOCIAL CARE\nDRAFT - not sent.\n- Has the child gone missing?"


@pytest.fixture
def stored_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_key: Path
) -> Iterator[SimpleNamespace]:
    """A case with a draft in a throwaway store, and Rasa's tracker pointing at it."""
    from bot.store.cases import CaseStore, Snapshot
    from bot.store.db import engine

    monkeypatch.setenv("GOLDEN_HOUR_DATABASE_URL", f"sqlite:///{tmp_path / 'gh.db'}")
    store = CaseStore(engine())
    snap = Snapshot(
        ref="GHABCDEFGH",
        channel="teams",
        language="en_GB",
        role="teacher",
        nation="england",
        setting="school",
        going_missing="high",
        concern="some",
        status="done",
        answers={},
        draft=DRAFT,
    )
    store.save(snap, who="someone", action="action_summary", now=dt.datetime.now(dt.timezone.utc))

    async def state(_agent: Any, _sender: str) -> ConversationState:
        return ConversationState(case_ref=snap.ref)

    monkeypatch.setattr(teams_handoff, "conversation_state", state)
    yield SimpleNamespace(store=store, ref=snap.ref)


async def summary_reply(message: UserMessage) -> None:
    await message.output_channel.send_text_message(
        message.sender_id, DRAFT, **{KIND_KEY: "summary"}
    )


async def test_the_summary_card_offers_the_send_button_and_nothing_is_sent_without_it(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, stored_case: SimpleNamespace
) -> None:
    rasa.reply = summary_reply
    conversation = personal_conversation_id()
    await send(channel, fake, rasa, fake.message("no", conversation_id=conversation))
    [card] = fake.posted_to(conversation)
    assert "DRAFT" in card.text and "Has the child gone missing?" in card.text
    assert [a["title"] for a in card.actions] == ["Send this draft to Sam Lead"]
    assert not fake.posted_to(DSL_CONVERSATION)
    assert [a for _, _, a in stored_case.store.audit_trail(stored_case.ref)] == ["action_summary"]


async def test_typing_the_button_title_does_not_send_the_draft(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, stored_case: SimpleNamespace
) -> None:
    conversation = personal_conversation_id()
    typed = fake.message("Send this draft to Sam Lead", conversation_id=conversation)
    await send(channel, fake, rasa, typed)
    assert rasa.texts == ["Send this draft to Sam Lead"]  # just words, for Rasa
    assert not fake.posted_to(DSL_CONVERSATION)


async def test_pressing_send_delivers_the_draft_to_the_lead_and_says_so(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, stored_case: SimpleNamespace
) -> None:
    rasa.reply = summary_reply
    conversation = personal_conversation_id()
    await send(channel, fake, rasa, fake.message("no", conversation_id=conversation))
    send_button = fake.posted_to(conversation)[0].actions[0]
    press = fake.press(send_button, conversation_id=conversation)
    await send(channel, fake, rasa, press)
    assert rasa.texts == ["no"]  # the press is the channel's, not Rasa's
    [to_lead] = fake.posted_to(DSL_CONVERSATION)
    assert to_lead.reply_to is None  # a new message in the lead's conversation
    assert "DRAFT referral summary from Golden Hour" in to_lead.text
    assert "on behalf of Alex Example" in to_lead.text
    assert "Has the child gone missing?" in to_lead.text
    [told] = fake.posted_to(conversation, press["id"])
    assert "I sent the draft to Sam Lead" in told.text
    sender = sender_id(conversation, press["from"]["aadObjectId"])
    assert stored_case.store.audit_trail(stored_case.ref)[-1] == (
        pseudonym(sender),
        "teams",
        "teams_draft_sent",
    )


async def test_when_the_lead_cannot_be_reached_the_professional_is_told_what_to_do(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, stored_case: SimpleNamespace
) -> None:
    fake.failing_conversations.add(DSL_CONVERSATION)
    conversation = personal_conversation_id()
    press = fake.message(
        "Send this draft to Sam Lead",
        conversation_id=conversation,
        value={"gh_action": "send_draft"},
    )
    await send(channel, fake, rasa, press)
    told, safety = fake.posted_to(conversation, press["id"])
    assert "could not send the draft to Sam Lead" in told.text
    assert "send it to them yourself" in told.text
    assert safety.text == channel.safety_text
    assert not fake.posted_to(DSL_CONVERSATION)
    assert stored_case.store.audit_trail(stored_case.ref)[-1][2] == "teams_draft_not_sent"


async def test_a_store_that_is_down_means_not_sent_with_what_to_do_instead(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(_case_ref: str | None) -> str | None:
        raise ConnectionError("database down")

    async def state(_agent: Any, _sender: str) -> ConversationState:
        return ConversationState(case_ref="GHABCDEFGH")

    monkeypatch.setattr(teams_handoff, "conversation_state", state)
    monkeypatch.setattr(teams_handoff, "latest_draft_async", down)
    conversation = personal_conversation_id()
    press = fake.message("Send", conversation_id=conversation, value={"gh_action": "send_draft"})
    await send(channel, fake, rasa, press)
    told, safety = fake.posted_to(conversation)
    assert "could not send the draft" in told.text and safety.text == channel.safety_text
    assert not fake.posted_to(DSL_CONVERSATION)


async def test_send_without_a_draft_or_without_a_lead_sends_nothing(
    fake: FakeBotFramework, rasa: Rasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_case(_agent: Any, _sender: str) -> ConversationState:
        return ConversationState()

    monkeypatch.setattr(teams_handoff, "conversation_state", no_case)
    press_value = {"gh_action": "send_draft"}
    for cfg, expected in (
        (settings_for(fake), "no draft summary to send yet"),
        (settings_for(fake, dsl_name=""), "not set up here"),
    ):
        made = TeamsInput(teams=cfg, retry_delay_s=0)
        conversation = personal_conversation_id()
        press = fake.message("Send", conversation_id=conversation, value=press_value)
        await send(made, fake, rasa, press)
        await made.http.close()
        [told] = fake.posted_to(conversation)
        assert expected in told.text
    assert not fake.posted_to(DSL_CONVERSATION)
    assert not rasa.received


# --- training mode -------------------------------------------------------------------------


def test_training_commands_are_whole_messages() -> None:
    assert command_of("training") == Command(enter=True)
    assert command_of("  Training  Cohort7 ") == Command(enter=True, group="cohort7")
    assert command_of("hyfforddiant") == Command(enter=True)
    assert command_of("End training") == Command(enter=False)
    assert command_of("diwedd hyfforddiant") == Command(enter=False)
    for words in ("training was on safeguarding", "training my-class", "", "the training"):
        assert command_of(words) is None


async def test_training_runs_in_its_own_conversation_until_it_is_ended(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, modes: MemoryModes
) -> None:
    conversation = personal_conversation_id()
    real = sender_id(conversation, "aad-1")

    def say(text: str) -> dict[str, Any]:
        return fake.message(text, conversation_id=conversation, aad_object_id="aad-1")

    await send(channel, fake, rasa, say("training cohort7"))
    practice, opened = rasa.received[-1]
    assert opened == "/greet" and practice.startswith("train-g-cohort7-")
    assert modes.rows == {real: practice}
    await send(channel, fake, rasa, say("yes"))
    assert rasa.received[-1] == (practice, "yes")
    await send(channel, fake, rasa, say("end training"))
    assert "left training mode" in fake.posted_to(conversation)[-1].text
    assert modes.rows == {}
    await send(channel, fake, rasa, say("yes"))
    assert rasa.received[-1] == (real, "yes")
    await send(channel, fake, rasa, say("end training"))
    assert "Training mode is not on" in fake.posted_to(conversation)[-1].text
    # Every practice is a new conversation.
    await send(channel, fake, rasa, say("training"))
    again = rasa.received[-1][0]
    assert again.startswith("train-") and again != practice
    assert "g-" not in again


async def test_a_practice_draft_is_never_offered_for_sending(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, stored_case: SimpleNamespace
) -> None:
    conversation = personal_conversation_id()
    await send(channel, fake, rasa, fake.message("training", conversation_id=conversation))
    rasa.reply = summary_reply
    await send(channel, fake, rasa, fake.message("no", conversation_id=conversation))
    [card] = fake.posted_to(conversation)[-1:]
    assert "DRAFT" in card.text
    assert card.actions == []


async def test_the_debrief_comes_as_a_copy_friendly_card(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa
) -> None:
    async def debrief_reply(message: UserMessage) -> None:
        await message.output_channel.send_text_message(
            message.sender_id, "Score: 85 out of 100", **{KIND_KEY: "debrief"}
        )

    rasa.reply = debrief_reply
    conversation = personal_conversation_id()
    await send(channel, fake, rasa, fake.message("yes", conversation_id=conversation))
    [card] = fake.posted_to(conversation)
    assert "TRAINING debrief" in card.text and "Score: 85 out of 100" in card.text


async def test_with_the_store_down_a_practice_still_stays_a_practice(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, modes: MemoryModes
) -> None:
    conversation = personal_conversation_id()
    await send(channel, fake, rasa, fake.message("training", conversation_id=conversation))
    practice = rasa.received[-1][0]
    modes.down = True
    await send(channel, fake, rasa, fake.message("yes", conversation_id=conversation))
    assert rasa.received[-1] == (practice, "yes")


async def test_no_training_in_a_group_chat(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, modes: MemoryModes
) -> None:
    group = fake.message(
        "training", conversation_id="19:abc@thread.v2", conversation_type="groupChat"
    )
    await send(channel, fake, rasa, group)
    assert rasa.received == [] and modes.rows == {}
    assert "one-to-one chat" in fake.posted_to("19:abc@thread.v2")[0].text


async def test_a_practice_that_cannot_be_saved_is_not_started_or_ended(
    channel: TeamsInput, fake: FakeBotFramework, rasa: Rasa, modes: MemoryModes
) -> None:
    conversation = personal_conversation_id()
    modes.down = True
    await send(channel, fake, rasa, fake.message("training", conversation_id=conversation))
    assert rasa.received == []
    assert "could not be started" in fake.posted_to(conversation)[-1].text
    await send(channel, fake, rasa, fake.message("yes", conversation_id=conversation))
    assert rasa.received[-1][0].startswith("teams-")  # still the real conversation

    modes.down = False
    await send(channel, fake, rasa, fake.message("training", conversation_id=conversation))
    practice = rasa.received[-1][0]
    modes.down = True
    await send(channel, fake, rasa, fake.message("end training", conversation_id=conversation))
    assert "still in training" in fake.posted_to(conversation)[-1].text
    await send(channel, fake, rasa, fake.message("no", conversation_id=conversation))
    assert rasa.received[-1] == (practice, "no")
