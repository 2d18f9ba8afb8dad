"""Speed of the triage engine and of loading the guidance.

    .venv/bin/python -m bench.engine

Prints the time of one `next_question` + `assess` turn over whole conversations
(targets: well under 1 ms a turn) and of a strict load of the guidance (target:
under 200 ms).
"""

from __future__ import annotations

import statistics
import time

from bench.results import kept
from bot.knowledge import load_knowledge
from bot.triage import Answer, Context, assess, next_question


def conversation(kb, ctx, policy) -> list[float]:
    """Per-turn times (ms) for one conversation answered by ``policy``."""
    answers: dict[str, Answer] = {}
    times = []
    while True:
        t0 = time.perf_counter()
        q = next_question(kb, ctx, answers)
        assess(kb, ctx, answers)
        times.append((time.perf_counter() - t0) * 1000)
        if q is None:
            return times
        answers[q.id] = policy(q)


def main() -> None:
    loads = []
    for _ in range(20):
        t0 = time.perf_counter()
        kb = load_knowledge(strict_review=False)
        loads.append((time.perf_counter() - t0) * 1000)
    print(f"load guidance: median {statistics.median(loads):.1f} ms, max {max(loads):.1f} ms")

    ctx = Context(role="teacher", nation="england", setting="school", age=14)
    cases = {
        "all yes (every question)": lambda q: Answer("yes"),
        "all no (screens only)": lambda q: Answer("no"),
        "mixed": lambda q: Answer("not_sure" if hash(q.id) % 3 == 0 else "no"),
    }
    for name, policy in cases.items():
        per_turn: list[float] = []
        for _ in range(30):
            per_turn += conversation(kb, ctx, policy)
        per_turn.sort()
        p99 = per_turn[int(len(per_turn) * 0.99) - 1]
        print(
            f"{name}: {len(per_turn) // 30} turns; next_question+assess per turn "
            f"median {statistics.median(per_turn):.3f} ms, p99 {p99:.3f} ms"
        )


if __name__ == "__main__":
    with kept("engine"):
        main()
