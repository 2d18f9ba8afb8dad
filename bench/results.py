"""Where the benchmarks keep their figures: each prints its report as before and
keeps a copy in ``results/<name>.txt`` (ignored by git). Figures change from run
to run, so they live there and in CI's output, never in a prose file."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results"


class _Both(io.TextIOBase):
    """Writes to the terminal and to a copy."""

    def __init__(self, *streams: io.TextIOBase) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


@contextmanager
def kept(name: str, folder: Path = RESULTS) -> Iterator[Path]:
    """Print as usual; when the block ends, keep what it printed in
    ``folder/<name>.txt`` (written only if the block finishes)."""
    path = folder / f"{name}.txt"
    copy = io.StringIO()
    with redirect_stdout(_Both(sys.stdout, copy)):  # type: ignore[arg-type]
        yield path
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(copy.getvalue(), encoding="utf-8")
    print(f"written: {path.relative_to(folder.parent)}")
