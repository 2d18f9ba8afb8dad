"""The README's run command, as a person would use it: it starts both servers,
answers on the REST channel, refuses a second copy, keeps the HTTP API off without
a token, does not retrain an unchanged model, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.harness import ROOT, free_port, http

pytestmark = pytest.mark.e2e


def wait_for_line(proc: subprocess.Popen, needle: str, timeout: float) -> str:
    """Read the process's output until a line contains ``needle``."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            seen.append(line)
            if needle in line:
                return "".join(seen)
        elif proc.poll() is not None:
            break
        else:
            time.sleep(0.2)
    raise AssertionError(f"never saw {needle!r}; output was:\n{''.join(seen)[-4000:]}")


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_run_command_end_to_end(tmp_path: Path) -> None:
    rasa_port, action_port = free_port(), free_port()
    env = dict(os.environ)
    env.pop("RASA_AUTH_TOKEN", None)
    env.update(
        GOLDEN_HOUR_RASA_PORT=str(rasa_port),
        GOLDEN_HOUR_ACTION_PORT=str(action_port),
        GOLDEN_HOUR_ACTION_URL=f"http://127.0.0.1:{action_port}/webhook",
        GOLDEN_HOUR_TRACKER_DB=str(tmp_path / "conversations.db"),
    )
    proc = subprocess.Popen(
        [str(ROOT / "scripts" / "run")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        output = wait_for_line(proc, "Press Ctrl-C to stop", timeout=600)
        # scripts/test has just set up: nothing changed, so no training now.
        assert "Rasa model is up to date" in output
        assert f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook" in output
        assert f"Open it:     http://127.0.0.1:{rasa_port}/webhooks/widget/" in output

        status, body = http(
            "POST",
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json.dumps({"sender": "readme", "message": "hello"}).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 200
        assert "not an emergency service" in body.decode()

        # No token configured: Rasa's HTTP API is off.
        status, _ = http("GET", f"http://127.0.0.1:{rasa_port}/conversations/readme/tracker")
        assert status == 404

        second = subprocess.run(
            [str(ROOT / "scripts" / "run")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert "already running" in second.stdout

        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C
        assert proc.wait(timeout=60) == 130
        assert not port_open(rasa_port) and not port_open(action_port)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
