"""How well the reader (bot/reader) takes facts from professionals' words.

    .venv/bin/python -m bench.reader [--file tests/data/reader_dev.yml]

Reads every message of a labelled development set (format: the header of
tests/data/reader_dev.yml) and prints:
- precision and recall per field (role, nation, setting, age, nationality,
  out_of_hours: a stated value is a claim, right when it equals the label;
  age_disputed and present_danger: on the value true);
- micro precision and recall over indicators, as (message, indicator id, value)
  triples, and the "how they know" accuracy on the matched triples whose label
  gives one;
- present-danger false alarms, and those among messages that speak of the past or
  of a danger resolved (a word such as "last year", "ago", "safe now", "came back");
- the targets of issue 18, and every miss and false positive (ids only: the
  message id, the field or indicator, never the text).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.results import kept
from bot.knowledge import load_knowledge
from bot.reader import Reading, read

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "tests" / "data" / "reader_dev.yml"
VALUE_FIELDS = ("role", "nation", "setting", "age", "nationality", "out_of_hours")
FLAG_FIELDS = ("age_disputed", "present_danger")
TARGETS = {
    "indicators precision": 0.9,
    "indicators recall": 0.8,
    "role": 0.95,
    "nation": 0.95,
    "age": 0.95,
    "present_danger recall": 1.0,
}
PAST_OR_RESOLVED = re.compile(
    r"\b(last (?:year|month|week|summer|term|time)|years? ago|months? ago|weeks? ago|used to|"
    r"previously|in the past|safe now|is safe|came back|come back|returned|been found|was found|"
    r"back home|history of)\b",
    re.I,
)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _norm(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def score_value(tally: Tally, mid: str, gold: Any, got: Any) -> None:
    """A stated value is a claim: right when it equals the label."""
    gold, got = _norm(gold), _norm(got)
    if got is not None and got == gold:
        tally.tp += 1
        return
    if got is not None:
        tally.fp += 1
        tally.false_positives.append(f"{mid} ({got!r}, label {gold!r})")
    if gold is not None:
        tally.fn += 1
        tally.misses.append(f"{mid} (label {gold!r}, read {got!r})")


def score_flag(tally: Tally, mid: str, gold: bool, got: bool) -> None:
    if got and gold:
        tally.tp += 1
    elif got:
        tally.fp += 1
        tally.false_positives.append(mid)
    elif gold:
        tally.fn += 1
        tally.misses.append(mid)


@dataclass
class Report:
    fields: dict[str, Tally]
    indicators: Tally
    how_right: int
    how_total: int
    danger_false_alarms: list[str]
    past_false_alarms: list[str]
    messages: int
    seconds: list[float] = field(default_factory=list)  # reading time per message


def gold_indicators(entry: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    out = {}
    for ident, label in (entry.get("indicators") or {}).items():
        if isinstance(label, dict):
            out[ident] = (str(label.get("value", "yes")), label.get("how"))
        else:
            out[ident] = (str(label), None)
    return out


def evaluate(entries: Iterable[dict[str, Any]], kb: Any) -> Report:
    fields = {name: Tally() for name in (*VALUE_FIELDS, *FLAG_FIELDS)}
    indicators = Tally()
    how_right = how_total = count = 0
    false_alarms: list[str] = []
    past_alarms: list[str] = []
    seconds: list[float] = []
    for entry in entries:
        count += 1
        mid = str(entry.get("id"))
        started = time.perf_counter()
        reading: Reading = read(str(entry.get("text", "")), kb)
        seconds.append(time.perf_counter() - started)
        for name in VALUE_FIELDS:
            score_value(fields[name], mid, entry.get(name), getattr(reading, name))
        for name in FLAG_FIELDS:
            score_flag(fields[name], mid, bool(entry.get(name)), getattr(reading, name))
        if reading.present_danger and not entry.get("present_danger"):
            false_alarms.append(mid)
            if PAST_OR_RESOLVED.search(str(entry.get("text", ""))):
                past_alarms.append(mid)
        gold = gold_indicators(entry)
        got = {f.id: f for f in reading.indicators}
        for ident, fact in got.items():
            if ident in gold and gold[ident][0] == fact.value:
                indicators.tp += 1
                if gold[ident][1] is not None:
                    how_total += 1
                    how_right += fact.how == gold[ident][1]
            else:
                indicators.fp += 1
                indicators.false_positives.append(f"{mid}:{ident}={fact.value}")
        for ident, (value, _) in gold.items():
            if ident not in got or got[ident].value != value:
                indicators.fn += 1
                indicators.misses.append(f"{mid}:{ident}={value}")
    return Report(
        fields, indicators, how_right, how_total, false_alarms, past_alarms, count, seconds
    )


def _speed(seconds: list[float]) -> str:
    """The first message pays for loading spaCy and the word lists; then per message."""
    if len(seconds) < 2:
        return "speed: too few messages to say"
    rest = sorted(seconds[1:])
    mean = sum(rest) / len(rest) * 1000
    p95 = rest[min(len(rest) - 1, int(len(rest) * 0.95))] * 1000
    return (
        f"speed: first message {seconds[0]:.1f} s (loading), then mean {mean:.1f} ms, "
        f"p95 {p95:.1f} ms, slowest {rest[-1] * 1000:.1f} ms per message"
    )


def _line(name: str, tally: Tally) -> str:
    return (
        f"{name:<16} precision {tally.precision:.2f}  recall {tally.recall:.2f}  "
        f"(tp {tally.tp}, fp {tally.fp}, fn {tally.fn})"
    )


def render(report: Report) -> str:
    lines = [f"messages: {report.messages}", ""]
    lines += [_line(name, tally) for name, tally in report.fields.items()]
    lines.append(_line("indicators", report.indicators))
    how = report.how_right / report.how_total if report.how_total else 1.0
    lines.append(f"how they know: {how:.2f} right on {report.how_total} matched with a label")
    lines.append(
        f"present danger false alarms: {len(report.danger_false_alarms)} "
        f"(on past/resolved messages: {len(report.past_false_alarms)}) "
        f"{' '.join(report.past_false_alarms)}"
    )
    lines.append(_speed(report.seconds))
    lines += ["", "targets:"]
    measured = {
        "indicators precision": report.indicators.precision,
        "indicators recall": report.indicators.recall,
        "role": min(report.fields["role"].precision, report.fields["role"].recall),
        "nation": min(report.fields["nation"].precision, report.fields["nation"].recall),
        "age": min(report.fields["age"].precision, report.fields["age"].recall),
        "present_danger recall": report.fields["present_danger"].recall,
    }
    for name, target in TARGETS.items():
        verdict = "met" if measured[name] >= target else "NOT met"
        lines.append(f"  {name:<24} {measured[name]:.2f} (target {target}) {verdict}")
    verdict = "met" if not report.past_false_alarms else "NOT met"
    lines.append(f"  {'no past-tense false alarm':<24} {len(report.past_false_alarms)} {verdict}")
    lines += ["", "misses and false positives:"]
    for name, tally in (*report.fields.items(), ("indicators", report.indicators)):
        if tally.misses:
            lines.append(f"  {name} missed: {', '.join(tally.misses)}")
        if tally.false_positives:
            lines.append(f"  {name} false: {', '.join(tally.false_positives)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"no development set at {args.file}", file=sys.stderr)
        return 2
    doc = yaml.safe_load(args.file.read_text(encoding="utf-8")) or {}
    report = evaluate(doc.get("messages") or [], load_knowledge())
    with kept(f"reader-{args.file.stem}"):
        print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
