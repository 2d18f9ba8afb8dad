"""Speed of the note redactor (bot/privacy/redact.py).

    .venv/bin/python -m bench.redact

Prints the first call (which builds the spaCy pipeline) and the median and p95 of
redacting a realistic 2,000-character note (target: well under 20 ms), and a
100 kB note.
"""

from __future__ import annotations

import statistics
import time

from bench.results import kept
from bot.privacy.redact import redact

NOTE = (
    "Child: AB, 14, Year 9. DOB 03/04/2011. Lives with mum at 12 Acacia Road, Leeds LS1 4AP.\n"
    "Mum's mobile 07700 900123; school office 0113 496 0000.\n"
    "On 3 April she went missing for 2 days and came back with a new iPhone and £200.\n"
    "She said her boyfriend Tyler (about 19) picks her up near the station at 10:30.\n"
    "She mentioned an older man known as Big Dee. Her cousin Amir Khan was also seen.\n"
    "Email from Tyler: tyler.b@example.com\n"
)


def timed(text: str) -> float:
    start = time.perf_counter()
    redact(text)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    print(f"first call (builds the pipeline): {timed('warm up'):.0f} ms")
    note = (NOTE * 6)[:2000]
    runs = sorted(timed(note) for _ in range(300))
    p95 = runs[int(len(runs) * 0.95)]
    print(f"2,000-character note: median {statistics.median(runs):.1f} ms, p95 {p95:.1f} ms")
    big = NOTE * (100_000 // len(NOTE))
    print(f"{len(big):,}-character note: {timed(big):.0f} ms")


if __name__ == "__main__":
    with kept("redact"):
        main()
