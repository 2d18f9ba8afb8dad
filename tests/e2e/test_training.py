"""Training mode through the real servers and the widget's channel: a practice
session on a scenario from the library, the vignette in stages, the debrief with
its score (downloadable), kept in the training store and never among real cases,
and the trainer's view (page and command)."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import urllib.request

import pytest
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from bot.training import mode
from bot.training.runner import message_for
from bot.training.scenarios import load_scenarios
from tests.e2e.channel_settings import TRAINER
from tests.e2e.harness import ROOT, Servers, http
from tests.e2e.widget_client import WidgetClient, button, texts

pytestmark = pytest.mark.e2e


def database(servers: Servers):
    return create_engine(f"sqlite:///{servers.workdir / 'golden_hour.db'}", future=True)


async def play(servers: Servers, scenario_id: str, group: str) -> tuple[WidgetClient, str, list]:
    scenarios = load_scenarios().scenarios
    index = [s.id for s in scenarios].index(scenario_id)
    scenario = scenarios[index]
    c = await WidgetClient(servers.base).connect()
    await c.sio.emit("session_request", {"training": True, "group": group})
    await c.wait_for(lambda: c.session is not None)
    credential = c.session["session"]
    assert credential.startswith(f"train-g-{group}-")
    sender = credential.split(".")[0]
    replies = await c.say("/greet")
    assert scenario.title in texts(replies)
    replies = await c.say(button(replies, scenario.title))
    assert scenario.vignette[0].text in texts(replies)
    assert all(m["text"].startswith(mode.banner()) for m in replies)
    replies = await c.say("ask")
    assert scenario.vignette[1].text in texts(replies)
    for _ in range(150):
        case = servers.tracker(sender)["slots"]["case"]
        pending = case["pending"]
        if pending == "done":
            break
        answered = tuple(case.get("answers") or {})
        replies = await c.say(message_for(scenario, pending, typed=False, answered=answered))
    return c, sender, replies


async def test_a_practice_session_ends_with_its_debrief_kept_apart_from_real_cases(
    servers: Servers,
) -> None:
    c, sender, replies = await play(servers, "port-arrival-with-unrelated-adult", "cohort1")
    try:
        kinds = [m["kind"] for m in replies]
        assert "summary" in kinds and "debrief" in kinds
        debrief = next(m["text"] for m in replies if m["kind"] == "debrief")
        assert "Score: 100/100" in debrief
        assert all(m["text"].startswith(mode.banner()) for m in replies)

        pdf = await c.draft("pdf")
        assert pdf["filename"].startswith("golden-hour-debrief-")
        page = PdfReader(io.BytesIO(base64.b64decode(pdf["pdf_base64"]))).pages[0].extract_text()
        assert "TRAINING" in page and "Score: 100/100" in page
        assert "Score: 100/100" in (await c.draft("text"))["text"]
    finally:
        await c.close()

    ref = servers.tracker(sender)["slots"]["case"]["ref"]
    with database(servers).connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM cases WHERE ref = :r"), {"r": ref}).scalar()
            == 0
        )
        row = conn.execute(
            text("SELECT group_code, scenario, score FROM training_sessions WHERE ref = :r"),
            {"r": ref},
        ).one()
    assert tuple(row) == ("cohort1", "port-arrival-with-unrelated-adult", 100)


async def test_the_trainer_sees_the_group_by_pseudonym_with_scores(
    servers: Servers,
) -> None:
    c, _sender, _replies = await play(servers, "low-concern-new-friends-at-youth-club", "cohort2")
    await c.close()
    url = f"{servers.base}/webhooks/widget/trainer?group=cohort2"
    status, _body = http("GET", url)
    assert status == 401  # trainers only
    auth = base64.b64encode(f"trainer:{TRAINER}".encode()).decode()
    status, _body = http(
        "GET", url, headers={"Authorization": "Basic " + base64.b64encode(b"x:wrong").decode()}
    )
    assert status == 401
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {auth}"})
    with urllib.request.urlopen(request) as resp:
        page = resp.read().decode()
    assert "low-concern-new-friends-at-youth-club" in page
    assert "100" in page
    assert "cohort1" not in page  # another group's sessions are not listed

    out = subprocess.run(
        [sys.executable, "-m", "bot.training.report", "--group", "cohort2", "--json"],
        cwd=ROOT,
        env=servers.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    view = json.loads(out.stdout)
    assert [s["scenario"] for s in view["sessions"]] == ["low-concern-new-friends-at-youth-club"]
    assert view["sessions"][0]["score"] == 100


async def test_a_real_session_cannot_be_turned_into_training_or_back(
    servers: Servers,
) -> None:
    c = await WidgetClient(servers.base).connect()
    try:
        real = (await c.start_session())["session"]
        c.session = None
        await c.sio.emit("session_request", {"session": real, "training": True})
        await c.wait_for(lambda: c.session is not None)
        assert c.session["resumed"] is False
        assert c.session["session"].startswith("train-")
    finally:
        await c.close()
