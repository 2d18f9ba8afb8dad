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
    verified_against: str = ""  # what was checked on that date
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
class Variant:
    """Nation- (and role-) specific wording of an action or step. The entry's own
    text is the neutral wording, shown where no variant matches (for example when
    the nation is not known yet): it must be right in every nation."""

    nations: tuple[str, ...]
    text: str
    contacts: tuple[str, ...]
    sources: tuple[str, ...]
    roles: tuple[str, ...] = ()

    def matches(self, role: str | None, nation: str | None) -> bool:
        return nation in self.nations and (not self.roles or role in self.roles)


def _pick(variants: tuple[Variant, ...], role: str | None, nation: str | None) -> Variant | None:
    return next((v for v in variants if v.matches(role, nation)), None)


@dataclass(frozen=True)
class NationTerms:
    """One nation's names for the routes, from nations.yml: what the advice and the
    draft must say there, and the terms that must never be shown there."""

    id: str
    referral_route: str  # the words that name the child protection referral route
    out_of_hours: str  # the words that name the out-of-hours route
    first_responders: str  # who makes the NRM referral for a child
    social_care: str  # "who" in the draft's checklist
    draft_title: str
    guardian_question: str
    safeguarding_lead: dict[str, str | None]  # role -> that sector's name for the lead
    forbidden: tuple[str, ...]  # terms that are wrong in this nation
    sources: tuple[str, ...]


@dataclass(frozen=True)
class GuidanceVersion:
    """Which guidance a case or draft was made with: a hash of the data files'
    content and the latest review date in them."""

    content_hash: str
    reviewed: dt.date

    @property
    def label(self) -> str:
        return f"{self.reviewed.isoformat()}+{self.content_hash}"


class Worded:
    """An entry with a neutral wording and variants for named nations and roles
    (immediate actions and pathway steps)."""

    text: str
    contacts: tuple[str, ...]
    variants: tuple[Variant, ...]

    def wording(self, role: str | None, nation: str | None) -> tuple[str, tuple[str, ...]]:
        """The text and contacts for this role and nation: the first matching
        variant, else the neutral wording."""
        v = _pick(self.variants, role, nation)
        return (v.text, v.contacts) if v else (self.text, self.contacts)

    def texts(self) -> tuple[str, ...]:
        """Every wording (neutral first), for reading back what was shown."""
        return (self.text, *(v.text for v in self.variants))


@dataclass(frozen=True)
class ImmediateAction(Worded):
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
    variants: tuple[Variant, ...] = ()
    # Which steps the short block keeps (at most five, bot/triage/steps.py): the
    # lowest numbers; shown in `order`. A reviewed choice, so it is data.
    priority: int = 99
    # A step for one kind of exploitation: shown only when one of these indicators,
    # or an indicator in one of these categories, is answered yes.
    if_categories: tuple[str, ...] = ()
    if_indicators: tuple[str, ...] = ()

    @property
    def kind_specific(self) -> bool:
        return bool(self.if_categories or self.if_indicators)

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
    label: str  # a few words naming the sign, for "which of these?"
    why: str
    going_missing: bool
    controlling_adult: bool
    weight: int
    sources: tuple[str, ...]
    last_reviewed: dt.date
    note: str | None = None
    weight_basis: str = "design decision"  # or "source"
    going_missing_basis: str = "design decision"
    # How a professional may state it in their own words: patterns for the reader
    # (bot/reader/phrases.py), reviewed with the entry.
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PathwayStep(Worded):
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
    # When this step applies the family must not be told (forced marriage,
    # exploitation by the family): the conversation does not ask whether a parent
    # or carer has been told, which would make telling them sound like the default.
    keeps_family_out: bool = False
    variants: tuple[Variant, ...] = ()


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
    basis: str = ""  # a source, or "design decision: ..."


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
    nations: dict[str, NationTerms] = field(default_factory=dict)
    # role -> terms never shown to that role ("call the police" to a police officer)
    role_forbidden: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # neutral wording when the nation is not known (nations.yml 'unknown')
    neutral: NationTerms | None = None
    version: GuidanceVersion | None = None

    def terms(self, nation: str | None) -> NationTerms | None:
        """The nation's terms, or the neutral ones when the nation is not known."""
        return self.nations.get(nation or "", self.neutral)

    def in_category(self, category: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.category == category]

    def contact(self, contact_id: str) -> Contact:
        return self.contacts[contact_id]


def placeholders(text: str) -> list[str]:
    """Names used as `{name}` in a text (the contacts it refers to)."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]
