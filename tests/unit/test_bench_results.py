"""The benchmarks keep their figures in results/ (bench/results.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.results import kept


def test_what_a_benchmark_prints_is_shown_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with kept("engine", folder=tmp_path / "results") as path:
        print("median 2.6 ms")
        print("p99 9.0 ms")
    assert path.read_text(encoding="utf-8") == "median 2.6 ms\np99 9.0 ms\n"
    shown = capsys.readouterr().out
    assert (
        shown.startswith("median 2.6 ms\np99 9.0 ms\n") and "written: results/engine.txt" in shown
    )


def test_a_benchmark_that_fails_leaves_no_figures_behind(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), kept("reader-dev", folder=tmp_path):
        print("half a report")
        raise RuntimeError("the set could not be read")
    assert not (tmp_path / "reader-dev.txt").exists()
