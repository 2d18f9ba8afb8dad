"""Records for the reviewed guidance. Plain frozen dataclasses: the loader builds them,
everything else only reads them."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    seen: str


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    purpose: str
    phone: str | None
    web: str | None
    hours: str | None
    sources: tuple[str, ...]
    last_verified: dt.date
    email: str | None = None
    accessible: str | None = None
    local: bool = False
    gaps: str | None = None

    def how_to_reach(self) -> str:
        """The number if there is one, else the web address, else the name: what goes
        into a sentence such as "call ..."."""
        return self.phone or self.web or self.name


ROLES = ("teacher", "health", "social_care", "police", "other")
NATIONS = ("england", "wales", "scotland", "northern_ireland")
SETTINGS = ("school", "health", "home_visit", "police_contact", "port_or_border", "other")
CONCERN_LEVELS = ("few", "some", "strong")  # lowest first; never "no risk"
MISSING_LEVELS = ("low", "medium", "high", "immediate")  # lowest first
WHEN = ("any", "office_hours", "out_of_hours", "unknown_hours")


@dataclass(frozen=True)
class ImmediateAction:
    id: str
    order: int
    text: str
    contacts: tuple[str, ...]
    sources: tuple[str, ...]
    last_reviewed: dt.date
    # Who it is for; empty means everyone.
    roles: tuple[str, ...] = ()
    nations: tuple[str, ...] = ()
    when: str = "any"

    def applies(self, role: str | None, nation: str | None, office_hours: bool | None) -> bool:
        """For this role, nation and time of day. An unknown role or nation gets
        only the entries meant for everyone."""
        if self.roles and role not in self.roles:
            return False
        if self.nations and nation not in self.nations:
            return False
        if self.when == "any":
            return True
        if office_hours is None:
            return self.when == "unknown_hours"
        return self.when == ("office_hours" if office_hours else "out_of_hours")


@dataclass(frozen=True)
class Screening:
    question: str
    why: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    screening: Screening
    last_reviewed: dt.date


@dataclass(frozen=True)
class Indicator:
    id: str
    category: str
    question: str
    why: str
    going_missing: bool
    controlling_adult: bool
    weight: int
    sources: tuple[str, ...]
    last_reviewed: dt.date
    note: str | None = None


@dataclass(frozen=True)
class PathwayStep:
    """One item of the next-steps checklist."""

    id: str
    order: int
    text: str
    who: str
    how_soon: str
    sources: tuple[str, ...]
    last_reviewed: dt.date
    contacts: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    nations: tuple[str, ...] = ()
    min_concern: str = "few"
    min_going_missing: str = "low"
    # Only when an indicator in one of these categories, or one of these
    # indicators, was answered yes or not sure.
    if_categories: tuple[str, ...] = ()
    if_indicators: tuple[str, ...] = ()
    # Also when the child's age is disputed or unknown.
    if_age_in_doubt: bool = False
    # One of the warnings professionals most often miss.
    warning: bool = False


@dataclass(frozen=True)
class FloorRule:
    """A minimum level that holds whatever the score says. The condition keys are a
    small fixed vocabulary the engine understands (see bot/triage/assess.py)."""

    id: str
    description: str
    condition: dict[str, int]
    concern_at_least: str | None
    going_missing_at_least: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """Thresholds and weights for the assessment: data, not code."""

    concern_thresholds: dict[str, int]  # level -> minimum score
    missing_high_min_flagged: int
    missing_medium_min_concern: str
    floor_rules: tuple[FloorRule, ...]
    category_order: tuple[str, ...]
    setting_first: dict[str, tuple[str, ...]]
    unskippable: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    sources: dict[str, Source]
    contacts: dict[str, Contact]
    immediate_actions: tuple[ImmediateAction, ...]
    review_interval_days: int
    categories: dict[str, Category] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    pathway: tuple[PathwayStep, ...] = ()
    rules: Rules | None = None
    warnings: tuple[str, ...] = field(default=())

    def in_category(self, category: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.category == category]

    def contact(self, contact_id: str) -> Contact:
        return self.contacts[contact_id]


def placeholders(text: str) -> list[str]:
    """Names used as `{name}` in a text (the contacts it refers to)."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]
