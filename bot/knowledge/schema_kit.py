"""What the content schemas are made of, and how their errors read.

The guidance and the scenarios are YAML written by content reviewers, so the kinds
are strict: a value is exactly the type YAML gives for it or it is refused (no "1"
for 1, no ``true`` for 1, no "2026-01-01" in quotes for a date, no list of pairs
for a mapping). pydantic (v1) does the walking; :func:`issues` turns its errors back
into the loaders' sentences ("missing key 'x'", "'x' should be text, got int"),
which name a key relative to the entry being checked.

An issue is *hard* when the entry cannot be built from it (a missing key, a wrong
type, an unknown key) and *soft* when the entry is still well formed but a value is
wrong (a value outside a fixed list, a number out of range): the loaders build an
entry with only soft issues, so every other check still runs on it and every
problem is reported at once, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, Extra, ValidationError, validator
from pydantic.errors import PydanticTypeError, PydanticValueError
from pydantic.fields import SHAPE_DICT, SHAPE_LIST, SHAPE_MAPPING, ModelField
from pydantic.utils import lenient_issubclass

from bot import choices

Model = TypeVar("Model", bound="Entry")


class WrongKind(PydanticTypeError):
    code = "kind"
    msg_template = "should be {kinds}, got {got}"


class NotMapping(PydanticTypeError):
    code = "mapping"
    msg_template = "expected a mapping, got {got}"


class Problem(PydanticValueError):
    """A check with its own sentence; ``{key}`` in it stands for the key's name."""

    code = "problem"
    msg_template = "{text}"


class Refused(PydanticTypeError):
    """As Problem, but the entry cannot be built with it."""

    code = "problem"
    msg_template = "{text}"


SOFT = frozenset({"value_error.const", "value_error.problem"})


def kind_error(value: Any, *kinds: type) -> WrongKind:
    return WrongKind(kinds=kinds, got=type(value).__name__)


class Strict:
    """A value of exactly one of ``kinds`` (a bool is never a whole number)."""

    kinds: ClassVar[tuple[type, ...]] = ()
    json: ClassVar[dict[str, Any]] = {}

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], Any]]:
        yield cls.check

    @classmethod
    def check(cls, value: Any) -> Any:
        if isinstance(value, bool) and bool not in cls.kinds:
            raise kind_error(value, *cls.kinds)
        if not isinstance(value, cls.kinds):
            raise kind_error(value, *cls.kinds)
        return value

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(cls.json)


class Text(Strict):
    kinds = (str,)
    json: ClassVar[dict[str, Any]] = {"type": "string"}


class TextOrNull(Text):
    """Text, or empty (``null``) where the entry says why (declare it ``| None``)."""

    json: ClassVar[dict[str, Any]] = {"type": ["string", "null"]}


class WholeNumber(Strict):
    kinds = (int,)
    json: ClassVar[dict[str, Any]] = {"type": "integer"}


class Flag(Strict):
    kinds = (bool,)
    json: ClassVar[dict[str, Any]] = {"type": "boolean"}


class Date(Strict):
    """A YAML date (unquoted YYYY-MM-DD); a date and time is accepted too."""

    kinds = (dt.date,)
    json: ClassVar[dict[str, Any]] = {"type": "string", "format": "date"}


class Id(Strict):
    """An id that names something elsewhere: whatever it is, the check that it
    exists names it (so only the schema file says it is text)."""

    json: ClassVar[dict[str, Any]] = {"type": "string"}

    @classmethod
    def check(cls, value: Any) -> Any:
        return value


class ChildAge(WholeNumber):
    json: ClassVar[dict[str, Any]] = {"type": "integer", "minimum": 1, "maximum": 24}

    @classmethod
    def check(cls, value: Any) -> Any:
        if not 0 < super().check(value) < 25:
            raise Problem(text="'child_age' should be between 1 and 24")
        return value


class OneOf(Text):
    """Text from a fixed list: "'key' should be one of a, b, c"."""

    allowed: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def check(cls, value: Any) -> Any:
        if super().check(value) not in cls.allowed:
            raise Problem(text="'{key}' should be one of " + ", ".join(cls.allowed))
        return value

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="string", enum=list(cls.allowed))


class Choice(Text):
    """A stored value of one of bot/choices.py's groups (what a button sends)."""

    group: ClassVar[str] = ""
    list_them: ClassVar[bool] = False  # name the allowed values in the message

    @classmethod
    def values(cls) -> list[str]:
        return [o.value for o in choices.GROUPS[cls.group]]

    @classmethod
    def check(cls, value: Any) -> Any:
        if choices.by_value(cls.group, super().check(value)) is None:
            listed = f" (one of: {', '.join(cls.values())})" if cls.list_them else ""
            raise Problem(text=f"'{{key}}' has unknown value '{value}'{listed}")
        return value

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="string", enum=cls.values())


class Evidence(Choice):
    group = "evidence"


class RoleChoice(Choice):
    group, list_them = "role", True


class NationChoice(Choice):
    group, list_them = "nation", True


class SettingChoice(Choice):
    group, list_them = "setting", True


class ShareWith(Choice):
    group = "share_with"


class WhyNot(Choice):
    group = "why_not"


class Entry(BaseModel):
    # One mapping in a YAML file: no key beyond those declared. (No docstring: the
    # JSON Schema export would give it to every entry that has none of its own.)

    class Config:
        extra = Extra.forbid

    @classmethod
    def validate(cls: type[Model], value: Any) -> Model:
        if not isinstance(value, dict):
            raise NotMapping(got=type(value).__name__)
        return cls(**{str(k): v for k, v in value.items()})

    @validator("*", pre=True)
    def _exact_container(cls, value: Any, field: ModelField) -> Any:
        """pydantic would take a list of pairs as a mapping; YAML authors mean what
        they wrote."""
        if value is None:
            return value
        if field.shape in (SHAPE_DICT, SHAPE_MAPPING) and not isinstance(value, dict):
            raise kind_error(value, dict)
        if field.shape == SHAPE_LIST and not isinstance(value, list):
            raise kind_error(value, list)
        return value


def _absent() -> None:
    return None


def optional() -> Any:
    """An optional key that, when given, must not be empty (``key: null`` is a
    problem, as a missing required key is)."""
    from pydantic import Field

    return Field(default_factory=_absent)


@dataclass(frozen=True)
class Issue:
    loc: tuple[Any, ...]  # the key path inside the checked mapping
    text: str  # what is wrong, without the file and entry
    hard: bool


def _sub_entries(model: type[BaseModel]) -> set[str]:
    """Fields holding entries of their own (checked on their own, with their own
    name in the message)."""
    return {name for name, f in model.__fields__.items() if lenient_issubclass(f.type_, BaseModel)}


def issues(
    model: type[Entry], raw: Any, names: dict[type, str], *, every: bool = False
) -> list[Issue]:
    """What is wrong with ``raw`` as a ``model``, in the loaders' words; ``names``
    says how a type is called ("text", "a whole number"). Entries nested in it
    (a variant, a screening question) are left to their own check, except that
    they must be there and be mappings. When the entry cannot be built only the
    hard issues are given, unless ``every`` asks for all."""
    if not isinstance(raw, dict):
        return [Issue((), f"expected a mapping, got {type(raw).__name__}", True)]
    try:
        model.validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        return []
    nested = _sub_entries(model)
    keys = [str(k) for k in raw]
    found: list[tuple[tuple[int, int], Issue]] = []
    for n, error in enumerate(errors):
        loc = tuple(error["loc"])
        if len(loc) > 1 and loc[0] in nested and loc[1] != "__key__":
            continue
        issue = _describe(loc, error, names)
        # Unknown keys first, in the file's order, as an author reads the entry.
        rank = (0, keys.index(str(loc[0]))) if error["type"] == "value_error.extra" else (1, n)
        found.append((rank, issue))
    ordered = [issue for _, issue in sorted(found, key=lambda pair: pair[0])]
    # A wrong value is worth reading only in an entry that is otherwise well formed.
    hard = [issue for issue in ordered if issue.hard]
    return ordered if every else hard or ordered


def _describe(loc: tuple[Any, ...], error: Mapping[str, Any], names: dict[type, str]) -> Issue:
    kind, ctx = error["type"], error.get("ctx", {})
    key = str(loc[0]) if loc else ""
    items = [n for n in loc[1:] if isinstance(n, int)]
    what = f"'{key}' item {items[0] + 1}" if items else f"'{key}'"
    if kind == "value_error.extra":
        text = f"unknown key '{key}'"
    elif kind == "value_error.missing":
        text = f"missing key '{key}'"
    elif kind == "type_error.none.not_allowed":
        text = f"{what} must not be empty"
    elif kind == "type_error.mapping":
        text = f"{what} should be {names.get(dict, 'dict')}, got {ctx['got']}"
    elif kind == "type_error.kind":
        expected = " or ".join(names.get(k, k.__name__) for k in ctx["kinds"])
        text = f"{what} should be {expected}, got {ctx['got']}"
    elif kind == "value_error.const":
        text = f"'{key}' has unknown value '{ctx['given']}'"
    elif kind in ("value_error.problem", "type_error.problem"):
        text = str(ctx["text"]).replace("{key}", str(loc[-1]) if loc else "")
    else:  # a pydantic check this module does not word: its own message
        text = f"{what}: {error['msg']}"
    return Issue(loc, text, kind not in SOFT)
