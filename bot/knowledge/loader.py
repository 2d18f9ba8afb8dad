"""Strict loading of the guidance YAML.

A file that breaks the schema stops the assistant from starting: every problem is
reported as ``file: entry: what is wrong`` so a content reviewer can fix it without
reading code. Review-date lapses are warnings unless ``strict_review`` is set
(CI sets it through GOLDEN_HOUR_STRICT_REVIEW=1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import (
    CONCERN_LEVELS,
    MISSING_LEVELS,
    NATIONS,
    ROLES,
    SETTINGS,
    WHEN,
    Category,
    Contact,
    FloorRule,
    GuidanceVersion,
    ImmediateAction,
    Indicator,
    Knowledge,
    NationTerms,
    PathwayStep,
    Rules,
    Screening,
    Source,
    Variant,
    placeholders,
)

DATA_DIR = Path(__file__).parent / "data"
# libyaml's loader when PyYAML was built with it: several times faster at start-up.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


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
    "verified_against": _str(),  # what was checked: a stored copy, or the live page
}
_OPT_LIST = Field(list, required=False)
_FILTERS = {"roles": _OPT_LIST, "nations": _OPT_LIST, "variants": _OPT_LIST}
VARIANT_FIELDS = {
    "nations": _LIST,
    "roles": _OPT_LIST,
    "text": _str(),
    "contacts": _LIST,
    "sources": _LIST,
}
NATION_FIELDS = {
    "referral_route": _str(),
    "out_of_hours": _str(),
    "first_responders": Field(dict),  # {text: ...}: shown, so translated
    "social_care": Field(dict),
    "draft_title": Field(dict),
    "guardian_question": Field(dict),
    "safeguarding_lead": Field(dict),
    "forbidden_terms": _LIST,
    "sources": _LIST,
}
SHOWN_NATION_FIELDS = ("first_responders", "social_care", "draft_title", "guardian_question")
UNKNOWN_NATION = "unknown"  # nations.yml: the neutral wording, right in every nation
ACTION_FIELDS = {
    "id": _str(),
    "order": Field(int),
    "text": _str(),
    "contacts": _LIST,
    "sources": _LIST,
    "last_reviewed": _DATE,
    "when": _str(required=False),
    # Which steps the short block keeps (lowest first); an entry without one is kept last.
    "priority": Field(int, required=False),
    "if_categories": _OPT_LIST,
    "if_indicators": _OPT_LIST,
    **_FILTERS,
}
CATEGORY_FIELDS = {"id": _str(), "title": _str(), "screening": Field(dict), "last_reviewed": _DATE}
SCREENING_FIELDS = {"question": _str(), "why": _str(), "sources": _LIST}
INDICATOR_FIELDS = {
    "id": _str(),
    "category": _str(),
    "question": _str(),
    "why": _str(),
    "going_missing": Field(bool),
    "controlling_adult": Field(bool),
    "weight": Field(int),
    "weight_basis": _str(),
    "going_missing_basis": _str(),
    "sources": _LIST,
    "note": _str(required=False),
    "last_reviewed": _DATE,
    # Short patterns in the reader's pattern language (bot/reader/phrases.py) that
    # state this indicator in a professional's words; reviewed with the entry.
    "phrases": _OPT_LIST,
}
WHO = (
    "you",
    "your_safeguarding_lead",
    "childrens_social_care",
    "police",
    "social_care_and_police",
    "first_responder",
)
HOW_SOON = ("now", "today", "as_soon_as_possible", "when_planning")
PATHWAY_FIELDS = {
    "id": _str(),
    "order": Field(int),
    "text": _str(),
    "who": _str(),
    "how_soon": _str(),
    "sources": _LIST,
    "last_reviewed": _DATE,
    "contacts": _OPT_LIST,
    "min_concern": _str(required=False),
    "min_going_missing": _str(required=False),
    "if_categories": _OPT_LIST,
    "if_indicators": _OPT_LIST,
    "if_age_in_doubt": Field(bool, required=False),
    "warning": Field(bool, required=False),
    "keeps_family_out": Field(bool, required=False),
    **_FILTERS,
}
FLOOR_FIELDS = {
    "id": _str(),
    "description": _str(),
    "condition": Field(dict),
    "concern_at_least": _str(required=False),
    "going_missing_at_least": _str(required=False),
    "sources": _LIST,
    "basis": _str(),
}
BASES = ("source", "design decision")  # where an indicator's weight or flag comes from
THRESHOLDS = (
    "concern_levels.strong",
    "concern_levels.some",
    "concern_levels.few",
    "going_missing.high_min_flagged",
    "going_missing.medium_min_concern",
)
FLOOR_CONDITIONS = ("min_indicators", "min_flagged", "min_controlling_adult", "max_age")


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
        doc = _yaml(path)
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
            made = make(raw)
            if made is not None:  # None: make() reported its own problem
                built.append(made)
    checker.unique(file, [b.id for b in built])
    return built


def _tuples(raw: dict[str, Any], *keys: str) -> dict[str, Any]:
    plain = {k: v for k, v in raw.items() if k != "variants"}  # built separately
    return {**plain, **{k: tuple(raw[k]) for k in keys if k in raw}}


def _one_of(checker: _Checker, where: str, key: str, value: Any, allowed: tuple[str, ...]) -> None:
    values = value if isinstance(value, (list, tuple)) else [value]
    for v in values:
        if v not in allowed:
            checker.problems.append(f"{where}: '{key}' has unknown value '{v}'")


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _load_sources(checker: _Checker, data_dir: Path) -> tuple[dict[str, Source], int]:
    src_doc, entries = _read(data_dir / "sources.yml", "sources", checker.problems)
    interval = src_doc.get("review_interval_days", 180)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval <= 0:
        checker.problems.append(
            "sources.yml: 'review_interval_days' should be a positive whole number"
        )
        interval = 180
    extra_top = set(src_doc) - {"sources", "review_interval_days"}
    checker.problems.extend(f"sources.yml: unknown top-level key '{k}'" for k in sorted(extra_top))
    checker.interval = dt.timedelta(days=interval)
    sources = _build(checker, "sources.yml", entries, SOURCE_FIELDS, lambda r: Source(**r))
    return {s.id: s for s in sources}, interval


def _load_contacts(checker: _Checker, data_dir: Path, sources: dict) -> dict[str, Contact]:
    _, entries = _read(data_dir / "contacts.yml", "contacts", checker.problems)
    contacts = _build(
        checker, "contacts.yml", entries, CONTACT_FIELDS, lambda r: Contact(**_tuples(r, "sources"))
    )
    for c in contacts:
        where = f"contacts.yml: entry '{c.id}'"
        checker.cited(where, list(c.sources), sources)
        checker.reviewed(where, c.last_verified)
        if c.phone is None and c.web is None and not c.local:
            checker.problems.append(f"{where}: neither phone nor web given")
        if (c.phone is None or c.web is None or c.hours is None) and not c.gaps:
            checker.problems.append(f"{where}: a detail is empty but 'gaps' does not say why")
    return {c.id: c for c in contacts}


def _check_contact_refs(
    checker: _Checker, where: str, text: str, listed: tuple, contacts: dict
) -> None:
    for ref in list(listed) + placeholders(text):
        if ref not in contacts:
            checker.problems.append(f"{where}: unknown contact '{ref}'")
    for ref in placeholders(text):
        if ref not in listed:
            checker.problems.append(f"{where}: text uses '{{{ref}}}' but 'contacts' omits it")
        elif ref in contacts and contacts[ref].local:
            checker.problems.append(
                f"{where}: '{{{ref}}}' is a local contact; list it under 'contacts' only"
            )


def _variants(
    checker: _Checker, where: str, raw: dict[str, Any], sources: dict, contacts: dict
) -> tuple[Variant, ...]:
    """The nation- or role-specific wordings of an action or step."""
    out = []
    for n, v in enumerate(raw.get("variants") or (), start=1):
        vw = f"{where}: variant {n}"
        if not checker.entry(vw, v, VARIANT_FIELDS):
            continue
        variant = Variant(**_tuples(v, "nations", "roles", "contacts", "sources"))
        checker.cited(vw, list(variant.sources), sources)
        _check_contact_refs(checker, vw, variant.text, variant.contacts, contacts)
        _one_of(checker, vw, "nations", variant.nations, NATIONS)
        _one_of(checker, vw, "roles", variant.roles, ROLES)
        out.append(variant)
    return tuple(out)


def _has_term(text: str, term: str) -> bool:
    """Whole-word, case-insensitive; straight and curly apostrophes alike."""
    norm = text.replace("\u2019", "'").lower()
    return re.search(rf"(?<![\w-]){re.escape(term.lower())}(?![\w-])", norm) is not None


def _shown_texts(entry: Any, contacts: dict) -> Iterable[tuple[tuple[str, ...], tuple, str]]:
    """(nations, roles, text) for every wording an action or step can show, with the
    names and hours of the contacts it lists. The neutral wording is shown, in each
    nation the entry applies to (and before the nation is known), to the roles that
    no variant covers there."""
    all_roles = tuple(entry.roles) or ROLES
    wordings = []
    for nation in tuple(entry.nations) or (*NATIONS, UNKNOWN_NATION):
        covered: set[str] = set()
        for v in entry.variants:
            if nation in v.nations:
                covered.update(v.roles or all_roles)
        left = tuple(r for r in all_roles if r not in covered)
        if left:
            wordings.append(((nation,), left, entry.text, entry.contacts))
    wordings += [
        (v.nations, tuple(v.roles) or all_roles, v.text, v.contacts) for v in entry.variants
    ]
    for nations, roles, text, listed in wordings:
        yield nations, roles, text
        for cid in listed:
            c = contacts.get(cid)
            if c is not None:
                yield nations, roles, c.name
                if c.hours:
                    yield nations, roles, c.hours


def _check_terms(
    checker: _Checker,
    where: str,
    shown: Iterable[tuple[tuple[str, ...], tuple, str]],
    nation_terms: dict[str, tuple[str, ...]],
    role_terms: dict[str, tuple[str, ...]],
) -> None:
    """Refuse a wording that would show a nation's (or role's) forbidden term."""
    for nations, roles, text in shown:
        for nation in nations:
            for term in nation_terms.get(nation, ()):
                if _has_term(text, term):
                    checker.problems.append(
                        f"{where}: '{term}' would be shown in {nation}: {text[:60]!r}"
                    )
        for role in roles:
            for term in role_terms.get(role, ()):
                if _has_term(text, term):
                    checker.problems.append(
                        f"{where}: '{term}' would be shown to the role {role}: {text[:60]!r}"
                    )


def _load_nations(
    checker: _Checker, data_dir: Path, sources: dict
) -> tuple[dict[str, NationTerms], NationTerms | None, dict[str, tuple[str, ...]]]:
    file = "nations.yml"
    try:
        doc = _yaml(data_dir / file)
    except FileNotFoundError:
        checker.problems.append(f"{file}: file not found")
        return {}, None, {}
    except yaml.YAMLError as exc:
        checker.problems.append(f"{file}: not valid YAML ({exc})")
        return {}, None, {}
    if not checker.entry(file, doc, {"nations": Field(dict), "roles": Field(dict)}):
        return {}, None, {}
    terms: dict[str, NationTerms] = {}
    wanted = (*NATIONS, UNKNOWN_NATION)
    if set(doc["nations"]) != set(wanted):
        checker.problems.append(f"{file}: give exactly these nations: {list(wanted)}")
    for nid, raw in doc["nations"].items():
        where = f"{file}: nation '{nid}'"
        if nid not in wanted or not checker.entry(where, raw, NATION_FIELDS):
            continue
        checker.cited(where, raw["sources"], sources)
        leads = raw["safeguarding_lead"]
        named = all(isinstance(x, (str, type(None))) for x in leads.values())
        if set(leads) != set(ROLES) or not named:
            checker.problems.append(f"{where}: 'safeguarding_lead' needs a name for {list(ROLES)}")
        fields = {k: raw[k] for k in NATION_FIELDS if k not in ("forbidden_terms", "sources")}
        for key in SHOWN_NATION_FIELDS:
            value = raw[key].get("text") if isinstance(raw[key], dict) else None
            if not isinstance(value, str) or set(raw[key]) != {"text"}:
                checker.problems.append(f"{where}: '{key}' should be {{text: ...}}")
                value = ""
            fields[key] = value
        terms[nid] = NationTerms(
            id=nid,
            **fields,
            forbidden=tuple(raw["forbidden_terms"]),
            sources=tuple(raw["sources"]),
        )
    roles: dict[str, tuple[str, ...]] = {}
    for rid, raw in doc["roles"].items():
        where = f"{file}: role '{rid}'"
        _one_of(checker, file, "roles", rid, ROLES)
        if checker.entry(where, raw, {"forbidden_terms": _LIST}):
            roles[rid] = tuple(raw["forbidden_terms"])
    # Each nation's own route words must not be forbidden there.
    for nid, t in terms.items():
        for own in (
            t.referral_route,
            t.out_of_hours,
            t.first_responders,
            t.social_care,
            t.draft_title,
            t.guardian_question,
            *(x for x in t.safeguarding_lead.values() if x),
        ):
            _check_terms(
                checker,
                f"{file}: nation '{nid}'",
                [((nid,), (), own)],
                {k: v.forbidden for k, v in terms.items()},
                {},
            )
    return {k: v for k, v in terms.items() if k != UNKNOWN_NATION}, terms.get(UNKNOWN_NATION), roles


def _load_actions(
    checker: _Checker, data_dir: Path, sources: dict, contacts: dict
) -> tuple[ImmediateAction, ...]:
    file = "immediate_actions.yml"
    _, entries = _read(data_dir / file, "immediate_actions", checker.problems)
    actions = _build(
        checker,
        file,
        entries,
        ACTION_FIELDS,
        lambda r: ImmediateAction(
            **_tuples(
                r, "contacts", "sources", "roles", "nations", "if_categories", "if_indicators"
            ),
            variants=_variants(checker, f"{file}: entry '{r['id']}'", r, sources, contacts),
        ),
    )
    for a in actions:
        where = f"{file}: entry '{a.id}'"
        checker.cited(where, list(a.sources), sources)
        checker.reviewed(where, a.last_reviewed)
        _check_contact_refs(checker, where, a.text, a.contacts, contacts)
        _one_of(checker, where, "roles", a.roles, ROLES)
        _one_of(checker, where, "nations", a.nations, NATIONS)
        _one_of(checker, where, "when", a.when, WHEN)
        if a.priority < 1:
            checker.problems.append(f"{where}: priority must be 1 or more, got {a.priority}")
    return tuple(sorted(actions, key=lambda a: a.order))


def _check_action_kinds(
    checker: _Checker, actions: tuple[ImmediateAction, ...], categories: dict, indicators: dict
) -> None:
    """An immediate action for one kind of exploitation names known ids."""
    for a in actions:
        where = f"immediate_actions.yml: entry '{a.id}'"
        _one_of(checker, where, "if_categories", a.if_categories, tuple(categories))
        _one_of(checker, where, "if_indicators", a.if_indicators, tuple(indicators))


def _check_phrases(checker: _Checker, where: str, phrases: tuple[Any, ...]) -> None:
    """Each phrase must be well formed in the reader's pattern language, and listed once."""
    from bot.reader.phrases import phrase_problem  # pure; imported here to keep the
    # loader's import light (bot.reader imports the knowledge model)

    seen: set[str] = set()
    for phrase in phrases:
        problem = phrase_problem(phrase)
        if problem:
            checker.problems.append(f"{where}: phrases: {problem}")
        elif phrase in seen:
            checker.problems.append(f"{where}: phrases: '{phrase}' is listed twice")
        else:
            seen.add(phrase)


def _load_indicators(
    checker: _Checker, data_dir: Path, sources: dict
) -> tuple[dict[str, Category], dict[str, Indicator]]:
    file = "indicators.yml"
    doc, entries = _read(data_dir / file, "indicators", checker.problems)
    raw_categories = doc.get("categories", [])
    if not isinstance(raw_categories, list):
        checker.problems.append(f"{file}: expected a top-level list under 'categories'")
        raw_categories = []
    extra_top = set(doc) - {"categories", "indicators"}
    checker.problems.extend(f"{file}: unknown top-level key '{k}'" for k in sorted(extra_top))

    def make_category(r: dict[str, Any]) -> Category | None:
        where = f"{file}: category '{r['id']}': screening"
        if not checker.entry(where, r["screening"], SCREENING_FIELDS):
            return None
        screening = Screening(**_tuples(r["screening"], "sources"))
        checker.cited(where, list(screening.sources), sources)
        return Category(**{**r, "screening": screening})

    categories = [
        c
        for c in _build(checker, file, raw_categories, CATEGORY_FIELDS, make_category)
        if c is not None
    ]
    for c in categories:
        checker.reviewed(f"{file}: category '{c.id}'", c.last_reviewed)
    category_map = {c.id: c for c in categories}

    indicators = _build(
        checker,
        file,
        entries,
        INDICATOR_FIELDS,
        lambda r: Indicator(**_tuples(r, "sources", "phrases")),
    )
    for i in indicators:
        where = f"{file}: entry '{i.id}'"
        _check_phrases(checker, where, i.phrases)
        checker.cited(where, list(i.sources), sources)
        checker.reviewed(where, i.last_reviewed)
        if i.category not in category_map:
            checker.problems.append(f"{where}: unknown category '{i.category}'")
        if not 1 <= i.weight <= 3:
            checker.problems.append(f"{where}: 'weight' should be 1, 2 or 3")
        if ":" in i.id:
            checker.problems.append(f"{where}: ids may not contain ':'")
        _one_of(checker, where, "weight_basis", i.weight_basis, BASES)
        _one_of(checker, where, "going_missing_basis", i.going_missing_basis, BASES)
    used = {i.category for i in indicators}
    for c in categories:
        if c.id not in used:
            checker.problems.append(f"{file}: category '{c.id}': has no indicators")
    return category_map, {i.id: i for i in indicators}


def _load_pathway(
    checker: _Checker,
    data_dir: Path,
    sources: dict,
    contacts: dict,
    categories: dict,
    indicators: dict,
) -> tuple[PathwayStep, ...]:
    file = "pathway.yml"
    _, entries = _read(data_dir / file, "steps", checker.problems)
    steps = _build(
        checker,
        file,
        entries,
        PATHWAY_FIELDS,
        lambda r: PathwayStep(
            **_tuples(
                r, "sources", "contacts", "roles", "nations", "if_categories", "if_indicators"
            ),
            variants=_variants(checker, f"{file}: entry '{r['id']}'", r, sources, contacts),
        ),
    )
    for st in steps:
        where = f"{file}: entry '{st.id}'"
        checker.cited(where, list(st.sources), sources)
        checker.reviewed(where, st.last_reviewed)
        _check_contact_refs(checker, where, st.text, st.contacts, contacts)
        _one_of(checker, where, "who", st.who, WHO)
        _one_of(checker, where, "how_soon", st.how_soon, HOW_SOON)
        _one_of(checker, where, "roles", st.roles, ROLES)
        _one_of(checker, where, "nations", st.nations, NATIONS)
        _one_of(checker, where, "min_concern", st.min_concern, CONCERN_LEVELS)
        _one_of(checker, where, "min_going_missing", st.min_going_missing, MISSING_LEVELS)
        _one_of(checker, where, "if_categories", st.if_categories, tuple(categories))
        _one_of(checker, where, "if_indicators", st.if_indicators, tuple(indicators))
    # Steps share an order number only when they are alternatives (different
    # roles or nations), so ordering stays meaningful.
    return tuple(sorted(steps, key=lambda st: st.order))


def _check_basis(checker: _Checker, where: str, basis: str, sources: dict) -> None:
    """A threshold's or rule's basis: "design decision: ...", or "sources: ..." naming
    at least one source id from sources.yml."""
    if basis.startswith("design decision"):
        return
    named = [tag for tag in re.findall(r"[A-Z][A-Z0-9-]+", basis) if tag in sources]
    if not basis.startswith("sources:") or not named:
        checker.problems.append(
            f'{where}: \'basis\' must be "design decision: ..." or "sources: ..." naming a source'
        )


def _load_rules(checker: _Checker, data_dir: Path, sources: dict, categories: dict) -> Rules | None:
    file = "triage.yml"
    try:
        doc = _yaml(data_dir / file)
    except FileNotFoundError:
        checker.problems.append(f"{file}: file not found")
        return None
    except yaml.YAMLError as exc:
        checker.problems.append(f"{file}: not valid YAML ({exc})")
        return None
    top = {
        "concern_levels": Field(dict),
        "going_missing": Field(dict),
        "floor_rules": _LIST,
        "age_in_doubt_sources": _LIST,
        "questions": Field(dict),
        "about": Field(dict),
    }
    if not checker.entry(file, doc, top):
        return None
    where = f"{file}: concern_levels"
    levels = doc["concern_levels"]
    if set(levels) != set(CONCERN_LEVELS) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in levels.values()
    ):
        checker.problems.append(f"{where}: give a whole number for each of {list(CONCERN_LEVELS)}")
    elif not levels["few"] <= levels["some"] <= levels["strong"]:
        checker.problems.append(f"{where}: thresholds must rise from few to some to strong")
    missing = doc["going_missing"]
    if checker.entry(
        f"{file}: going_missing",
        missing,
        {"high_min_flagged": Field(int), "medium_min_concern": _str()},
    ):
        if not _positive_int(missing["high_min_flagged"]):
            checker.problems.append(
                f"{file}: going_missing: 'high_min_flagged' must be a whole number above 0"
            )
        _one_of(
            checker,
            f"{file}: going_missing",
            "medium_min_concern",
            missing["medium_min_concern"],
            CONCERN_LEVELS,
        )
    checker.cited(f"{file}: age_in_doubt_sources", doc["age_in_doubt_sources"], sources)
    about = doc["about"]
    if set(about) != set(THRESHOLDS):
        checker.problems.append(f"{file}: about: describe exactly these thresholds: {THRESHOLDS}")
    for name, entry in about.items():
        aw = f"{file}: about '{name}'"
        if checker.entry(aw, entry, {"meaning": _str(), "basis": _str()}):
            _check_basis(checker, aw, entry["basis"], sources)

    def make_rule(r: dict[str, Any]) -> FloorRule:
        return FloorRule(
            id=r["id"],
            description=r["description"],
            basis=r["basis"],
            condition=dict(r["condition"]),
            concern_at_least=r.get("concern_at_least"),
            going_missing_at_least=r.get("going_missing_at_least"),
            sources=tuple(r["sources"]),
        )

    floor_rules = _build(checker, file, doc["floor_rules"], FLOOR_FIELDS, make_rule)
    for rule in floor_rules:
        rw = f"{file}: floor rule '{rule.id}'"
        checker.cited(rw, list(rule.sources), sources)
        _check_basis(checker, rw, rule.basis, sources)
        _one_of(checker, rw, "condition", tuple(rule.condition), FLOOR_CONDITIONS)
        for key, value in rule.condition.items():
            if not _positive_int(value):
                checker.problems.append(f"{rw}: condition '{key}' must be a whole number above 0")
        if not (rule.concern_at_least or rule.going_missing_at_least):
            checker.problems.append(f"{rw}: give concern_at_least, going_missing_at_least or both")
        if rule.concern_at_least:
            _one_of(checker, rw, "concern_at_least", rule.concern_at_least, CONCERN_LEVELS)
        if rule.going_missing_at_least:
            _one_of(
                checker, rw, "going_missing_at_least", rule.going_missing_at_least, MISSING_LEVELS
            )

    questions = doc["questions"]
    qw = f"{file}: questions"
    if not checker.entry(
        qw,
        questions,
        {"unskippable": _LIST, "category_order": _LIST, "setting_first": Field(dict)},
    ):
        return None
    order = questions["category_order"]
    if sorted(order) != sorted(categories) or len(set(order)) != len(order):
        checker.problems.append(f"{qw}: 'category_order' must name every category exactly once")
    for setting, cats in questions["setting_first"].items():
        _one_of(checker, qw, "setting_first", setting, SETTINGS)
        _one_of(checker, f"{qw}: setting_first '{setting}'", "categories", cats, tuple(categories))
    allowed_unskippable = ("urgent", *(f"screen:{c}" for c in categories))
    _one_of(checker, qw, "unskippable", questions["unskippable"], allowed_unskippable)
    if checker.problems:
        return None
    return Rules(
        concern_thresholds=dict(levels),
        missing_high_min_flagged=missing["high_min_flagged"],
        missing_medium_min_concern=missing["medium_min_concern"],
        floor_rules=tuple(floor_rules),
        category_order=tuple(order),
        setting_first={k: tuple(v) for k, v in questions["setting_first"].items()},
        unskippable=tuple(questions["unskippable"]),
    )


def load_knowledge(
    data_dir: Path | None = None,
    *,
    today: dt.date | None = None,
    strict_review: bool = False,
) -> Knowledge:
    """Read, check and return the guidance; raise KnowledgeError naming every problem."""
    data_dir = data_dir or DATA_DIR
    checker = _Checker(today or dt.date.today(), 180)
    sources, interval = _load_sources(checker, data_dir)
    contacts = _load_contacts(checker, data_dir, sources)
    actions = _load_actions(checker, data_dir, sources, contacts)
    categories, indicators = _load_indicators(checker, data_dir, sources)
    _check_action_kinds(checker, actions, categories, indicators)
    pathway = _load_pathway(checker, data_dir, sources, contacts, categories, indicators)
    rules = _load_rules(checker, data_dir, sources, categories)
    nations, neutral, role_terms = _load_nations(checker, data_dir, sources)
    nation_terms = {n: t.forbidden for n, t in nations.items()}
    # Before the nation is known only wording that is right everywhere may be shown.
    nation_terms[UNKNOWN_NATION] = tuple(
        dict.fromkeys(t for n in NATIONS for t in nation_terms.get(n, ()))
    ) + (neutral.forbidden if neutral else ())
    for a in actions:
        where = f"immediate_actions.yml: entry '{a.id}'"
        _check_terms(checker, where, _shown_texts(a, contacts), nation_terms, role_terms)
    for st in pathway:
        where = f"pathway.yml: entry '{st.id}'"
        _check_terms(checker, where, _shown_texts(st, contacts), nation_terms, role_terms)
    everywhere = (*NATIONS, UNKNOWN_NATION)
    for i in indicators.values():
        shown = [(everywhere, (), i.question), (everywhere, (), i.why)]
        _check_terms(checker, f"indicators.yml: entry '{i.id}'", shown, nation_terms, {})
    for c in categories.values():
        shown = [(everywhere, (), t) for t in (c.title, c.screening.question, c.screening.why)]
        _check_terms(checker, f"indicators.yml: category '{c.id}'", shown, nation_terms, {})

    if strict_review:
        checker.problems.extend(checker.warnings)
    if checker.problems:
        raise KnowledgeError(checker.problems)
    return Knowledge(
        sources=sources,
        contacts=contacts,
        immediate_actions=actions,
        review_interval_days=interval,
        categories=categories,
        indicators=indicators,
        pathway=pathway,
        rules=rules,
        warnings=tuple(checker.warnings),
        nations=nations,
        role_forbidden=role_terms,
        neutral=neutral,
        version=guidance_version(data_dir, contacts, actions, indicators, pathway, categories),
    )


def guidance_version(
    data_dir: Path,
    contacts: dict[str, Contact],
    actions: tuple[ImmediateAction, ...],
    indicators: dict[str, Indicator],
    pathway: tuple[PathwayStep, ...],
    categories: dict[str, Category],
) -> GuidanceVersion:
    """A hash of every data file's content (names and bytes, in name order) and the
    latest review date in them: the same files always give the same version."""
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("*.yml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    dates = [c.last_verified for c in contacts.values()]
    dates += [a.last_reviewed for a in actions]
    dates += [i.last_reviewed for i in indicators.values()]
    dates += [p.last_reviewed for p in pathway]
    dates += [c.last_reviewed for c in categories.values()]
    return GuidanceVersion(digest.hexdigest()[:12], max(dates, default=dt.date.min))
