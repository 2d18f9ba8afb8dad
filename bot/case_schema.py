"""The shape of a stored case (bot/conversation.py's Case), declared once.

A case comes back from a Rasa slot, which a typed payload can forge, or from the
resume store, where it can predate a change: nothing in it is trusted. Unlike the
content files, a stored case is read leniently: each field that fails its check is
dropped and the case's own default stands, so a bad value never stops a
conversation. What depends on the guidance or on other fields (which question ids
exist, the history and the open question) is checked in ``Case.from_dict``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from pydantic import Extra, Field
from pydantic.main import validate_model

from bot import listen
from bot.i18n import LANGUAGES
from bot.knowledge.schema_kit import (
    ChildAge,
    Entry,
    Evidence,
    Flag,
    NationChoice,
    OneOf,
    Problem,
    RoleChoice,
    SettingChoice,
    Strict,
    Text,
    WholeNumber,
    kind_error,
)
from bot.triage.answers import VALUES

REF_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no look-alikes (0/O, 1/I/L)
REF_PATTERN = re.compile(rf"^GH[{REF_ALPHABET}]{{8}}$")
GUIDANCE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}\+[0-9a-f]{12}$")  # GuidanceVersion.label
SCENARIO_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")


class Lenient(Entry):
    """A stored mapping: unknown keys are ignored and a field that fails its
    check is left out."""

    class Config:
        extra = Extra.ignore

    @classmethod
    def present(cls, raw: Any) -> dict[str, Any]:
        """The fields given in ``raw`` that pass their checks."""
        if not isinstance(raw, dict):
            return {}
        values, _, _ = validate_model(cls, raw)
        # A null is no value: the default stands (none of them is null but a null one).
        return {k: v for k, v in values.items() if k in raw and v is not None}

    @classmethod
    def read(cls, raw: Any) -> dict[str, Any]:
        """Every field: as given when it passes its check, else its default."""
        given = cls.present(raw)
        return {k: given[k] if k in given else f.get_default() for k, f in cls.__fields__.items()}


class Matching(Text):
    pattern: ClassVar[re.Pattern[str]] = re.compile("")

    @classmethod
    def check(cls, value: Any) -> Any:
        if not cls.pattern.match(super().check(value)):
            raise Problem(text="'{key}' is not well formed")
        return value


class CaseRef(Matching):
    pattern = REF_PATTERN


class GuidanceLabel(Matching):
    pattern = GUIDANCE_PATTERN


class ScenarioId(Matching):
    pattern = SCENARIO_ID


class Nationality(Matching):
    pattern = listen.NATIONALITY_PATTERN


class Language(OneOf):
    allowed = LANGUAGES


class AnswerValue(OneOf):
    allowed = VALUES


# A further sign chosen in the same answer to a list of signs ("1 and 4"): the
# professional's answer, but not a question of its own against the budget.
LISTED = "list"


class ReaderMark(OneOf):
    """An answer the reader took from the professional's words, or a further sign
    chosen from a list in the same answer."""

    allowed = (listen.READER, LISTED)


class Moment(Text):
    """A date and time in ISO format."""

    @classmethod
    def check(cls, value: Any) -> Any:
        dt.datetime.fromisoformat(super().check(value))  # ValueError: not one
        return value


class Stage(WholeNumber):
    """How far into a scenario's vignette: 1 to 50."""

    @classmethod
    def check(cls, value: Any) -> Any:
        if not 1 <= super().check(value) <= 50:
            raise Problem(text="'{key}' should be between 1 and 50")
        return value


class StoredAnswer(Lenient):
    value: AnswerValue = Field(None)  # no value: no answer
    how: Evidence = Field(None)
    when: Text = Field(None)
    note: Text = Field(None)
    source: ReaderMark = Field(None)


class StoredSharing(Lenient):
    share_with: list[Text] = Field(None)
    child_told: Flag = Field(None)
    carer_told: Flag = Field(None)
    why_not: Text = Field(None)


class StoredTraining(Lenient):
    scenario: ScenarioId = Field(None)  # both needed, or no training state
    stage: Stage = Field(None)
    debriefed: Flag = Field(False)
    turns: WholeNumber = Field(1)
    advice_turn: WholeNumber = Field(None)


class Sharing(Strict):
    """The sharing answers given so far (only those that pass)."""

    @classmethod
    def check(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise kind_error(value, dict)
        return StoredSharing.present(value)


class Training(Strict):
    """A training case's state; anything malformed drops it."""

    @classmethod
    def check(cls, value: Any) -> Any:
        state = StoredTraining.read(value)
        if state["scenario"] is None or state["stage"] is None:
            raise Problem(text="'{key}' needs a scenario and a stage")
        return {**state, "debriefed": state["debriefed"] is True}


class StoredCase(Lenient):
    """A case as stored (Case.to_dict); see Case for what each field means."""

    ref: CaseRef = Field(None)
    language: Language = Field(None)
    role: RoleChoice = Field(None)
    nation: NationChoice = Field(None)
    setting: SettingChoice = Field(None)
    age: ChildAge = Field(None)
    nationality: Nationality = Field(None)
    office_hours: Flag = Field(None)
    advised: Flag = Field(None)
    told_redaction: Flag = Field(None)
    confirming_no: Flag = Field(None)
    carried_on: Flag = Field(None)
    age_unknown: Flag = Field(None)
    raised_at: Moment = Field(None)
    guidance: GuidanceLabel = Field(None)
    sharing: Sharing = Field(None)
    training: Training = Field(None)
    # Checked in Case.from_dict, against the guidance and each other.
    answers: dict[Any, Any] = Field(None)
    history: list[Any] = Field(None)
    heard: list[Any] = Field(None)
    inferred: list[Any] = Field(None)
    pending: Text = Field(None)


# The fields a Case takes as they are; the rest are checked in Case.from_dict.
PLAIN = tuple(
    f
    for f in StoredCase.__fields__
    if f not in ("answers", "history", "heard", "inferred", "pending")
)
