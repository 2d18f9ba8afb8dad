"""The production topology behind a real HAProxy (Debian's package, deploy/haproxy.cfg):
two Rasa servers on PostgreSQL and Redis with one action server, started as
``golden-hour production`` starts them. Conversations typed in words, on REST and
the widget, at the same time; one Rasa server killed mid-run and brought back."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.logs import pseudonym
from bot.ops.topology import Topology
from tests.e2e.harness import http
from tests.e2e.widget_client import WidgetClient
from tests.postgres import Postgres
from tests.production import start_topology
from tests.redis_server import Redis

pytestmark = pytest.mark.e2e

# Each conversation's own words, distinct per turn so the stored order can be
# checked. Typed as a professional would, through the whole language pipeline.
TURNS = (
    "hello",
    "I'm a teacher at a secondary school in Leeds",
    "a 14 year old boy in year 9 keeps turning up with new trainers and cash",
    "he has a second phone that keeps ringing in lessons",
    "I don't think he has gone missing",
    "not that I know of",
    "an older lad waits for him at the gate most days",
    "no, nothing else",
)


@pytest.fixture(scope="module")
def topology(
    postgres: Postgres, redis: Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Topology]:
    running = start_topology(tmp_path_factory.mktemp("haproxy"), postgres, redis)
    yield running
    running.stop()


def post(topology: Topology, sender: str, message: str) -> tuple[int, list[dict]]:
    """One REST turn through HAProxy, as a trusted integration sends it."""
    headers = {
        "Authorization": f"Bearer {topology.env['GOLDEN_HOUR_REST_TOKEN']}",
        "Content-Type": "application/json",
    }
    body = json.dumps({"sender": sender, "message": message}).encode()
    status, raw = http("POST", f"{topology.lb}/webhooks/rest/webhook", body, headers)
    return status, json.loads(raw)


def is_safety(messages: list[dict]) -> bool:
    return any((m.get("custom") or {}).get("kind") == "safety" for m in messages)


def tracker(topology: Topology, server: int, sender: str) -> dict:
    """Rasa's stored conversation, read from one server (the store is shared)."""
    url = f"{topology.rasa(server)}/conversations/{sender}/tracker"
    status, raw = http("GET", f"{url}?token={topology.env['RASA_AUTH_TOKEN']}")
    assert status == 200, raw
    return json.loads(raw)


def answers_per_turn(events: list[dict]) -> list[int]:
    """For each stored user turn, how many bot messages answered it before the
    next turn. (The words themselves are not kept: the tracker store scrubs them.)"""
    counts: list[int] = []
    for event in events:
        if event["event"] == "user":
            counts.append(0)
        elif event["event"] == "bot" and counts:
            counts[-1] += 1
    return counts


def turns_seen(topology: Topology, server: int) -> list[str]:
    """The conversations (as the logs' pseudonyms) of every turn a Rasa server
    answered, from its JSON log."""
    seen = []
    log = Path(topology.workdir) / f"rasa{server + 1}.log"
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("event") == "turn":
                seen.append(entry["conversation"])
    return seen


def rest_conversation(topology: Topology, sender: str) -> list[tuple[int, bool]]:
    return [
        (status, is_safety(messages))
        for status, messages in (post(topology, sender, message) for message in TURNS)
    ]


async def widget_conversation(topology: Topology) -> tuple[str, list[bool]]:
    """A widget conversation on socket.io's long-polling, where every request is
    a new HTTP request that must reach the same server (the websocket upgrade is
    the browser test's). Returns its sender and, per turn, whether the answer was
    the safety message."""
    client = await WidgetClient(topology.lb, route=uuid.uuid4().hex).connect()
    try:
        session = await client.start_session()
        sender = session["session"].split(".")[0]
        safety = []
        for message in ("/greet", *TURNS[1:]):
            replies = await client.say(message)
            safety.append(any(m.get("kind") == "safety" for m in replies))
        return sender, safety
    finally:
        await client.close()


async def test_twenty_conversations_on_rest_and_the_widget_stay_whole_on_one_server_each(
    topology: Topology,
) -> None:
    run = uuid.uuid4().hex[:6]
    senders = [f"lb-{run}-{i}" for i in range(20)]
    before = [set(turns_seen(topology, s)) for s in (0, 1)]
    rest_runs = [asyncio.to_thread(rest_conversation, topology, s) for s in senders]
    widget_runs = [widget_conversation(topology) for _ in range(20)]
    results = await asyncio.gather(*rest_runs, *widget_runs)
    rest_results, widget_results = results[:20], results[20:]

    for sender, turns in zip(senders, rest_results, strict=True):
        assert turns == [(200, False)] * len(TURNS), sender
    for sender, safety in widget_results:
        assert safety == [False] * len(TURNS), sender
    for sender in [*senders, *(s for s, _ in widget_results)]:
        kept = tracker(topology, 0, sender)
        # Whole: every turn stored once, each answered before the next was taken.
        per_turn = answers_per_turn(kept["events"])
        assert len(per_turn) == len(TURNS) and all(per_turn), (sender, per_turn)
        # The second turn's words were read into the case (role and nation).
        case = kept["slots"]["case"]
        assert (case["role"], case["nation"]) == ("teacher", "england"), sender

    # Sticky: while both servers were up, no conversation was answered by both.
    on = [set(turns_seen(topology, s)) - before[s] for s in (0, 1)]
    assert on[0] and on[1], "both servers should have had conversations"
    assert not on[0] & on[1], f"{len(on[0] & on[1])} conversations moved between servers"
    assert len(on[0] | on[1]) == 40


def test_a_killed_server_loses_nothing_and_a_returning_one_gets_new_conversations(
    topology: Topology,
) -> None:
    run = uuid.uuid4().hex[:6]
    senders = [f"kill-{run}-{i}" for i in range(20)]
    answered: dict[str, list[tuple[str, int, bool]]] = {s: [] for s in senders}
    done_turns = 0
    lock = threading.Lock()
    killed = threading.Event()

    def converse(sender: str) -> None:
        nonlocal done_turns
        for message in TURNS:
            status, messages = post(topology, sender, message)
            answered[sender].append((message, status, is_safety(messages)))
            with lock:
                done_turns += 1
            time.sleep(0.05)

    threads = [threading.Thread(target=converse, args=(s,)) for s in senders]
    for t in threads:
        t.start()
    # Kill the first server while turns are in flight: after about a third of them.
    while done_turns < len(senders) * len(TURNS) // 3:
        time.sleep(0.01)
    topology.kill_rasa(0)
    killed.set()
    for t in threads:
        t.join()

    store = create_engine(topology.env["GOLDEN_HOUR_DATABASE_URL"])
    for sender in senders:
        turns = answered[sender]
        # Every turn got an answer: the assistant's, or the safety message at worst
        # (HAProxy's own, with its 5xx status, for a turn cut off by the kill).
        assert all(status == 200 or safety for _, status, safety in turns), (sender, turns)
        kept = tracker(topology, 1, sender)
        per_turn = answers_per_turn(kept["events"])
        answered_normally = sum(not safety for _, _, safety in turns)
        # Nothing answered is lost, nothing is stored twice: a turn cut off by the
        # kill is either kept once or not at all.
        assert answered_normally <= len(per_turn) <= len(TURNS), (sender, per_turn, turns)
        assert all(per_turn), (sender, per_turn)
        # The conversation carried on on the other server to the end.
        assert not turns[-1][2], (sender, turns)
        case = kept["slots"]["case"]
        with store.connect() as conn:
            saved = conn.execute(
                text("SELECT question FROM answers WHERE case_ref = :r"), {"r": case["ref"]}
            ).scalars()
            questions = sorted(saved)
        assert questions == sorted(set(questions))  # no answer recorded twice
        assert set(questions) == set(case["answers"]), sender  # the two stores agree
    # The safety message only for a turn in flight at the kill: one per conversation
    # at most (the next turn waits out the dead server's lock, then is answered).
    safety_turns = {s: sum(safety for _, _, safety in answered[s]) for s in senders}
    assert max(safety_turns.values()) <= 1, safety_turns
    # Some conversations were on the killed server and moved to the other one.
    moved = {pseudonym(s) for s in senders} & set(turns_seen(topology, 0))
    assert moved and moved <= set(turns_seen(topology, 1)), len(moved)

    # Brought back, the first server gets new conversations again.
    topology.start_rasa(0)
    seen_before = set(turns_seen(topology, 0))
    deadline = time.monotonic() + 60
    reached = set()
    while not reached and time.monotonic() < deadline:
        for i in range(10):
            post(topology, f"back-{run}-{i}-{time.monotonic_ns()}", "hello")
        reached = set(turns_seen(topology, 0)) - seen_before
        time.sleep(1)
    assert reached, "no new conversation reached the server that came back"


def test_the_widget_in_a_browser_keeps_its_websocket_and_its_server(topology: Topology) -> None:
    """Debian's chromium through HAProxy: socket.io starts on long-polling and
    upgrades to a websocket; every request carries the widget's route key, so the
    whole conversation is answered by one server."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.test_widget_browser import CHROMIUM, CHROMIUM_ARGS, choice, type_message

    sockets: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("websocket", lambda ws: sockets.append(ws.url))
            page.goto(f"{topology.lb}/webhooks/widget/")
            choice(page, "Yes").wait_for(timeout=60_000)
            for message in TURNS[1:4]:
                type_message(page, message)
            state = json.loads(page.evaluate("Object.values({...sessionStorage})[0]"))
        finally:
            browser.close()
    assert sockets and all("transport=websocket" in url for url in sockets), sockets
    assert all(f"route={state['route']}" in url for url in sockets), sockets
    conversation = pseudonym(state["session"].split(".")[0])
    answered_by = [conversation in turns_seen(topology, s) for s in (0, 1)]
    assert answered_by.count(True) == 1, answered_by
    assert turns_seen(topology, answered_by.index(True)).count(conversation) == 4  # greet + 3


def haproxy_servers(topology: Topology, backend: str) -> list[str]:
    """The server of each request HAProxy logged for a backend, in order."""
    log = Path(topology.workdir) / "haproxy.log"
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [row["server"] for row in rows if row["backend"] == backend]


def test_teams_and_sms_requests_route_by_their_conversation(topology: Topology) -> None:
    """Teams by the activity's conversation id, SMS by Twilio's From field: every
    request of one conversation reaches the same server, and different
    conversations reach both. (The servers refuse these unsigned requests; what is
    checked here is where HAProxy sent them.)"""
    from urllib.parse import urlencode

    run = uuid.uuid4().hex[:6]
    for backend, path, content_type, body in (
        (
            "teams",
            "/webhooks/teams/webhook",
            "application/json",
            lambda i: json.dumps(
                {"type": "message", "text": "hello", "conversation": {"id": f"a:{run}-{i}"}}
            ),
        ),
        (
            "sms",
            "/webhooks/sms/webhook",
            "application/x-www-form-urlencoded",
            lambda i: urlencode({"From": f"+4477009{i:05d}", "Body": "hello", "To": "+447700"}),
        ),
    ):
        before = len(haproxy_servers(topology, backend))
        for i in range(12):
            for _ in range(3):
                status, _ = http(
                    "POST",
                    f"{topology.lb}{path}",
                    body(i).encode(),
                    {"Content-Type": content_type},
                )
                assert status in (401, 403, 503), (backend, status)  # refused by Rasa
        # HAProxy writes its log lines a moment after it answers: wait for all 36.
        deadline = time.monotonic() + 10
        while len(servers := haproxy_servers(topology, backend)[before:]) < 36:
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(servers) == 36, (backend, len(servers))
        groups = [servers[n : n + 3] for n in range(0, 36, 3)]
        assert all(len(set(group)) == 1 for group in groups), (backend, groups)
        assert {group[0] for group in groups} == {"rasa1", "rasa2"}, (backend, groups)


def test_only_the_channels_are_public_and_every_log_line_is_json(topology: Topology) -> None:
    token = topology.env["RASA_AUTH_TOKEN"]
    for path in (
        "/metrics",
        "/ready",
        "/live",
        "/",
        f"/conversations/lb-someone/tracker?token={token}",  # Rasa's API, on here
        "/status",
        "/webhooks/widgetx",
        '/a\\x"quoted"',
    ):
        status, _ = http("GET", f"{topology.lb}{path}")
        assert status == 404, (path, status)
    assert http("GET", f"{topology.lb}/webhooks/widget/")[0] == 200
    # The servers answer their operators directly.
    assert http("GET", f"{topology.rasa(0)}/metrics")[0] == 200
    log = Path(topology.workdir) / "haproxy.log"
    # HAProxy writes its log lines a moment after it answers: wait for the last one.
    deadline = time.monotonic() + 10
    while True:
        lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
        if any("\\\\x" in line for line in lines) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for line in lines:
        json.loads(line)  # a path with a backslash or a quote is escaped
    assert any("\\\\x" in line for line in lines)
