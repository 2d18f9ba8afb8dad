"""Strict loading of the guidance YAML.

A file that breaks the schema (bot/knowledge/schema.py: the shape of every entry)
or a check here (what relates entries to each other: sources and contacts that
must exist, review dates, forbidden terms) stops the assistant from starting: every
problem is reported as ``file: entry: what is wrong`` so a content reviewer can fix
it without reading code. Review-date lapses are warnings unless ``strict_review`` is set
(CI sets it through GOLDEN_HOUR_STRICT_REVIEW=1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import (
    CONCERN_LEVELS,
    NATIONS,
    ROLES,
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
from bot.knowledge.schema import (
    SHOWN_NATION_FIELDS,
    UNKNOWN_NATION,
    About,
    ActionEntry,
    CategoryEntry,
    ContactEntry,
    FloorRuleEntry,
    GoingMissing,
    IndicatorEntry,
    NationEntry,
    NationsFile,
    PathwayEntry,
    Questions,
    RoleTerms,
    ScreeningEntry,
    SourceEntry,
    TriageFile,
    VariantEntry,
)
from bot.knowledge.schema_kit import Entry, issues

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


# How the messages call each YAML type ("'order' should be a whole number, got str").
KIND_NAMES: dict[type, str] = {
    str: "text",
    int: "a whole number",
    list: "a list",
    dt.date: "a date (YYYY-MM-DD)",
}
THRESHOLDS = (
    "concern_levels.strong",
    "concern_levels.some",
    "concern_levels.few",
    "going_missing.high_min_flagged",
    "going_missing.medium_min_concern",
)


class _Checker:
    """Collects problems while reading; one instance per load."""

    def __init__(self, today: dt.date, interval_days: int) -> None:
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.today = today
        self.interval = dt.timedelta(days=interval_days)

    def entry(self, where: str, model: type[Entry], entry: Any, soft_where: str = "") -> bool:
        """Check one mapping against its schema; False when it cannot be built.
        A wrong value in a well-formed entry is reported (at ``soft_where`` when
        given) but the entry is still built, so its other checks run too."""
        ok = True
        for issue in issues(model, entry, KIND_NAMES):
            self.problems.append(f"{where if issue.hard else soft_where or where}: {issue.text}")
            ok = ok and not issue.hard
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
    model: type[Entry],
    make: Callable[[dict[str, Any]], Any],
    soft_label: str = "entry",
) -> list[Any]:
    built = []
    for index, raw in enumerate(entries):
        label = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        where, soft_where = f"{file}: entry '{label}'", f"{file}: {soft_label} '{label}'"
        if checker.entry(where, model, raw, soft_where):
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
    sources = _build(checker, "sources.yml", entries, SourceEntry, lambda r: Source(**r))
    return {s.id: s for s in sources}, interval


def _load_contacts(checker: _Checker, data_dir: Path, sources: dict) -> dict[str, Contact]:
    _, entries = _read(data_dir / "contacts.yml", "contacts", checker.problems)
    contacts = _build(
        checker, "contacts.yml", entries, ContactEntry, lambda r: Contact(**_tuples(r, "sources"))
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
        if not checker.entry(vw, VariantEntry, v):
            continue
        variant = Variant(**_tuples(v, "nations", "roles", "contacts", "sources"))
        checker.cited(vw, list(variant.sources), sources)
        _check_contact_refs(checker, vw, variant.text, variant.contacts, contacts)
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
    if not checker.entry(file, NationsFile, doc):
        return {}, None, {}
    terms: dict[str, NationTerms] = {}
    wanted = (*NATIONS, UNKNOWN_NATION)
    if set(doc["nations"]) != set(wanted):
        checker.problems.append(f"{file}: give exactly these nations: {list(wanted)}")
    for nid, raw in doc["nations"].items():
        where = f"{file}: nation '{nid}'"
        if nid not in wanted or not checker.entry(where, NationEntry, raw):
            continue
        checker.cited(where, raw["sources"], sources)
        # A shown wording the schema refused is kept empty; the problem is reported.
        shown = {k: raw[k]["text"] if set(raw[k]) == {"text"} else "" for k in SHOWN_NATION_FIELDS}
        shown = {k: v if isinstance(v, str) else "" for k, v in shown.items()}
        terms[nid] = NationTerms(
            id=nid,
            referral_route=raw["referral_route"],
            out_of_hours=raw["out_of_hours"],
            safeguarding_lead=raw["safeguarding_lead"],
            **shown,
            forbidden=tuple(raw["forbidden_terms"]),
            sources=tuple(raw["sources"]),
        )
    roles: dict[str, tuple[str, ...]] = {}
    for rid, raw in doc["roles"].items():
        where = f"{file}: role '{rid}'"
        if checker.entry(where, RoleTerms, raw):
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
        ActionEntry,
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
        if not checker.entry(where, ScreeningEntry, r["screening"]):
            return None
        screening = Screening(**_tuples(r["screening"], "sources"))
        checker.cited(where, list(screening.sources), sources)
        return Category(**{**r, "screening": screening})

    categories = [
        c
        for c in _build(checker, file, raw_categories, CategoryEntry, make_category)
        if c is not None
    ]
    for c in categories:
        checker.reviewed(f"{file}: category '{c.id}'", c.last_reviewed)
    category_map = {c.id: c for c in categories}

    indicators = _build(
        checker,
        file,
        entries,
        IndicatorEntry,
        lambda r: Indicator(**_tuples(r, "sources", "phrases")),
    )
    for i in indicators:
        where = f"{file}: entry '{i.id}'"
        _check_phrases(checker, where, i.phrases)
        checker.cited(where, list(i.sources), sources)
        checker.reviewed(where, i.last_reviewed)
        if i.category not in category_map:
            checker.problems.append(f"{where}: unknown category '{i.category}'")
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
        PathwayEntry,
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
    if not checker.entry(file, TriageFile, doc):
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
    checker.entry(f"{file}: going_missing", GoingMissing, missing)
    checker.cited(f"{file}: age_in_doubt_sources", doc["age_in_doubt_sources"], sources)
    about = doc["about"]
    if set(about) != set(THRESHOLDS):
        checker.problems.append(f"{file}: about: describe exactly these thresholds: {THRESHOLDS}")
    for name, entry in about.items():
        aw = f"{file}: about '{name}'"
        if checker.entry(aw, About, entry):
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

    floor_rules = _build(
        checker, file, doc["floor_rules"], FloorRuleEntry, make_rule, soft_label="floor rule"
    )
    for rule in floor_rules:
        rw = f"{file}: floor rule '{rule.id}'"
        checker.cited(rw, list(rule.sources), sources)
        _check_basis(checker, rw, rule.basis, sources)
        if not (rule.concern_at_least or rule.going_missing_at_least):
            checker.problems.append(f"{rw}: give concern_at_least, going_missing_at_least or both")

    questions = doc["questions"]
    qw = f"{file}: questions"
    if not checker.entry(qw, Questions, questions):
        return None
    order = questions["category_order"]
    if sorted(order) != sorted(categories) or len(set(order)) != len(order):
        checker.problems.append(f"{qw}: 'category_order' must name every category exactly once")
    for setting, cats in questions["setting_first"].items():
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
