"""What operators rely on: the metrics (counts only, never content), the probes'
readiness rule, one JSON log format for every library's records, the load
balancer's configuration and its safety answers."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot import logs
from bot.channels.common import safety_net
from bot.ops import haproxy_errors, metrics, probes, topology
from bot.runtime import knowledge

ROOT = Path(__file__).resolve().parents[2]
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"


def sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


# --- metrics -------------------------------------------------------------------


async def test_a_turn_is_counted_by_channel_and_outcome_and_timed() -> None:
    safety_net.install()

    async def answers(message: Any) -> None:
        await message.output_channel.send_text_message(message.sender_id, "hi")

    async def fails(_message: Any) -> None:
        raise RuntimeError("the action server is down")

    ok_before = sample("golden_hour_turns_total", channel="sms", outcome="ok")
    err_before = sample("golden_hour_turns_total", channel="sms", outcome="error")
    net_before = sample("golden_hour_safety_net_total", cause="error")
    timed_before = sample("golden_hour_turn_seconds_count", channel="sms")
    for handler in (answers, fails):
        await safety_net.run_turn(
            handler, "hello", "sender-9", "sms", safety_text="call 999", timeout_s=2
        )
    assert sample("golden_hour_turns_total", channel="sms", outcome="ok") == ok_before + 1
    assert sample("golden_hour_turns_total", channel="sms", outcome="error") == err_before + 1
    assert sample("golden_hour_safety_net_total", cause="error") == net_before + 1
    assert sample("golden_hour_turn_seconds_count", channel="sms") == timed_before + 2


async def test_no_sender_or_words_ever_reach_the_metrics() -> None:
    safety_net.install()
    sender, words = "alice.smith-07700900123", "she said her uncle Farid keeps her passport"

    async def echo(message: Any) -> None:
        await message.output_channel.send_text_message(message.sender_id, message.text)

    await safety_net.run_turn(echo, words, sender, "rest", safety_text="call 999", timeout_s=2)
    out = metrics.render().decode()
    assert "golden_hour_turns_total" in out
    for secret in (sender, "alice", "07700900123", "Farid", "passport"):
        assert secret not in out
    # Every label value is a short word from a fixed set: no free text.
    values = re.findall(r'="([^"]*)"', out)
    assert values and all(re.fullmatch(r"[a-z0-9_.+\-]{1,40}|\+Inf", v) for v in values), values


def test_cases_by_level_are_counted_and_a_store_outage_reports_none() -> None:
    metrics.count_cases_with(lambda: [("high", "many", 2), (None, None, 5)])
    assert sample("golden_hour_cases", going_missing="high", concern="many") == 2
    assert sample("golden_hour_cases", going_missing="none", concern="none") == 5

    def down() -> list[tuple[str, str, int]]:
        raise ConnectionError("database down")

    errors = sample("golden_hour_store_errors_total", store="cases")
    metrics.count_cases_with(down)
    assert b"golden_hour_cases" in metrics.render()  # the scrape still answers
    # Store errors count failed writes, not how often Prometheus scrapes.
    assert sample("golden_hour_store_errors_total", store="cases") == errors
    # No stale figure is reported while the store cannot be read.
    assert (
        metrics.REGISTRY.get_sample_value(
            "golden_hour_cases", {"going_missing": "high", "concern": "many"}
        )
        is None
    )
    metrics.count_cases_with(lambda: [])


# --- readiness -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "actions", "tracker", "ready"),
    [
        (True, "ok", "ok", True),
        (True, "ok", "unknown", True),  # not the scrubbing store: nothing to check
        (False, "ok", "ok", False),  # the model is still loading
        (True, "unreachable", "ok", False),
        (True, "ok", "failing", False),
    ],
)
def test_ready_only_when_the_model_and_every_dependency_are(
    model: bool, actions: str, tracker: str, ready: bool
) -> None:
    state = probes.Readiness(model, actions, tracker)
    assert state.ready is ready
    assert state.body()["status"] == ("ready" if ready else "not_ready")


async def test_no_agent_means_not_ready() -> None:
    state = await probes.readiness(None, timeout_s=0.5)
    assert not state.ready and not state.model_loaded
    assert state.action_server == "unreachable"


async def test_only_the_probe_paths_are_answered() -> None:
    def request(path: str, method: str = "GET") -> Any:
        return SimpleNamespace(path=path, method=method, app=SimpleNamespace(ctx=SimpleNamespace()))

    live = await probes.answer(request("/live"))
    assert live is not None and live.status == 200
    scraped = await probes.answer(request("/metrics"))
    assert scraped is not None and b"golden_hour_turns_total" in scraped.body
    assert await probes.answer(request("/webhooks/rest/webhook")) is None
    assert await probes.answer(request("/live", "POST")) is None
    not_ready = await probes.answer(request("/ready"))
    assert not_ready is not None and not_ready.status == 503


# --- logs ----------------------------------------------------------------------


def test_other_libraries_debug_words_are_not_kept_in_the_json_logs() -> None:
    formatter = logs.JsonFormatter()
    rasa_debug = logging.makeLogRecord(
        {"name": "rasa.core.processor", "levelno": logging.DEBUG, "levelname": "DEBUG",
         "msg": "Received user message 'her uncle keeps her passport'", "host": "10.0.0.9"}
    )  # fmt: skip
    entry = json.loads(formatter.format(rasa_debug))
    assert "passport" not in json.dumps(entry) and "10.0.0.9" not in json.dumps(entry)
    sanic_error = logging.makeLogRecord(
        {"name": "sanic.error", "levelno": logging.ERROR, "levelname": "ERROR",
         "msg": "Exception occurred while handling uri: %s",
         "args": ("http://h/conversations/alice.smith@school.org/tracker?token=s3cret",)}
    )  # fmt: skip
    assert "alice" not in formatter.format(sanic_error)
    rasa_warning = logging.makeLogRecord(
        {"name": "rasa.core.processor", "levelno": logging.WARNING, "levelname": "WARNING",
         "msg": "Circuit breaker tripped. Stopped predicting more actions for sender 'anna'."}
    )  # fmt: skip
    warned = json.loads(formatter.format(rasa_warning))["event"]
    assert "anna" not in warned and warned.startswith("Circuit breaker tripped")
    url = logging.makeLogRecord(
        {"name": "sanic.root", "levelno": logging.WARNING, "levelname": "WARNING",
         "msg": "GET /webhooks/widget/socket.io/?route=abc&token=s3cret refused"}
    )  # fmt: skip
    assert "s3cret" not in formatter.format(url)
    rasa_info = logging.makeLogRecord(
        {"name": "root", "levelno": logging.INFO, "levelname": "INFO",
         "msg": "Starting Rasa server on %s", "args": ("http://127.0.0.1:5005",)}
    )  # fmt: skip
    assert json.loads(formatter.format(rasa_info))["event"].startswith("Starting Rasa server")


def test_console_handlers_turn_json_and_others_are_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    console = logging.StreamHandler(io.StringIO())
    monkeypatch.setattr("sys.stderr", console.stream)
    captured = logging.StreamHandler(io.StringIO())  # a test's capture, say
    sanic = logging.getLogger("sanic.error")
    for handler in (console, captured):
        sanic.addHandler(handler)
    try:
        logs.json_console()
        assert isinstance(console.formatter, logs.JsonFormatter)
        assert not isinstance(captured.formatter, logs.JsonFormatter)
        sanic.error("worker stopped")
        assert json.loads(console.stream.getvalue())["logger"] == "sanic.error"
    finally:
        for handler in (console, captured):
            sanic.removeHandler(handler)
        logging.captureWarnings(False)


# --- the load balancer ------------------------------------------------------------


def test_the_safety_answers_are_current_with_the_guidance() -> None:
    files = haproxy_errors.render(knowledge())
    assert haproxy_errors.stale(haproxy_errors.FOLDER, files) == [], (
        "run `golden-hour haproxy-errors` and commit deploy/haproxy-errors/"
    )


def test_each_safety_answer_carries_the_emergency_contacts_in_its_channels_format() -> None:
    files = haproxy_errors.render(knowledge())
    head, body = files["json-502.http"].split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 502 ")
    assert int(re.search(rb"Content-Length: (\d+)", head).group(1)) == len(body)
    [message] = json.loads(body)
    assert message["custom"] == {"kind": "safety"} and "999" in message["text"]
    sms_head, sms_body = files["sms-503.http"].split(b"\r\n\r\n", 1)
    assert sms_head.startswith(b"HTTP/1.1 200 ")  # Twilio reads TwiML from a 2xx only
    assert sms_body.startswith(b"<?xml") and b"<Message>" in sms_body and b"999" in sms_body
    page = files["page-504.http"].decode()
    assert 'lang="cy"' in page and "999" in page


def test_every_error_file_the_configuration_names_exists() -> None:
    named = re.findall(r"errorfile \d+ (\S+)", HAPROXY_CFG.read_text())
    assert len(named) == 9
    assert all((HAPROXY_CFG.parent / name).is_file() for name in named)


def test_haproxy_accepts_the_configuration() -> None:
    env = {
        **os.environ,
        "GOLDEN_HOUR_LB_BIND": "127.0.0.1:18080",
        "GOLDEN_HOUR_RASA_1": "127.0.0.1:15001",
        "GOLDEN_HOUR_RASA_2": "127.0.0.1:15002",
    }
    checked = subprocess.run(
        [topology.haproxy_binary(), "-c", "-f", str(HAPROXY_CFG)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_channel_has_a_routing_rule() -> None:
    cfg = HAPROXY_CFG.read_text()
    channels = re.findall(r"^bot\.channels\.(\w+)\.", (ROOT / "credentials.yml").read_text(), re.M)
    routed = set(re.findall(r"path_beg /webhooks/(\w+)/", cfg)) | {"widget"}
    assert set(channels) <= routed, set(channels) - routed


def test_the_start_command_names_what_is_missing() -> None:
    assert topology.missing({}) == list(topology.REQUIRED)
    full = dict.fromkeys(topology.REQUIRED, "x") | {"GOLDEN_HOUR_TRACKER_PASSWORD": ""}
    assert topology.missing(full) == []


def test_the_start_command_refuses_to_start_without_its_databases(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in topology.REQUIRED:
        monkeypatch.delenv(name, raising=False)
    assert topology.main([]) == 2
    err = capsys.readouterr().err
    assert all(name in err for name in topology.REQUIRED)


def test_supervision_carries_on_without_one_rasa_server_but_not_without_all(
    tmp_path: Path,
) -> None:
    running = topology.Topology(tmp_path, Path("model"), {})
    running.procs = {
        "rasa1": subprocess.Popen(["true"]),
        "rasa2": subprocess.Popen(["sleep", "1.5"]),
        "actions": subprocess.Popen(["sleep", "60"]),
    }
    try:
        assert topology._supervise(running) == 1
        assert set(running.procs) == {"actions"}  # it went on after rasa1 stopped
    finally:
        running.stop()
    assert running.procs == {}
