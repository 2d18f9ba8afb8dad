"""What the engine is given: the context of the concern and the answers so far."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

YES, NO, NOT_SURE, SKIP = "yes", "no", "not_sure", "skip"
VALUES = (YES, NO, NOT_SURE, SKIP)
# Only "yes" is a concern. "Not sure" is an unknown: it never raises a level by
# itself and becomes a gap in the draft. It still opens a category at its screen
# (the unknown is worth a closer look), and "not sure" to the opening urgent question
# still counts as urgent: a professional must not wait to be certain (assess.py).
CONCERN_VALUES = frozenset({YES})
OPENING_VALUES = frozenset({YES, NOT_SURE})

# Evidence grading for a "yes": how it is known, and when.
HOW_KNOWN = ("observed", "disclosed", "reported", "suspected")
FACT_HOW = frozenset({"observed", "disclosed"})  # facts; the others are opinion or hearsay
WHEN_KNOWN = ("now", "within_6_months", "longer_ago")

URGENT = "urgent"  # the opening question: immediate danger or may go missing soon
# The open "anything else?" question after the categories the facts put in play:
# "yes" or "not sure" brings the screens of every other category.
MORE = "more"


def screen_id(category: str) -> str:
    return f"screen:{category}"


# After a screen's "yes": "which of these is it?", the category's signs as a list.
# The sign chosen is recorded under its own id; "none of these" or "not sure" is
# recorded under the pick's id, and no sign of that category is asked one by one.
PICK_PREFIX = "pick:"


def pick_id(category: str) -> str:
    return f"{PICK_PREFIX}{category}"


@dataclass(frozen=True)
class Answer:
    value: str
    how: str | None = None
    when: str | None = None
    note: str | None = None
    at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.value not in VALUES:
            raise ValueError(f"unknown answer {self.value!r}")
        if self.how is not None and self.how not in HOW_KNOWN:
            raise ValueError(f"unknown evidence source {self.how!r}")
        if self.when is not None and self.when not in WHEN_KNOWN:
            raise ValueError(f"unknown evidence time {self.when!r}")

    @property
    def is_concern(self) -> bool:
        """Counts towards a level: a "yes"."""
        return self.value in CONCERN_VALUES

    @property
    def is_unknown(self) -> bool:
        """A "not sure": a gap for the draft, never a concern by itself."""
        return self.value == NOT_SURE

    @property
    def opens(self) -> bool:
        """At a screening question: whether its category's questions follow."""
        return self.value in OPENING_VALUES


Answers = Mapping[str, Answer]


@dataclass(frozen=True)
class Context:
    role: str | None = None  # teacher | health | social_care | police | other
    nation: str | None = None  # england | wales | scotland | northern_ireland
    setting: str | None = None  # school | health | home_visit | police_contact | ...
    age: int | None = None  # the child's age or best estimate
    age_disputed: bool = False
    office_hours: bool | None = None  # None: not known, give both routes
    nationality: str | None = None  # the child's, as the professional gave it ("eritrean")
    concern_raised_at: dt.datetime | None = None

    @property
    def age_in_doubt(self) -> bool:
        return self.age is None or self.age_disputed

    @property
    def is_child(self) -> bool:
        """Treat as a child unless an undisputed age of 18 or over is known."""
        return self.age_in_doubt or (self.age is not None and self.age < 18)
