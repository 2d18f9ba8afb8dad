"""What the reader took from a message: typed, frozen, no strings to parse back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Value = Literal["yes", "no"]


@dataclass(frozen=True)
class IndicatorFact:
    id: str  # the indicator's id in bot/knowledge/data/indicators.yml
    value: Value
    how: str | None  # observed | disclosed | reported | suspected (bot/choices.py EVIDENCE)
    words: str  # the span of the text that stated it, as typed


@dataclass(frozen=True)
class Reading:
    role: str | None = None
    nation: str | None = None
    setting: str | None = None
    age: int | None = None
    age_disputed: bool = False
    nationality: str | None = None
    out_of_hours: bool | None = None
    present_danger: bool = False
    indicators: tuple[IndicatorFact, ...] = ()
