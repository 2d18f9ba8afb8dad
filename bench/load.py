"""Turns per second and latency with typed text, one conversation and many at
once, with plain Rasa as the yardstick.

    .venv/bin/python -m bench.load [--conversations 20] [--turns 10] [--haproxy]

Drives conversations of K turns through the REST channel with typed text as a
professional writes it (a first message that tells the story, answers in words;
never a button payload, which would skip the language pipeline) and prints turns
per second and p50 / p95 latency, alone and N at once, for:

1. a reference bot made by `rasa init --no-prompt` in a temporary folder (same
   Rasa, its own model and no action server);
2. the embedded default (one Rasa server, one action server, SQLite);
then the p95 ratios to the reference (targets: at most 1.3 alone, 1.5 at N).

With --haproxy, then the production topology (bot/ops/topology.py: HAProxy, two
Rasa servers, one action server, PostgreSQL and Redis): N conversations against
one of its Rasa servers directly, then through HAProxy to both, with each Rasa
server's start-up to ready and resident memory.

Needs a trained model (scripts/run or scripts/test first).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.servers import rss_mib
from tests.e2e.harness import VENV_BIN, Servers, free_port, http
from tests.postgres import start_postgres
from tests.production import start_topology
from tests.redis_server import start_redis

# Typed text as professionals write it (never a button payload, which would skip
# the language pipeline): a first message that tells the story, then answers in
# words, whatever the question.
OURS = [
    "Hi, I'm a teacher at a secondary school in Leeds. A 15 year old girl in my form "
    "has been picked up by an older man in a car most days this month and she seems "
    "scared to talk about him.",
    "no, not right now",
    "no",
    "yes, I have seen that myself",
    "not sure to be honest",
    "no, nothing like that",
    "why are you asking that?",
    "no",
    "can I have the draft please",
    "no",
]
REFERENCE = ["hello", "I am sad", "no", "yes", "great", "bye", "hi", "not good", "yes", "bye"]


def drive(
    urls: list[str], script: list[str], conversations: int, token: str | None = None
) -> tuple[float, list[float]]:
    """(turns per second, every turn's latency in ms)."""
    run = uuid.uuid4().hex[:6]
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def converse(i: int) -> list[float]:
        url = urls[i % len(urls)]  # sticky: one conversation, one server
        times = []
        for message in script:
            body = json.dumps({"sender": f"load-{run}-{i}", "message": message})
            start = time.perf_counter()
            status, _ = http("POST", url, body.encode(), headers)
            times.append((time.perf_counter() - start) * 1000)
            assert status == 200, status
        return times

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        latencies = [t for ts in pool.map(converse, range(conversations)) for t in ts]
    return len(latencies) / (time.perf_counter() - started), latencies


def summary(name: str, rate: float, latencies: list[float]) -> float:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"{name:34} {rate:6.1f} turns/s   p50 {statistics.median(ordered):6.0f} ms"
        f"   p95 {p95:6.0f} ms"
    )
    return p95


def reference_bot(folder: Path) -> tuple[subprocess.Popen, str]:
    folder.mkdir(parents=True)
    subprocess.run(
        [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
        check=True,
        capture_output=True,
        cwd=folder,
    )
    port = free_port()
    proc = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--port", str(port), "--interface", "127.0.0.1"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if http("GET", f"http://127.0.0.1:{port}/", timeout=2)[0] == 200:
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the reference bot did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument(
        "--haproxy", action="store_true", help="also the production topology behind HAProxy"
    )
    args = parser.parse_args()
    n, k = args.conversations, args.turns
    print(f"typed text: 1 and {n} concurrent conversations x {k} turns, HTTP on loopback")
    p95 = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ref, ref_url = reference_bot(root / "reference")
        try:
            drive([ref_url], REFERENCE[:k], 2)  # warm-up
            p95["reference 1"] = summary(
                "reference bot (rasa init), 1", *drive([ref_url], REFERENCE[:k], 1)
            )
            p95["reference"] = summary(
                f"reference bot (rasa init), {n}", *drive([ref_url], REFERENCE[:k], n)
            )
        finally:
            ref.terminate()
            ref.wait()

        embedded = Servers(root / "embedded", auth_token=None).start()
        try:
            url = f"{embedded.base}/webhooks/rest/webhook"
            drive([url], OURS[:k], 2)
            p95["embedded 1"] = summary("Golden Hour, embedded, 1", *drive([url], OURS[:k], 1))
            p95["embedded"] = summary(f"Golden Hour, embedded, {n}", *drive([url], OURS[:k], n))
        finally:
            embedded.stop()
        print(
            f"p95 ratio, one conversation: {p95['embedded 1'] / p95['reference 1']:.2f} "
            "(target <= 1.3)"
        )
        print(
            f"p95 ratio, {n} conversations: {p95['embedded'] / p95['reference']:.2f} "
            "(target <= 1.5)"
        )
        if args.haproxy:
            behind_haproxy(root / "production", OURS[:k], n)


def behind_haproxy(workdir: Path, script: list[str], n: int) -> None:
    """One Rasa server of the production topology, then HAProxy in front of two."""
    pg, redis = start_postgres(), start_redis()
    topology = None
    try:
        topology = start_topology(workdir, pg, redis)
        token = topology.env["GOLDEN_HOUR_REST_TOKEN"]
        for name, seconds in topology.ready_after.items():
            print(f"{name}: start-up to ready {seconds:.1f} s (servers started side by side)")
        one = f"{topology.rasa(0)}/webhooks/rest/webhook"
        lb = f"{topology.lb}/webhooks/rest/webhook"
        drive([one], script, 2, token)
        drive([lb], script, 4, token)  # warm both servers
        p95_one = summary("production, 1 Rasa server", *drive([one], script, n, token))
        p95_two = summary("production, HAProxy + 2 servers", *drive([lb], script, n, token))
        print(f"p95 two servers behind HAProxy / one server: {p95_two / p95_one:.2f}")
        for name, proc in topology.procs.items():
            print(f"{name} resident memory: {rss_mib(proc.pid):.0f} MiB")
    finally:
        if topology is not None:
            topology.stop()
        redis.stop()
        pg.stop()


if __name__ == "__main__":
    main()
