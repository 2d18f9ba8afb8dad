"""The web widget's socket.io channel against the real Rasa server and action
server: server-issued sessions that nobody else can join, the origin allow-list,
checked input, the urgent path, the draft download and the safety net."""

from __future__ import annotations

import base64
import io
import time
import urllib.request
from collections.abc import AsyncIterator

import pytest
import socketio
from pypdf import PdfReader

from bot.channels.widget.session import _sign, new_session
from bot.runtime import knowledge
from bot.store.crypto import derived_key
from tests.e2e.channel_settings import WIDGET_ALLOWED
from tests.e2e.harness import Servers, http
from tests.e2e.widget_client import WALK_TO_THE_DRAFT, WidgetClient, button, texts

pytestmark = pytest.mark.e2e


@pytest.fixture
async def client(servers: Servers) -> AsyncIterator[WidgetClient]:
    c = await WidgetClient(servers.base).connect()
    yield c
    await c.close()


async def new_client(servers: Servers, origin: str | None = None) -> WidgetClient:
    return await WidgetClient(servers.base, origin=origin).connect()


def sender_of(credential: str) -> str:
    return credential.split(".")[0]


async def test_the_server_issues_the_session_and_ignores_one_the_browser_makes_up(
    client: WidgetClient,
) -> None:
    made_up = "web-" + "0" * 32 + "." + "0" * 64
    session = await client.start_session(made_up)
    assert session["resumed"] is False
    assert session["session"] != made_up
    assert session["session"].startswith("web-")
    assert len(sender_of(session["session"])) == len("web-") + 32
    # The widget's own words arrive with the session, in both languages.
    assert "999" in session["texts"]["en_GB"]["emergency"]
    assert set(session["texts"]) == {"en_GB", "cy"}


async def test_every_message_of_a_turn_but_the_last_says_more_follows(
    servers: Servers,
) -> None:
    """The page keeps its typing sign up, and the turn's buttons out of reach of a
    quick press, until the message that ends the turn."""
    client = await new_client(servers)
    try:
        await client.start_session()
        opening = await client.say("/greet")
        assert len(opening) >= 2, opening
        assert [m.get("more") for m in opening] == [True] * (len(opening) - 1) + [None]
        assert opening[-1].get("buttons"), opening[-1]  # the question ends the turn
        refused = await client.say("x" * 10_000)  # over the length limit: the safety reply
        assert refused[-1]["kind"] == "safety"
        assert [m.get("more") for m in refused] == [True] * (len(refused) - 1) + [None]
    finally:
        await client.close()


async def test_nobody_can_join_another_persons_conversation(servers: Servers) -> None:
    alice = await new_client(servers)
    mallory = await new_client(servers)
    try:
        credential = (await alice.start_session())["session"]
        opening = await alice.say("/greet")
        assert "immediate danger" in texts(opening).lower()
        await alice.say(button(opening, "No"))
        alice_id = sender_of(credential)

        # Mallory knows Alice's session id but cannot sign it: she gets her own.
        forged = f"{alice_id}.{'f' * 64}"
        own = await mallory.start_session(forged)
        assert own["resumed"] is False
        assert sender_of(own["session"]) != alice_id
        # Naming Alice's session in a message changes nothing either.
        before = len(alice.received)
        replies = await mallory.say({"message": "/greet", "session_id": alice_id})
        assert "immediate danger" in texts(replies).lower()  # a new conversation of her own
        assert len(alice.received) == before  # Alice's socket heard nothing of it
        tracker = servers.tracker(sender_of(credential))
        assert tracker["slots"]["case"]["pending"] == "role"  # Alice's place is untouched
        assert sender_of(own["session"]) != sender_of(credential)
    finally:
        await alice.close()
        await mallory.close()


async def test_a_reload_brings_back_the_same_conversation(servers: Servers) -> None:
    first = await new_client(servers)
    credential = (await first.start_session())["session"]
    opening = await first.say("/greet")
    await first.say(button(opening, "No"))
    await first.close()

    again = await new_client(servers)
    try:
        session = await again.start_session(credential)
        assert session["resumed"] is True
        assert session["session"] == credential
        replies = await again.say("teacher")
        assert "Where in the UK" in texts(replies)
        assert servers.tracker(sender_of(credential))["slots"]["case"]["role"] == "teacher"
    finally:
        await again.close()


async def test_a_copied_credential_stops_working_after_its_lifetime(
    servers: Servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server's signing key, as the deployment derives it from its data key, so
    # the test can make the credential the server would have issued 13 hours ago.
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEYS", servers.data_key)
    key = derived_key("widget-session", "GOLDEN_HOUR_WIDGET_KEY")
    alice = await new_client(servers)
    recent, late = await new_client(servers), await new_client(servers)
    try:
        alice_id = sender_of((await alice.start_session())["session"])
        opening = await alice.say("/greet")
        await alice.say(button(opening, "No"))
        # Signed an hour ago with that key: still good (the key is the server's).
        hour_old = new_session(key, now=time.time() - 3600)
        assert (await recent.start_session(hour_old))["resumed"] is True
        # Alice's own id, signed 13 hours ago: expired, so a new conversation.
        issued = int(time.time() - 13 * 3600)
        copied = f"{alice_id}.{issued}.{_sign(key, alice_id, issued)}"
        session = await late.start_session(copied)
        assert session["resumed"] is False
        assert sender_of(session["session"]) != alice_id
        await late.wait_for(lambda: "expired" in texts(late.received))
        replies = await late.say("/greet")
        assert "immediate danger" in texts(replies).lower()  # a fresh start, not Alice's
        assert servers.tracker(alice_id)["slots"]["case"]["pending"] == "role"
    finally:
        for c in (alice, recent, late):
            await c.close()


async def test_an_origin_not_on_the_allow_list_cannot_connect(servers: Servers) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        await new_client(servers, origin="https://evil.example.net")
    allowed = await new_client(servers, origin=WIDGET_ALLOWED)
    try:
        assert (await allowed.start_session())["resumed"] is False
    finally:
        await allowed.close()
    # The server's own origin (the full-page widget) is always allowed.
    own = await new_client(servers, origin=servers.base)
    await own.close()


async def test_a_message_before_a_session_gets_the_safety_message(client: WidgetClient) -> None:
    replies = await client.say("hello")
    assert [m["kind"] for m in replies] == ["text", "safety"]
    assert "reload" in replies[0]["text"]
    assert knowledge().contact("nspcc_helpline").phone in replies[1]["text"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"message": "x" * 2001}, "too long"),
        ({"message": ""}, "did not receive any text"),
        ({"message": 42}, "could not read"),
        ("not even a dict", "could not read"),
    ],
)
async def test_bad_messages_get_a_clear_answer_and_the_emergency_contacts(
    client: WidgetClient, payload: object, expected: str
) -> None:
    await client.start_session()
    await client.sio.emit("user_uttered", payload)
    await client.wait_for(lambda: len(client.received) >= 2)
    assert expected in client.received[0]["text"]
    assert client.received[1]["kind"] == "safety"


async def test_urgent_path_and_forged_payloads(client: WidgetClient, servers: Servers) -> None:
    credential = (await client.start_session())["session"]
    await client.say("/greet")
    # A typed payload cannot set the case: it is read as words.
    await client.say('/inform{"level": "immediate"}')
    assert "level" not in servers.tracker(sender_of(credential))["slots"]["case"]
    replies = await client.say("she is about to leave with the man who collected her")
    advice = [m for m in replies if m["kind"] == "advice"]
    assert advice, replies
    assert "999" in advice[0]["text"]
    assert all(m["language"] == "en_GB" for m in replies)


async def test_welsh_switch_changes_the_language_of_the_replies(client: WidgetClient) -> None:
    await client.start_session()
    opening = await client.say("/greet")
    replies = await client.say(button(opening, "Cymraeg"))
    assert {m["language"] for m in replies} == {"cy"}


async def test_the_draft_downloads_as_text_and_pdf(servers: Servers) -> None:
    c = await new_client(servers)
    try:
        await c.start_session()
        assert (await c.draft("pdf"))["error"] == "no_draft"
        replies = await c.say("/greet")
        replies = await c.say(button(replies, "Yes"))  # urgent: advice, then the role
        for title in ("Teacher or school staff", "England", "School or college"):
            replies = await c.say(button(replies, title))
        while not any(m["kind"] == "summary" for m in replies):
            question = next((m for m in replies if m.get("buttons")), None)
            assert question is not None, replies
            titles = [b["title"] for b in question["buttons"]]
            choice = next(t for t in WALK_TO_THE_DRAFT if t in titles)
            replies = await c.say(button(replies, choice))
        summary = next(m for m in replies if m["kind"] == "summary")
        assert "DRAFT" in summary["text"]
        text = await c.draft("text")
        assert text["text"] == summary["text"]
        assert text["filename"].endswith(".txt")
        pdf = await c.draft("pdf")
        reader = PdfReader(io.BytesIO(base64.b64decode(pdf["pdf_base64"])))
        assert "DRAFT" in reader.pages[0].extract_text()
        assert pdf["filename"].endswith(".pdf")
    finally:
        await c.close()


async def test_the_action_server_down_still_answers_with_the_safety_message(
    servers: Servers,
) -> None:
    c = await new_client(servers)
    try:
        await c.start_session()
        await c.say("/greet")
        servers.stop_actions()
        try:
            replies = await c.say("no")
            assert replies[-1]["kind"] == "safety"
            assert knowledge().contact("nspcc_helpline").phone in replies[-1]["text"]
        finally:
            servers.start_actions()
        replies = await c.say("no")
        assert "What is your role?" in texts(replies)
    finally:
        await c.close()


def test_the_page_and_files_are_served_with_a_strict_policy(servers: Servers) -> None:
    status, body = http("GET", f"{servers.base}/webhooks/widget/")
    assert status == 200
    assert b"/webhooks/widget/widget.js" in body
    assert b"999" in body  # the sourced emergency line for browsers without scripts
    for name in ("widget.js", "widget.css", "socket.io.min.js"):
        status, body = http("GET", f"{servers.base}/webhooks/widget/{name}")
        assert status == 200 and len(body) > 1000, name
    status, _ = http("GET", f"{servers.base}/webhooks/widget/..%2Fcredentials.yml")
    assert status == 404
    with urllib.request.urlopen(f"{servers.base}/webhooks/widget/") as resp:
        policy = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
