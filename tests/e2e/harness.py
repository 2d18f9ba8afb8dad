"""Starts the real action server and Rasa server on free loopback ports, talks to
them over HTTP, and stops them. Used by the end-to-end tests."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet

from bench.conversation import HIGH

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def current_model() -> Path:
    model = os.environ.get("GOLDEN_HOUR_MODEL")
    if not model:
        current = ROOT / "models" / "CURRENT"
        if not current.exists():
            raise RuntimeError("No trained model: run scripts/test (or scripts/setup.sh) first")
        model = current.read_text().strip()
    return Path(model)


@dataclass
class Reply:
    status: int
    messages: list[dict]

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.messages)

    @property
    def buttons(self) -> list[dict]:
        return [b for m in self.messages for b in m.get("buttons", [])]


def http(
    method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout=60
) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


# The high-concern case of the conversation benchmark (bench/conversation.py),
# played end to end on every channel: signs in three categories, everything else "no".
HIGH_CONCERN_SIGNS = HIGH


def chosen_title(state: str, case: dict, seen: frozenset[str] = HIGH) -> str:
    """The button a professional who saw ``seen`` presses at a list of signs
    ("pick:<category>"; ``case``: the case slot): a sign of that category they saw
    and have not answered yet, or "None of these"."""
    from bot.runtime import knowledge

    kb = knowledge()
    category = state.removeprefix("pick:")
    answered = set(case.get("answers") or {})
    sign = next(
        (
            i
            for i in sorted(seen)
            if i in kb.indicators and kb.indicators[i].category == category and i not in answered
        ),
        None,
    )
    return kb.indicators[sign].label if sign else "None of these"


@dataclass
class Servers:
    workdir: Path
    auth_token: str | None = "e2e-token"
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    endpoints: str = "endpoints.yml"
    credentials: str = "credentials.yml"
    # The REST channel's bearer token (GOLDEN_HOUR_REST_TOKEN); sent with every
    # REST request when set, as a trusted integration would.
    rest_token: str | None = None
    # A throwaway key for notes and drafts at rest, as a deployment would set one.
    data_key: str = field(default_factory=lambda: Fernet.generate_key().decode())
    # The secret Rasa sends with every action call (bot/action_secret.py).
    action_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    _procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def rasa_log(self) -> Path:
        return self.workdir / "rasa.log"

    @property
    def action_log(self) -> Path:
        return self.workdir / "actions.log"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            RASA_TELEMETRY_ENABLED="false",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            TF_CPP_MIN_LOG_LEVEL="2",
            GOLDEN_HOUR_ACTION_URL=f"http://127.0.0.1:{self.action_port}/webhook",
            GOLDEN_HOUR_TRACKER_DB=str(self.workdir / "conversations.db"),
            GOLDEN_HOUR_DATABASE_URL=f"sqlite:///{self.workdir / 'golden_hour.db'}",
            GOLDEN_HOUR_DATA_KEYS=self.data_key,
            GOLDEN_HOUR_ACTION_SECRET=self.action_secret,
            GOLDEN_HOUR_LOG_LEVEL="INFO",
            LOG_LEVEL="INFO",  # Rasa's own level: the one production runs at
        )
        if self.rest_token:
            env["GOLDEN_HOUR_REST_TOKEN"] = self.rest_token
        env.update(self.extra_env)
        return env

    def rest_headers(self, content_type: str | None = None) -> dict[str, str]:
        headers = {"Content-Type": content_type} if content_type else {}
        if self.rest_token:
            headers["Authorization"] = f"Bearer {self.rest_token}"
        return headers

    def _spawn(self, name: str, args: list[str], log: Path) -> None:
        handle = log.open("ab")
        self._procs[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env(), stdout=handle, stderr=subprocess.STDOUT
        )

    def start_actions(self) -> None:
        self._spawn(
            "actions",
            [str(VENV_BIN / "python"), "-m", "bot.serve_actions", "--port", str(self.action_port)],
            self.action_log,
        )
        self._wait(f"http://127.0.0.1:{self.action_port}/health", "actions")

    def stop_actions(self) -> None:
        self._stop("actions")

    def start_rasa(self) -> None:
        args = [
            str(VENV_BIN / "rasa"), "run",
            "--model", str(current_model()),
            "--endpoints", self.endpoints,
            "--credentials", self.credentials,
            "--interface", "127.0.0.1",
            "--port", str(self.rasa_port),
        ]  # fmt: skip
        if self.auth_token:
            args += ["--enable-api", "--auth-token", self.auth_token]
        self._spawn("rasa", args, self.rasa_log)
        self._wait(f"{self.base}/webhooks/rest/", "rasa", timeout=180, headers=self.rest_headers())

    def stop_rasa(self) -> None:
        self._stop("rasa")

    def start(self) -> Servers:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.start_actions()
        self.start_rasa()
        return self

    def stop(self) -> None:
        for name in list(self._procs):
            self._stop(name)

    def _stop(self, name: str) -> None:
        proc = self._procs.pop(name, None)
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _wait(
        self, url: str, name: str, timeout: float = 60, headers: dict[str, str] | None = None
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self._procs[name]
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.workdir}")
            try:
                status, _ = http("GET", url, headers=headers, timeout=2)
            except OSError:
                status = None  # not listening yet
            if status == 200:
                return
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not come up within {timeout} s; see {self.workdir}")

    # --- talking to it ---------------------------------------------------------

    def send(self, sender: str, message: str) -> Reply:
        return self.post_raw(json.dumps({"sender": sender, "message": message}).encode())

    def post_raw(self, body: bytes, content_type: str = "application/json") -> Reply:
        status, raw = http(
            "POST",
            f"{self.base}/webhooks/rest/webhook",
            body,
            self.rest_headers(content_type),
        )
        return Reply(status, json.loads(raw) if raw else [])

    def health(self) -> tuple[int, dict]:
        status, raw = http("GET", f"{self.base}/webhooks/rest/health", headers=self.rest_headers())
        return status, json.loads(raw)

    def tracker(self, sender: str) -> dict:
        status, raw = http(
            "GET", f"{self.base}/conversations/{sender}/tracker?token={self.auth_token}"
        )
        assert status == 200, raw
        return json.loads(raw)
