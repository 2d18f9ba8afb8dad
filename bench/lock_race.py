"""Does Rasa 3.6's Redis lock store keep a conversation whole when two of its
messages reach two different Rasa servers at the same moment?

    .venv/bin/python -m bench.lock_race [--tries 20]

Starts throwaway PostgreSQL and Redis servers (Debian's packages, as the tests
do), one action server and two Rasa servers on deploy/endpoints.production.yml,
then for each try opens a conversation and sends two messages at once: first to
both servers, then both to the same server. Prints how many tries lost a turn in
each case: the reason deploy/haproxy.cfg keeps each conversation on one server
(docs/production.md).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import uuid
from pathlib import Path

from tests.e2e.harness import Servers
from tests.postgres import start_postgres
from tests.production import ENDPOINTS, production_env, second_rasa
from tests.redis_server import start_redis


def lost_turns(a: Servers, b: Servers, tries: int) -> int:
    lost = 0
    for _ in range(tries):
        sender = f"race-{uuid.uuid4().hex[:8]}"
        a.send(sender, "hello")
        a.send(sender, "/deny")
        go = threading.Barrier(2)

        def send(
            server: Servers, message: str, sender: str = sender, go: threading.Barrier = go
        ) -> None:
            go.wait()
            server.send(sender, message)

        threads = [
            threading.Thread(target=send, args=(a, '/inform{"choice": "role.police"}')),
            threading.Thread(target=send, args=(b, "/why")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        users = [e for e in a.tracker(sender)["events"] if e["event"] == "user"]
        lost += len(users) != 4
    return lost


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=20)
    args = parser.parse_args()
    pg, redis = start_postgres(), start_redis()
    env = production_env(pg, redis)
    a = Servers(Path(tempfile.mkdtemp()), endpoints=ENDPOINTS, extra_env=env).start()
    b = second_rasa(a, Path(tempfile.mkdtemp()))
    try:
        print(f"two servers at once: {lost_turns(a, b, args.tries)} of {args.tries} lost a turn")
        print(f"same server at once: {lost_turns(a, a, args.tries)} of {args.tries} lost a turn")
    finally:
        b.stop()
        a.stop()
        redis.stop()
        pg.stop()


if __name__ == "__main__":
    main()
