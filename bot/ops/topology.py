"""The production topology on one machine, from the files in deploy/: HAProxy
(deploy/haproxy.cfg) in front of two Rasa servers (deploy/endpoints.production.yml,
deploy/credentials.production.yml) and one action server, on the PostgreSQL and
Redis that the environment names. For an operator to try before spreading the
same files across machines; the end-to-end tests drive it too.

    golden-hour production [--lb-port 8080] [--host 127.0.0.1]

Ctrl-C stops everything. A Rasa server that stops is reported and the others go
on serving (HAProxy moves its conversations); the action server or HAProxy
stopping stops the whole topology.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HAPROXY_CONFIG = "deploy/haproxy.cfg"
ENDPOINTS = "deploy/endpoints.production.yml"
CREDENTIALS = "deploy/credentials.production.yml"
RASA_SERVERS = 2  # the server lines in deploy/haproxy.cfg
LOCK_LIFETIME_S = "10"
RETENTION_EVERY_HOURS = "24"

# What the production files read and nothing supplies on one machine.
REQUIRED = (
    "GOLDEN_HOUR_TRACKER_HOST",
    "GOLDEN_HOUR_TRACKER_PORT",
    "GOLDEN_HOUR_TRACKER_DB_NAME",
    "GOLDEN_HOUR_TRACKER_USER",
    "GOLDEN_HOUR_TRACKER_PASSWORD",
    "GOLDEN_HOUR_REDIS_HOST",
    "GOLDEN_HOUR_REDIS_PORT",
    "GOLDEN_HOUR_REDIS_PASSWORD",
    "GOLDEN_HOUR_DATABASE_URL",
    "GOLDEN_HOUR_ACTION_SECRET",
    "GOLDEN_HOUR_DATA_KEYS",
)


def missing(env: dict[str, str]) -> list[str]:
    """The required variables ``env`` does not set (an empty password is set)."""
    return [name for name in REQUIRED if name not in env]


def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _ports(n: int) -> list[int]:
    return [free_port() for _ in range(n)]


def http_status(url: str, timeout: float = 2) -> int | None:
    """The status a GET gets, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return None


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if found is None:
        raise RuntimeError("HAProxy is not installed (Debian: apt-get install haproxy)")
    return found


@dataclass
class Topology:
    """HAProxy, ``RASA_SERVERS`` Rasa servers and one action server, as child
    processes with their logs in ``workdir``."""

    workdir: Path
    model: Path
    env: dict[str, str]
    host: str = "127.0.0.1"
    lb_port: int = field(default_factory=free_port)
    rasa_ports: list[int] = field(
        default_factory=lambda: [free_port() for _ in range(RASA_SERVERS)]
    )
    action_port: int = field(default_factory=free_port)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    # Seconds from each process's start to its first ready answer.
    ready_after: dict[str, float] = field(default_factory=dict)
    _started_at: dict[str, float] = field(default_factory=dict)

    # --- addresses ---------------------------------------------------------------
    @property
    def lb(self) -> str:
        return f"http://{self.host}:{self.lb_port}"

    def rasa(self, i: int) -> str:
        return f"http://{self.host}:{self.rasa_ports[i]}"

    @property
    def actions(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    def process_env(self) -> dict[str, str]:
        env = {**os.environ, **self.env}
        env.update(
            RASA_TELEMETRY_ENABLED="false",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            TF_CPP_MIN_LOG_LEVEL="2",
        )
        # A conversation's lock ticket outlives a server that dies mid-turn by its
        # lifetime: Rasa's 60 s would make that conversation's next turn time out
        # (20 s). 10 s lets it through in time (bot/rasa_adapter/lock_store.py); a
        # turn still running after 10 s is a failing one anyway.
        env.setdefault("TICKET_LOCK_LIFETIME", LOCK_LIFETIME_S)
        # Behind HAProxy: the client's address is the last X-Forwarded-For entry.
        env.setdefault("SANIC_PROXIES_COUNT", "1")
        # Retention on a schedule, in the action server (bot/serve_actions.py).
        env.setdefault("GOLDEN_HOUR_RETENTION_EVERY_HOURS", RETENTION_EVERY_HOURS)
        env.update(
            GOLDEN_HOUR_ACTION_URL=f"{self.actions}/webhook",
            GOLDEN_HOUR_LB_BIND=f"{self.host}:{self.lb_port}",
        )
        for i, port in enumerate(self.rasa_ports, start=1):
            env[f"GOLDEN_HOUR_RASA_{i}"] = f"{self.host}:{port}"
        return env

    # --- processes ---------------------------------------------------------------
    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            args, cwd=ROOT, env=self.process_env(), stdout=log, stderr=subprocess.STDOUT
        )
        self.procs[name] = proc
        self._started_at[name] = time.monotonic()
        return proc

    def _wait(self, name: str, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs[name]
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.workdir}")
            if http_status(url) == 200:
                self.ready_after[name] = time.monotonic() - self._started_at[name]
                return
            time.sleep(0.5)
        raise RuntimeError(f"{name} was not ready within {timeout:.0f} s; see {self.workdir}")

    def start_actions(self) -> None:
        python = str(Path(sys.executable))
        self._spawn("actions", [python, "-m", "bot.serve_actions", "--host", self.host,
                                "--port", str(self.action_port)])  # fmt: skip
        self._wait("actions", f"{self.actions}/ready", 90)

    def start_rasa(self, i: int, wait: bool = True) -> None:
        rasa = str(Path(sys.executable).parent / "rasa")
        args = [
            rasa, "run", "--model", str(self.model),
            "--endpoints", ENDPOINTS, "--credentials", CREDENTIALS,
            "--interface", self.host, "--port", str(self.rasa_ports[i]),
        ]  # fmt: skip
        if token := self.env.get("RASA_AUTH_TOKEN") or os.environ.get("RASA_AUTH_TOKEN"):
            args += ["--enable-api", "--auth-token", token]
        self._spawn(f"rasa{i + 1}", args)
        if wait:
            self._wait(f"rasa{i + 1}", f"{self.rasa(i)}/ready", 240)

    def start_haproxy(self) -> None:
        self._spawn("haproxy", [haproxy_binary(), "-db", "-f", HAPROXY_CONFIG])
        self._wait("haproxy", f"{self.lb}/webhooks/widget/", 30)

    def start(self) -> Topology:
        self.start_actions()
        for i in range(len(self.rasa_ports)):
            self.start_rasa(i, wait=False)  # load the models side by side
        for i in range(len(self.rasa_ports)):
            self._wait(f"rasa{i + 1}", f"{self.rasa(i)}/ready", 240)
        self.start_haproxy()
        return self

    def kill_rasa(self, i: int) -> None:
        """Stop Rasa server ``i`` at once, as a crash would (SIGKILL)."""
        self.stop_process(f"rasa{i + 1}", signal.SIGKILL)

    def stop_process(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop(self) -> None:
        for name in ("haproxy", *[f"rasa{i + 1}" for i in range(len(self.rasa_ports))], "actions"):
            self.stop_process(name)


def _current_model() -> Path:
    pointer = ROOT / "models" / "CURRENT"
    if not pointer.exists():
        raise RuntimeError("No trained model: run scripts/setup.sh first")
    return Path(pointer.read_text().strip())


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="where every process listens")
    parser.add_argument("--lb-port", type=int, default=8080, help="HAProxy's port")
    parser.add_argument("--logs", type=Path, default=ROOT / ".run" / "production")
    args = parser.parse_args(argv)
    absent = missing(dict(os.environ))
    if absent:
        print("Set these first (README, 'Production'):\n  " + "\n  ".join(absent), file=sys.stderr)
        return 2
    topology = Topology(args.logs, _current_model(), {}, host=args.host, lb_port=args.lb_port)
    # SIGTERM stops everything, during start-up too: no server is left behind.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        haproxy_binary()
        print("Starting the action server and two Rasa servers (a minute or two)...")
        topology.start()
        print(f"Golden Hour is running behind HAProxy: {topology.lb}/webhooks/widget/")
        for i in range(len(topology.rasa_ports)):
            print(f"  Rasa server {i + 1}: {topology.rasa(i)}  (/ready, /metrics)")
        print(f"  Action server: {topology.actions}  (/ready, /metrics)")
        print(f"  Logs: {args.logs}. Press Ctrl-C to stop.")
        return _supervise(topology)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopping Golden Hour")
        return 0
    finally:
        topology.stop()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _supervise(topology: Topology) -> int:
    """Wait; a Rasa server that stops is reported and the others go on. Returns 1
    when the action server, HAProxy or the last Rasa server stops."""
    while True:
        time.sleep(1)
        for name, proc in list(topology.procs.items()):
            if proc.poll() is None:
                continue
            topology.procs.pop(name)
            print(f"{name} stopped (exit status {proc.returncode}).", file=sys.stderr)
            if not name.startswith("rasa") or not any(
                other.startswith("rasa") for other in topology.procs
            ):
                return 1


if __name__ == "__main__":
    sys.exit(main())
