"""Start-up time, per-turn latency and resident memory of the real servers.

    .venv/bin/python -m bench.servers [--turns 50]

Starts the action server and the Rasa server on free loopback ports (as the
end-to-end tests do), plays the urgent path repeatedly over the REST channel and
prints the figures. Needs a trained model (scripts/run or scripts/test first).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from tests.e2e.harness import Servers


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        servers = Servers(workdir=Path(tmp), auth_token=None)
        started = time.monotonic()
        servers.start_actions()
        actions_up = time.monotonic()
        servers.start_rasa()
        rasa_up = time.monotonic()
        try:
            latencies = []
            for _ in range(args.turns // 2):
                sender = uuid.uuid4().hex
                for text in ("hello", "she's about to leave with the man who collected her"):
                    t0 = time.perf_counter()
                    reply = servers.send(sender, text)
                    latencies.append((time.perf_counter() - t0) * 1000)
                    assert reply.status == 200
            latencies.sort()
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            print(f"action server start-up: {actions_up - started:.1f} s")
            print(f"Rasa server start-up (model load): {rasa_up - actions_up:.1f} s")
            print(
                f"turns: {len(latencies)}  p50 {statistics.median(latencies):.0f} ms  "
                f"p95 {p95:.0f} ms  max {latencies[-1]:.0f} ms"
            )
            print(f"Rasa server RSS: {rss_mib(servers._procs['rasa'].pid):.0f} MiB")
            print(f"action server RSS: {rss_mib(servers._procs['actions'].pid):.0f} MiB")
        finally:
            servers.stop()


if __name__ == "__main__":
    main()
