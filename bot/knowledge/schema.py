"""The shape of the guidance YAML (bot/knowledge/data/*.yml), declared once.

The loader (bot/knowledge/loader.py) checks each entry against these models and
keeps, as plain code, only the checks that relate entries to each other (a source
or contact that must exist, review dates, forbidden terms). ``python -m bot.schemas``
writes them out as JSON Schema for the reviewers' editors (schemas/guidance/).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, validator

from bot.knowledge.model import (
    CONCERN_LEVELS,
    MISSING_LEVELS,
    NATIONS,
    ROLES,
    SETTINGS,
    WHEN,
)
from bot.knowledge.schema_kit import (
    Date,
    Entry,
    Flag,
    Id,
    Problem,
    Refused,
    Strict,
    Text,
    TextOrNull,
    WholeNumber,
    kind_error,
    optional,
)

WHO = (
    "you",
    "your_safeguarding_lead",
    "childrens_social_care",
    "police",
    "social_care_and_police",
    "first_responder",
)
HOW_SOON = ("now", "today", "as_soon_as_possible", "when_planning")
BASES = ("source", "design decision")  # where an indicator's weight or flag comes from
FLOOR_CONDITIONS = ("min_indicators", "min_flagged", "min_controlling_adult", "max_age")
SHOWN_NATION_FIELDS = ("first_responders", "social_care", "draft_title", "guardian_question")
UNKNOWN_NATION = "unknown"  # nations.yml: the neutral wording, right in every nation

# The fixed vocabularies, as types (mypy reads them as text).
if TYPE_CHECKING:
    Role = str
    Nation = str
    When = str
    Who = str
    HowSoon = str
    Concern = str
    Missing = str
    Basis = str
    Setting = str
    Condition = str
else:
    Role = Literal[ROLES]
    Nation = Literal[NATIONS]
    When = Literal[WHEN]
    Who = Literal[WHO]
    HowSoon = Literal[HOW_SOON]
    Concern = Literal[CONCERN_LEVELS]
    Missing = Literal[MISSING_LEVELS]
    Basis = Literal[BASES]
    Setting = Literal[SETTINGS]
    Condition = Literal[FLOOR_CONDITIONS]


class Count(Strict):
    """A floor rule's condition: a whole number above 0."""

    json: ClassVar[dict[str, Any]] = {"type": "integer", "minimum": 1}

    @classmethod
    def check(cls, value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise Problem(text="condition '{key}' must be a whole number above 0")
        return value


class Shown(Strict):
    """A nation's words that are shown to users, so translated: ``{text: ...}``."""

    json: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
        "additionalProperties": False,
    }

    @classmethod
    def check(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise kind_error(value, dict)
        if not isinstance(value.get("text"), str) or set(value) != {"text"}:
            raise Problem(text="'{key}' should be {text: ...}")
        return value


class LeadNames(Strict):
    """Each sector's name for the safeguarding lead, one for every role (or null)."""

    json: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {r: {"type": ["string", "null"]} for r in ROLES},
        "required": list(ROLES),
        "additionalProperties": False,
    }

    @classmethod
    def check(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise kind_error(value, dict)
        named = all(isinstance(x, (str, type(None))) for x in value.values())
        if set(value) != set(ROLES) or not named:
            # Hard: a name that is not text cannot be checked for forbidden terms.
            raise Refused(text=f"'safeguarding_lead' needs a name for {list(ROLES)}")
        return value


class Phrase(Strict):
    """A pattern in the reader's language (bot/reader/phrases.py checks it)."""

    json: ClassVar[dict[str, Any]] = {"type": "string"}

    @classmethod
    def check(cls, value: Any) -> Any:
        return value


# --- sources.yml, contacts.yml ------------------------------------------------------


class SourceEntry(Entry):
    id: Text
    title: Text
    url: Text
    seen: Text


class SourcesFile(Entry):
    review_interval_days: WholeNumber = Field(180, description="positive; days between reviews")
    sources: list[SourceEntry]


class ContactEntry(Entry):
    id: Text
    name: Text
    purpose: Text
    phone: TextOrNull | None = Field(...)
    web: TextOrNull | None = Field(...)
    hours: TextOrNull | None = Field(...)
    email: Text = optional()
    accessible: Text = optional()
    local: Flag = optional()
    gaps: Text = optional()
    sources: list[Id]
    last_verified: Date
    verified_against: Text = Field(..., description="what was checked: a stored copy, or the page")


class ContactsFile(Entry):
    contacts: list[ContactEntry]


# --- immediate_actions.yml, pathway.yml ---------------------------------------------


class VariantEntry(Entry):
    """A nation's (and role's) own wording of an action or step."""

    nations: list[Nation]
    roles: list[Role] = optional()
    text: Text
    contacts: list[Id]
    sources: list[Id]


class ActionEntry(Entry):
    id: Text
    order: WholeNumber
    text: Text
    contacts: list[Id]
    sources: list[Id]
    last_reviewed: Date
    when: When = optional()
    # Which steps the short block keeps (lowest first); an entry without one is kept last.
    priority: WholeNumber = optional()
    if_categories: list[Id] = optional()
    if_indicators: list[Id] = optional()
    roles: list[Role] = optional()
    nations: list[Nation] = optional()
    variants: list[VariantEntry] = optional()

    @validator("priority")
    def _priority_from_one(cls, value: int) -> int:
        if value < 1:
            raise Problem(text=f"priority must be 1 or more, got {value}")
        return value


class ActionsFile(Entry):
    immediate_actions: list[ActionEntry]


class PathwayEntry(Entry):
    id: Text
    order: WholeNumber
    text: Text
    who: Who
    how_soon: HowSoon
    sources: list[Id]
    last_reviewed: Date
    contacts: list[Id] = optional()
    min_concern: Concern = optional()
    min_going_missing: Missing = optional()
    if_categories: list[Id] = optional()
    if_indicators: list[Id] = optional()
    if_age_in_doubt: Flag = optional()
    warning: Flag = optional()
    keeps_family_out: Flag = optional()
    roles: list[Role] = optional()
    nations: list[Nation] = optional()
    variants: list[VariantEntry] = optional()


class PathwayFile(Entry):
    steps: list[PathwayEntry]


# --- indicators.yml -----------------------------------------------------------------


class ScreeningEntry(Entry):
    question: Text
    why: Text
    sources: list[Id]


class CategoryEntry(Entry):
    id: Text
    title: Text
    screening: ScreeningEntry
    last_reviewed: Date


class IndicatorEntry(Entry):
    id: Text
    category: Id
    question: Text
    # A few words naming the sign, for the "which of these?" list after a screening
    # "yes": the question's meaning, nothing added.
    label: Text
    why: Text
    going_missing: Flag
    controlling_adult: Flag
    weight: WholeNumber
    weight_basis: Basis
    going_missing_basis: Basis
    sources: list[Id]
    note: Text = optional()
    last_reviewed: Date
    # Short patterns in the reader's pattern language (bot/reader/phrases.py) that
    # state this indicator in a professional's words; reviewed with the entry.
    phrases: list[Phrase] = optional()

    @validator("id")
    def _no_colon(cls, value: str) -> str:
        if ":" in value:
            raise Problem(text="ids may not contain ':'")
        return value

    @validator("weight")
    def _weight_range(cls, value: int) -> int:
        if not 1 <= value <= 3:
            raise Problem(text="'weight' should be 1, 2 or 3")
        return value


class IndicatorsFile(Entry):
    categories: list[CategoryEntry] = optional()
    indicators: list[IndicatorEntry]


# --- triage.yml ---------------------------------------------------------------------


class ConcernLevels(Entry):
    """The lowest score for each concern level (the loader words its own check)."""

    few: WholeNumber
    some: WholeNumber
    strong: WholeNumber


class GoingMissing(Entry):
    high_min_flagged: WholeNumber
    medium_min_concern: Concern

    @validator("high_min_flagged")
    def _above_zero(cls, value: int) -> int:
        if value <= 0:
            raise Problem(text="'high_min_flagged' must be a whole number above 0")
        return value


class About(Entry):
    meaning: Text
    basis: Text


class FloorRuleEntry(Entry):
    id: Text
    description: Text
    condition: dict[Condition, Count]
    concern_at_least: Concern = optional()
    going_missing_at_least: Missing = optional()
    sources: list[Id]
    basis: Text


class Questions(Entry):
    unskippable: list[Id]
    category_order: list[Id]
    setting_first: dict[Setting, list[Id]]


class TriageFile(Entry):
    concern_levels: ConcernLevels
    going_missing: GoingMissing
    floor_rules: list[FloorRuleEntry]
    age_in_doubt_sources: list[Id]
    questions: Questions
    about: dict[str, About]


# --- nations.yml --------------------------------------------------------------------


class NationEntry(Entry):
    referral_route: Text
    out_of_hours: Text
    first_responders: Shown
    social_care: Shown
    draft_title: Shown
    guardian_question: Shown
    safeguarding_lead: LeadNames
    forbidden_terms: list[Text]
    sources: list[Id]


class RoleTerms(Entry):
    forbidden_terms: list[Text]


class NationsFile(Entry):
    nations: dict[str, NationEntry] = Field(
        ..., description=f"exactly: {', '.join((*NATIONS, UNKNOWN_NATION))}"
    )
    roles: dict[Role, RoleTerms]


# The files and their schemas, for the export (bot/schemas.py).
FILES: dict[str, type[Entry]] = {
    "sources": SourcesFile,
    "contacts": ContactsFile,
    "immediate_actions": ActionsFile,
    "indicators": IndicatorsFile,
    "pathway": PathwayFile,
    "triage": TriageFile,
    "nations": NationsFile,
}
