"""The shape of a role-play scenario file (scenarios/*.yml), declared once.

The loader (bot/training/scenarios.py) checks each part against these models and
keeps, as plain code, what needs the guidance or the file (a fact's question id,
the actions and steps the outcome names, the id matching the file name, review
dates). ``python -m bot.schemas`` writes them out as schemas/scenario.schema.json.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import Field

from bot.knowledge.model import CONCERN_LEVELS, MISSING_LEVELS
from bot.knowledge.schema_kit import (
    ChildAge,
    Date,
    Entry,
    Flag,
    Id,
    NationChoice,
    OneOf,
    Problem,
    RoleChoice,
    SettingChoice,
    ShareWith,
    Strict,
    Text,
    WholeNumber,
    WhyNot,
    kind_error,
    optional,
)
from bot.triage.answers import HOW_KNOWN

# What a fact's answer may say in YAML (an unquoted yes / no arrives as a bool).
ANSWER_WORDS = {"yes": "yes", "no": "no", "unsure": "not_sure", "not_sure": "not_sure"}
# The fields the runner compares (bot/training/debrief.py).
CHECK_FIELDS = (
    "going_missing",
    "concern",
    "advice_turn",
    "immediate_actions",
    "signposts",
    "next_steps",
    "indicators",
    "finished",
)
# How the messages call each YAML type.
KIND_NAMES: dict[type, str] = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
    dt.date: "a date (YYYY-MM-DD)",
}


class Day(Date):
    """A date without a time of day."""

    @classmethod
    def check(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            raise kind_error(value, dt.date)
        return super().check(value)


class Fictional(Flag):
    json: ClassVar[dict[str, Any]] = {"type": "boolean", "const": True}

    @classmethod
    def check(cls, value: Any) -> Any:
        if super().check(value) is not True:
            raise Problem(text="'fictional' must be true: scenarios are never a real child's story")
        return value


class MissingLevel(OneOf):
    allowed = MISSING_LEVELS


class ConcernLevel(OneOf):
    allowed = CONCERN_LEVELS


class CheckField(OneOf):
    allowed = CHECK_FIELDS


class AnswerWord(Strict):
    """A fact's answer: yes, no or unsure (the loader reads the word)."""

    kinds = (str, bool)
    json: ClassVar[dict[str, Any]] = {
        "anyOf": [{"type": "string", "enum": list(ANSWER_WORDS)}, {"type": "boolean"}]
    }


class HowKnown(Text):
    """How the professional knows (the loader checks the word, with its reason)."""

    json: ClassVar[dict[str, Any]] = {"type": "string", "enum": list(HOW_KNOWN)}


class Got(Strict):
    """What the assistant gives instead, in a known difference."""

    kinds = (str, int, bool, list)
    json: ClassVar[dict[str, Any]] = {"type": ["string", "integer", "boolean", "array", "null"]}


class AudienceEntry(Entry):
    role: RoleChoice
    nation: NationChoice
    setting: SettingChoice
    professional: Text = Field(..., description="who the learner plays, in words")


class StageEntry(Entry):
    title: Text
    text: Text
    reveals: list[Id] = optional()


class FactEntry(Entry):
    answer: AnswerWord
    how: HowKnown = optional()
    detail: Text = optional()


class Fact(Strict):
    """A fact: ``question: answer`` or ``question: {answer, how, detail}`` (the
    loader checks the mapping form against FactEntry)."""

    json: ClassVar[dict[str, Any]] = {
        "anyOf": [
            AnswerWord.json,
            {
                "type": "object",
                "properties": {
                    "answer": AnswerWord.json,
                    "how": HowKnown.json,
                    "detail": {"type": "string"},
                },
                "required": ["answer"],
                "additionalProperties": False,
            },
        ]
    }

    @classmethod
    def check(cls, value: Any) -> Any:
        return value


class OutcomeEntry(Entry):
    going_missing: MissingLevel
    concern: ConcernLevel
    immediate_actions: list[Id]
    advice_within_turns: WholeNumber | None = None
    signposts: list[Id]
    next_steps: list[Id]


class SharingEntry(Entry):
    share_with: ShareWith
    child_told: Flag
    carer_told: Flag
    why_not: WhyNot = optional()


class PointEntry(Entry):
    point: Text
    sources: list[Id]


class KnownEntry(Entry):
    field: CheckField
    got: Got | None = Field(...)
    note: Text


class ScenarioFile(Entry):
    id: Text = Field(..., description="the file name without .yml: a-z, 0-9 and '-'")
    title: Text
    fictional: Fictional
    last_reviewed: Day
    learning_objectives: list[Id]
    audience: AudienceEntry
    child_age: ChildAge = optional()
    vignette: list[StageEntry]
    facts: dict[Id, Fact] = Field(
        ..., description="'urgent', 'screen:<category>' or an indicator id: the answer"
    )
    model_outcome: OutcomeEntry
    sharing: SharingEntry = optional()
    debrief: list[PointEntry]
    known_differences: list[KnownEntry] = optional()
