"""Strict loading of the guidance YAML.

A file that breaks the schema stops the assistant from starting: every problem is
reported as ``file: entry: what is wrong`` so a content reviewer can fix it without
reading code. Review-date lapses are warnings unless ``strict_review`` is set
(CI sets it through GOLDEN_HOUR_STRICT_REVIEW=1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import Contact, ImmediateAction, Knowledge, Source, placeholders

DATA_DIR = Path(__file__).parent / "data"


class KnowledgeError(Exception):
    """The guidance files are broken; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Guidance files are invalid:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = True
    nullable: bool = False


def _str(required: bool = True, nullable: bool = False) -> Field:
    return Field(str, required, nullable)


_LIST = Field(list)
_DATE = Field(dt.date)

SOURCE_FIELDS = {"id": _str(), "title": _str(), "url": _str(), "seen": _str()}
CONTACT_FIELDS = {
    "id": _str(),
    "name": _str(),
    "purpose": _str(),
    "phone": _str(nullable=True),
    "web": _str(nullable=True),
    "hours": _str(nullable=True),
    "email": _str(required=False),
    "accessible": _str(required=False),
    "local": Field(bool, required=False),
    "gaps": _str(required=False),
    "sources": _LIST,
    "last_verified": _DATE,
}
ACTION_FIELDS = {
    "id": _str(),
    "order": Field(int),
    "text": _str(),
    "contacts": _LIST,
    "sources": _LIST,
    "last_reviewed": _DATE,
}


class _Checker:
    """Collects problems while reading; one instance per load."""

    def __init__(self, today: dt.date, interval_days: int) -> None:
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.today = today
        self.interval = dt.timedelta(days=interval_days)

    def entry(self, where: str, entry: Any, fields: dict[str, Field]) -> bool:
        if not isinstance(entry, dict):
            self.problems.append(f"{where}: expected a mapping, got {type(entry).__name__}")
            return False
        ok = True
        for key in entry:
            if key not in fields:
                self.problems.append(f"{where}: unknown key '{key}'")
                ok = False
        for key, spec in fields.items():
            if key not in entry:
                if spec.required:
                    self.problems.append(f"{where}: missing key '{key}'")
                    ok = False
                continue
            value = entry[key]
            if value is None:
                if not spec.nullable:
                    self.problems.append(f"{where}: '{key}' must not be empty")
                    ok = False
            elif not isinstance(value, spec.kind) or (spec.kind is int and isinstance(value, bool)):
                expected, got = _kind_name(spec.kind), type(value).__name__
                self.problems.append(f"{where}: '{key}' should be {expected}, got {got}")
                ok = False
        return ok

    def unique(self, where: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for entry_id in ids:
            if entry_id in seen:
                self.problems.append(f"{where}: entry '{entry_id}': duplicate id")
            seen.add(entry_id)

    def cited(self, where: str, cited: list[Any], known: dict[str, Source]) -> None:
        if not cited:
            self.problems.append(f"{where}: no source given (every entry needs at least one)")
        for tag in cited:
            if tag not in known:
                self.problems.append(f"{where}: unknown source '{tag}' (not in sources.yml)")

    def reviewed(self, where: str, when: dt.date) -> None:
        if when > self.today:
            self.problems.append(f"{where}: review date {when} is in the future")
        elif when + self.interval < self.today:
            self.warnings.append(
                f"{where}: review overdue (last reviewed {when}, due every "
                f"{self.interval.days} days)"
            )


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a whole number", list: "a list", dt.date: "a date (YYYY-MM-DD)"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _read(path: Path, key: str, problems: list[str]) -> tuple[dict[str, Any], list[Any]]:
    name = path.name
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{name}: file not found")
        return {}, []
    except yaml.YAMLError as exc:
        problems.append(f"{name}: not valid YAML ({exc})")
        return {}, []
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        problems.append(f"{name}: expected a top-level list under '{key}'")
        return {}, []
    return doc, doc[key]


def _build(
    checker: _Checker,
    file: str,
    entries: list[Any],
    fields: dict[str, Field],
    make: Callable[[dict[str, Any]], Any],
) -> list[Any]:
    built = []
    for index, raw in enumerate(entries):
        label = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        if checker.entry(f"{file}: entry '{label}'", raw, fields):
            built.append(make(raw))
    checker.unique(file, [b.id for b in built])
    return built


def load_knowledge(
    data_dir: Path | None = None,
    *,
    today: dt.date | None = None,
    strict_review: bool = False,
) -> Knowledge:
    """Read, check and return the guidance; raise KnowledgeError naming every problem."""
    data_dir = data_dir or DATA_DIR
    problems: list[str] = []
    src_doc, src_entries = _read(data_dir / "sources.yml", "sources", problems)
    interval = src_doc.get("review_interval_days", 180)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval <= 0:
        problems.append("sources.yml: 'review_interval_days' should be a positive whole number")
        interval = 180
    extra_top = set(src_doc) - {"sources", "review_interval_days"}
    problems.extend(f"sources.yml: unknown top-level key '{k}'" for k in sorted(extra_top))

    checker = _Checker(today or dt.date.today(), interval)
    checker.problems.extend(problems)

    sources = _build(checker, "sources.yml", src_entries, SOURCE_FIELDS, lambda r: Source(**r))
    source_map = {s.id: s for s in sources}

    _, contact_entries = _read(data_dir / "contacts.yml", "contacts", checker.problems)
    contacts = _build(
        checker,
        "contacts.yml",
        contact_entries,
        CONTACT_FIELDS,
        lambda r: Contact(**{**r, "sources": tuple(r["sources"])}),
    )
    for c in contacts:
        where = f"contacts.yml: entry '{c.id}'"
        checker.cited(where, list(c.sources), source_map)
        checker.reviewed(where, c.last_verified)
        if c.phone is None and c.web is None and not c.local:
            checker.problems.append(f"{where}: neither phone nor web given")
        if (c.phone is None or c.web is None or c.hours is None) and not c.gaps:
            checker.problems.append(f"{where}: a detail is empty but 'gaps' does not say why")
    contact_map = {c.id: c for c in contacts}

    _, action_entries = _read(
        data_dir / "immediate_actions.yml", "immediate_actions", checker.problems
    )
    actions = _build(
        checker,
        "immediate_actions.yml",
        action_entries,
        ACTION_FIELDS,
        lambda r: ImmediateAction(
            **{**r, "contacts": tuple(r["contacts"]), "sources": tuple(r["sources"])}
        ),
    )
    for a in actions:
        where = f"immediate_actions.yml: entry '{a.id}'"
        checker.cited(where, list(a.sources), source_map)
        checker.reviewed(where, a.last_reviewed)
        for ref in list(a.contacts) + placeholders(a.text):
            if ref not in contact_map:
                checker.problems.append(f"{where}: unknown contact '{ref}'")
        for ref in placeholders(a.text):
            if ref not in a.contacts:
                checker.problems.append(f"{where}: text uses '{{{ref}}}' but 'contacts' omits it")
            elif ref in contact_map and contact_map[ref].local:
                checker.problems.append(
                    f"{where}: '{{{ref}}}' is a local contact; list it under 'contacts' only"
                )

    if strict_review:
        checker.problems.extend(checker.warnings)
    if checker.problems:
        raise KnowledgeError(checker.problems)
    return Knowledge(
        sources=source_map,
        contacts=contact_map,
        immediate_actions=tuple(sorted(actions, key=lambda a: a.order)),
        review_interval_days=interval,
        warnings=tuple(checker.warnings),
    )
