"""Operating the real servers: liveness and readiness (readiness falls while the
action server is down and comes back with it), Prometheus metrics after typed
turns, retention on a schedule, and every log line as JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, insert

from bot.store.cases import cases
from tests.e2e.harness import Servers, http

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    # Retention every 2 seconds here; production runs it daily (bot/ops/topology.py).
    servers = Servers(
        workdir=tmp_path_factory.mktemp("ops"),
        extra_env={"GOLDEN_HOUR_RETENTION_EVERY_HOURS": str(2 / 3600)},
    ).start()
    yield servers
    servers.stop()


def get(url: str) -> tuple[int, str]:
    status, raw = http("GET", url)
    return status, raw.decode()


def value(exposition: str, name: str, **labels: str) -> float:
    """One sample's value from Prometheus text, 0 when absent."""
    for line in exposition.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_live_and_ready_and_readiness_follows_the_action_server(ops: Servers) -> None:
    actions = f"http://127.0.0.1:{ops.action_port}"
    assert get(f"{ops.base}/live")[0] == 200
    status, body = get(f"{ops.base}/ready")
    assert status == 200 and json.loads(body)["status"] == "ready"
    assert get(f"{actions}/ready")[0] == 200 and get(f"{actions}/live")[0] == 200

    ops.stop_actions()
    try:
        status, body = get(f"{ops.base}/ready")
        assert status == 503
        assert json.loads(body)["action_server"] == "unreachable"
        assert get(f"{ops.base}/live")[0] == 200  # alive, just not ready: no restart
    finally:
        ops.start_actions()
    assert get(f"{ops.base}/ready")[0] == 200


def test_typed_turns_show_in_the_metrics_as_counts_only(ops: Servers) -> None:
    sender = f"ops-{uuid.uuid4().hex[:8]}"
    _, before = get(f"{ops.base}/metrics")
    for message in ("hello", "I'm a school nurse in Swansea"):
        assert ops.send(sender, message).status == 200
    status, after = get(f"{ops.base}/metrics")
    assert status == 200
    ok = {"channel": "rest", "outcome": "ok"}
    assert (
        value(after, "golden_hour_turns_total", **ok)
        == value(before, "golden_hour_turns_total", **ok) + 2
    )
    assert value(after, "golden_hour_turn_seconds_count", channel="rest") >= 2
    assert sender not in after and "Swansea" not in after

    status, actions = get(f"http://127.0.0.1:{ops.action_port}/metrics")
    assert status == 200
    assert value(actions, "golden_hour_actions_total", outcome="ok") >= 1
    assert "golden_hour_cases{" in actions  # the case just opened, counted by level


def test_retention_runs_on_its_schedule_and_reports_what_it_deleted(ops: Servers) -> None:
    store = create_engine(f"sqlite:///{ops.workdir / 'golden_hour.db'}")
    long_ago = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=400)
    ref = f"OLD{uuid.uuid4().hex[:8].upper()}"
    with store.begin() as conn:
        conn.execute(
            insert(cases).values(
                ref=ref, created_at=long_ago, updated_at=long_ago, channel="rest",
                language="en_GB", status="done",
            )
        )  # fmt: skip
    actions = f"http://127.0.0.1:{ops.action_port}/metrics"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with store.connect() as conn:
            left = conn.execute(cases.select().where(cases.c.ref == ref)).first()
        if left is None:
            break
        time.sleep(0.5)
    assert left is None, "retention did not run on its schedule"
    _, exposition = get(actions)
    assert value(exposition, "golden_hour_retention_deleted_total", kind="cases") >= 1
    assert value(exposition, "golden_hour_retention_runs_total", outcome="ok") >= 1
    runs = [
        json.loads(line)
        for line in ops.action_log.read_text().splitlines()
        if line.startswith("{") and '"retention run"' in line
    ]
    assert any(run["removed"].get("cases", 0) >= 1 for run in runs)


def test_every_log_line_after_start_up_is_json(ops: Servers) -> None:
    """Once logging is set up, Rasa's records, Sanic's, Python's warnings and our
    own all come out as one JSON object per line (before it, only the libraries'
    import-time notes)."""
    ops.send(f"ops-{uuid.uuid4().hex[:8]}", "hello")
    for log in (ops.rasa_log, ops.action_log):
        lines = log.read_text(errors="replace").splitlines()
        first = next(n for n, line in enumerate(lines) if line.startswith("{"))
        not_json = [line for line in lines[first:] if not _is_json(line)]
        assert not_json == [], (log.name, not_json[:3])
        loggers = {json.loads(line)["logger"] for line in lines[first:]}
        assert any(name.startswith("golden_hour") for name in loggers), log.name
        if log == ops.rasa_log:  # Rasa's own records too, not only ours
            assert any(not name.startswith("golden_hour") for name in loggers), loggers


def _is_json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
