"""Role-play scenarios: the model and a strict loader.

A scenario is one YAML file in scenarios/ (the file name is its id): who the
learner plays, a vignette told in stages, the facts that answer the assistant's
questions, the outcome a safeguarding trainer expects, and the teaching points for
the debrief. Like the guidance loader, every problem is reported at once as
``file: entry: what is wrong``; warnings (an overdue review, a fact the assistant
would never ask about) do not stop loading unless ``strict_review`` is set.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge import Knowledge
from bot.knowledge.model import CONCERN_LEVELS, MISSING_LEVELS
from bot.knowledge.schema_kit import Entry, issues
from bot.training.scenario_schema import (
    ANSWER_WORDS,
    KIND_NAMES,
    AudienceEntry,
    FactEntry,
    KnownEntry,
    OutcomeEntry,
    PointEntry,
    ScenarioFile,
    SharingEntry,
    StageEntry,
)
from bot.triage.answers import HOW_KNOWN, URGENT

LIBRARY_DIR = Path(__file__).resolve().parents[2] / "scenarios"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
CONCERN = frozenset({"yes", "not_sure"})
# The assistant's entity rules read a bare number from 1 to 17 (or "ten" to
# "seventeen") in any message as the child's age (bot/nlp/patterns/people.jsonl),
# so a detail typed as a note must not contain one.
_AGE_LIKE = re.compile(
    r"\b(1[0-7]|[1-9]|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)\b",
    re.IGNORECASE,
)
# The assistant gives the immediate-action advice exactly when the going-missing
# level reaches one of these (bot/conversation.py).
ADVICE_LEVELS = ("high", "immediate")


class ScenarioError(Exception):
    """Scenario files are broken; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Scenario files are invalid:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Audience:
    role: str  # bot/choices.py ROLE values
    nation: str
    setting: str
    professional: str  # who the learner plays, in words ("Border Force officer")


@dataclass(frozen=True)
class Stage:
    title: str
    text: str
    reveals: tuple[str, ...] = ()  # fact keys this stage brings out


@dataclass(frozen=True)
class Fact:
    question: str  # "urgent", "screen:<category>" or an indicator id
    answer: str  # yes | no | not_sure
    how: str | None = None  # observed | disclosed | reported | suspected
    detail: str | None = None  # what the learner discovers, typed as the note
    category: str | None = None  # the indicator's category; None for urgent and screens

    @property
    def is_concern(self) -> bool:
        return self.answer in CONCERN


@dataclass(frozen=True)
class ModelOutcome:
    going_missing: str
    concern: str
    immediate_actions: tuple[str, ...]  # empty: the advice must not be given
    advice_within_turns: int | None
    signposts: tuple[str, ...]  # contact ids
    next_steps: tuple[str, ...]  # pathway ids

    @property
    def advice_required(self) -> bool:
        return bool(self.immediate_actions)


@dataclass(frozen=True)
class Sharing:
    share_with: str  # bot/choices.py SHARE_WITH values
    child_told: bool
    carer_told: bool
    why_not: str | None = None  # bot/choices.py WHY_NOT_TOLD values


@dataclass(frozen=True)
class TeachingPoint:
    point: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class KnownDifference:
    """Where the assistant is known to differ from the model outcome: kept in the
    scenario, shown on every run, and a failure again once it no longer happens."""

    field: str
    got: Any
    note: str


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    learning_objectives: tuple[str, ...]
    audience: Audience
    vignette: tuple[Stage, ...]
    facts: dict[str, Fact]
    model_outcome: ModelOutcome
    debrief: tuple[TeachingPoint, ...]
    last_reviewed: dt.date
    path: Path
    child_age: int | None = None
    sharing: Sharing | None = None
    known_differences: tuple[KnownDifference, ...] = ()

    def answer_for(self, question: str, answered: Collection[str] = ()) -> str:
        """The answer the facts give: a screen opens when any indicator in its
        category is a concern; "anything else?" is yes while a concern in the facts
        is in a category not yet asked about (``answered``: the question ids answered
        so far); anything the facts do not mention is "no"."""
        fact = self.facts.get(question)
        if fact is not None:
            return fact.answer
        if question == "more":
            return "no" if self.untold_category(answered) is None else "yes"
        if question.startswith("screen:"):
            category = question.removeprefix("screen:")
            opened = any(f.category == category and f.is_concern for f in self.facts.values())
            return "yes" if opened else "no"
        return "no"

    def sign_to_pick(self, category: str, answered: Collection[str]) -> str | None:
        """For "which of these is it?": the first concern in the facts of that
        category not answered yet, as the assistant lists them (None: none of these)."""
        return next(
            (
                q
                for q, f in self.facts.items()
                if f.category == category and f.is_concern and q not in answered
            ),
            None,
        )

    def untold_category(self, answered: Collection[str]) -> str | None:
        """For "anything else?": the category of the first concern in the facts that
        is neither answered nor in a category already asked about."""
        asked = {q.removeprefix("screen:") for q in answered if q.startswith("screen:")}
        asked |= {f.category for q, f in self.facts.items() if q in answered and f.category}
        return next(
            (
                f.category
                for q, f in self.facts.items()
                if f.category and f.is_concern and q not in answered and f.category not in asked
            ),
            None,
        )

    def expected_indicators(self) -> tuple[str, ...]:
        """The indicators the facts answer yes or not sure: what a learner should find."""
        return tuple(q for q, f in self.facts.items() if f.category and f.is_concern)

    def sharing_or_default(self) -> Sharing:
        """The sharing answers: the scenario's, or what a careful professional would
        say (a concern that is more than "few", or any going-missing risk, goes to
        everyone, without telling a carer who may be involved)."""
        if self.sharing is not None:
            return self.sharing
        outcome = self.model_outcome
        if outcome.concern != "few" or outcome.going_missing != "low":
            return Sharing("all", child_told=False, carer_told=False, why_not="raise_risk")
        return Sharing("safeguarding_lead", child_told=True, carer_told=True)


@dataclass(frozen=True)
class Library:
    scenarios: tuple[Scenario, ...]
    warnings: tuple[str, ...] = ()


# --- the checks (the shape is in bot/training/scenario_schema.py) --------------------


class _Checker:
    """Collects the problems and warnings of one file."""

    def __init__(self, file: str, kb: Knowledge, today: dt.date) -> None:
        self.file = file
        self.kb = kb
        self.today = today
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{self.file}: {where}: {what}" if where else f"{self.file}: {what}")

    def warn(self, where: str, what: str) -> None:
        self.warnings.append(f"{self.file}: {where}: {what}")

    def entry(self, where: str, model: type[Entry], entry: Any) -> bool:
        """Check one part against its schema, reporting every issue; False when it
        cannot be built (a wrong value in a well-formed part is reported only)."""
        found = issues(model, entry, KIND_NAMES)
        for issue in found:
            self.problem(where, issue.text)
        return not any(issue.hard for issue in found)

    def texts(self, where: str, key: str, values: list[Any], *, non_empty: bool = True) -> bool:
        if non_empty and not values:
            self.problem(where, f"'{key}' must list at least one item")
            return False
        bad = [v for v in values if not isinstance(v, str) or not v.strip()]
        if bad:
            self.problem(where, f"'{key}' should list text only, got {bad[0]!r}")
        return not bad

    def known(self, where: str, key: str, values: list[str], known: Any, what: str) -> None:
        for value in values:
            if value not in known:
                self.problem(where, f"'{key}': unknown {what} '{value}'")


def _answer(value: Any) -> str | None:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return ANSWER_WORDS.get(value) if isinstance(value, str) else None


# --- building one scenario ----------------------------------------------------------


def _audience(c: _Checker, raw: dict[str, Any]) -> Audience | None:
    before = len(c.problems)
    if not c.entry("audience", AudienceEntry, raw) or len(c.problems) > before:
        return None
    return Audience(**raw)


def _vignette(c: _Checker, raw: list[Any]) -> tuple[Stage, ...]:
    if not raw:
        c.problem("vignette", "tell the vignette in at least one stage")
    stages = []
    for n, stage in enumerate(raw, start=1):
        where = f"vignette stage {n}"
        if c.entry(where, StageEntry, stage) and c.texts(
            where, "reveals", stage.get("reveals", []), non_empty=False
        ):
            stages.append(Stage(stage["title"], stage["text"], tuple(stage.get("reveals", ()))))
    return tuple(stages)


def _fact(c: _Checker, question: Any, raw: Any) -> Fact | None:
    where = f"fact '{question}'"
    kb = c.kb
    category = None
    if not isinstance(question, str):
        c.problem(where, "a fact's key must be a question id")
        return None
    if question.startswith("screen:"):
        if question.removeprefix("screen:") not in kb.categories:
            c.problem(where, "unknown category (screen:<category> from indicators.yml)")
            return None
    elif question != URGENT:
        if question not in kb.indicators:
            c.problem(
                where,
                "unknown question (use 'urgent', 'screen:<category>' or an indicator id "
                "from indicators.yml)",
            )
            return None
        category = kb.indicators[question].category
    if not isinstance(raw, dict):  # shorthand: "screen:journey: yes"
        raw = {"answer": raw}
    if not c.entry(where, FactEntry, raw):
        return None
    answer = _answer(raw["answer"])
    if answer is None:
        c.problem(where, f"'answer' should be yes, no or unsure, got {raw['answer']!r}")
        return None
    how = raw.get("how")
    if how is not None and how not in HOW_KNOWN:
        c.problem(where, f"'how' has unknown value '{how}' (one of: {', '.join(HOW_KNOWN)})")
        return None
    if how is not None and (category is None or answer != "yes"):
        c.problem(where, "'how' is only for an indicator answered yes")
        return None
    if category is not None and answer in CONCERN and not raw.get("detail", "").strip():
        c.problem(where, "an indicator answered yes or unsure needs the 'detail' a learner finds")
        return None
    detail = raw.get("detail")
    age_like = _AGE_LIKE.search(detail) if detail else None
    if age_like:
        c.warn(
            where,
            f"the detail contains '{age_like.group(0)}', which the assistant "
            "reads as the child's age when typed: write the number another way",
        )
    return Fact(question, answer, how, detail, category)


def _facts(c: _Checker, raw: dict[Any, Any]) -> dict[str, Fact]:
    facts = {}
    for question, value in raw.items():
        fact = _fact(c, question, value)
        if fact is not None:
            facts[fact.question] = fact
    for fact in facts.values():
        screen = facts.get(f"screen:{fact.category}")
        if fact.is_concern and screen is not None and not screen.is_concern:
            c.warn(
                f"fact '{fact.question}'",
                f"the assistant never asks it: its screen 'screen:{fact.category}' is "
                f"answered {screen.answer}",
            )
    if not any(f.is_concern for f in facts.values()):
        c.problem("facts", "give at least one fact answered yes or unsure")
    return facts


def _outcome(c: _Checker, raw: dict[str, Any], audience: Audience | None) -> ModelOutcome | None:
    where = "model_outcome"
    before = len(c.problems)
    if not c.entry(where, OutcomeEntry, raw):
        return None
    kb = c.kb
    lists = ("immediate_actions", "signposts", "next_steps")
    if not all(c.texts(where, key, raw[key], non_empty=False) for key in lists):
        return None
    actions = {a.id: a for a in kb.immediate_actions}
    steps = {s.id: s for s in kb.pathway}
    c.known(where, "immediate_actions", raw["immediate_actions"], actions, "immediate action")
    c.known(where, "signposts", raw["signposts"], kb.contacts, "contact")
    c.known(where, "next_steps", raw["next_steps"], steps, "pathway step")
    if len(c.problems) > before:
        return None
    gives_advice = raw["going_missing"] in ADVICE_LEVELS
    within = raw.get("advice_within_turns")
    if gives_advice and not raw["immediate_actions"]:
        c.problem(
            where,
            f"going_missing '{raw['going_missing']}' always brings the immediate-action "
            "advice: list the immediate_actions expected",
        )
    if not gives_advice and raw["immediate_actions"]:
        c.problem(
            where,
            f"immediate_actions are given only at going_missing high or immediate, "
            f"not '{raw['going_missing']}'",
        )
    if raw["immediate_actions"] and (within is None or within < 1):
        c.problem(where, "'advice_within_turns' (a whole number above 0) is needed with advice")
    if not raw["immediate_actions"] and within is not None:
        c.problem(where, "'advice_within_turns' is only for a scenario that needs the advice")
    if audience is not None:
        for action_id in raw["immediate_actions"]:
            if not actions[action_id].applies(audience.role, audience.nation, None):
                c.problem(
                    where,
                    f"immediate action '{action_id}' is not given to the role "
                    f"'{audience.role}' in '{audience.nation}' when the time of day is not known",
                )
        for step_id in raw["next_steps"]:
            _check_step(c, steps[step_id], audience, raw["going_missing"], raw["concern"])
    if len(c.problems) > before:
        return None
    return ModelOutcome(
        going_missing=raw["going_missing"],
        concern=raw["concern"],
        immediate_actions=tuple(raw["immediate_actions"]),
        advice_within_turns=within,
        signposts=tuple(raw["signposts"]),
        next_steps=tuple(raw["next_steps"]),
    )


def _check_step(c: _Checker, step: Any, audience: Audience, missing: str, concern: str) -> None:
    where = "model_outcome"
    if step.roles and audience.role not in step.roles:
        c.problem(where, f"next step '{step.id}' is not given to the role '{audience.role}'")
    if step.nations and audience.nation not in step.nations:
        c.problem(where, f"next step '{step.id}' is not given in '{audience.nation}'")
    if CONCERN_LEVELS.index(concern) < CONCERN_LEVELS.index(step.min_concern):
        c.problem(where, f"next step '{step.id}' needs concern '{step.min_concern}' or above")
    if MISSING_LEVELS.index(missing) < MISSING_LEVELS.index(step.min_going_missing):
        c.problem(
            where, f"next step '{step.id}' needs going_missing '{step.min_going_missing}' or above"
        )


def _sharing(c: _Checker, raw: dict[str, Any]) -> Sharing | None:
    before = len(c.problems)
    if not c.entry("sharing", SharingEntry, raw):
        return None
    if (not raw["child_told"] or not raw["carer_told"]) and raw.get("why_not") is None:
        c.problem("sharing", "say 'why_not' when the child or the carer has not been told")
    return Sharing(**raw) if len(c.problems) == before else None


def _points(c: _Checker, raw: list[Any]) -> tuple[TeachingPoint, ...]:
    if not raw:
        c.problem("debrief", "give at least one teaching point")
    points = []
    for n, point in enumerate(raw, start=1):
        where = f"debrief point {n}"
        if not c.entry(where, PointEntry, point):
            continue
        if not point["sources"]:
            c.problem(where, "no source given (every teaching point needs at least one)")
        elif c.texts(where, "sources", point["sources"]):
            c.known(where, "sources", point["sources"], c.kb.sources, "source (not in sources.yml)")
            points.append(TeachingPoint(point["point"], tuple(point["sources"])))
    return tuple(points)


def _known(c: _Checker, raw: list[Any]) -> tuple[KnownDifference, ...]:
    known: list[KnownDifference] = []
    for n, entry in enumerate(raw, start=1):
        where = f"known difference {n}"
        before = len(c.problems)
        if not c.entry(where, KnownEntry, entry) or len(c.problems) > before:
            continue
        if entry["field"] in [k.field for k in known]:
            c.problem(where, f"'{entry['field']}' is listed twice")
        else:
            known.append(KnownDifference(entry["field"], entry["got"], entry["note"]))
    return tuple(known)


def _scenario(
    path: Path, doc: Any, kb: Knowledge, today: dt.date
) -> tuple[Scenario | None, _Checker]:
    c = _Checker(path.name, kb, today)
    # Carry on past a bad key, so one run reports as much as it can.
    found = issues(ScenarioFile, doc, KIND_NAMES, every=True)
    for issue in found:
        c.problem("", issue.text)
    if not isinstance(doc, dict):
        return None, c
    get: Callable[[str], Any] = doc.get
    wrong = {issue.loc[0] for issue in found if issue.hard and issue.loc}
    ok_kind = {k: k in doc and k not in wrong for k in ScenarioFile.__fields__}
    scenario_id = get("id") if ok_kind["id"] else None
    if scenario_id is not None:
        if not _ID.match(scenario_id):
            c.problem("", f"'id' '{scenario_id}' should be lower-case letters, digits and '-'")
        elif scenario_id != path.stem:
            c.problem("", f"'id' '{scenario_id}' should match the file name '{path.stem}'")
    if ok_kind["last_reviewed"]:
        reviewed = get("last_reviewed")
        if reviewed > today:
            c.problem("", f"review date {reviewed} is in the future")
        elif reviewed + dt.timedelta(days=kb.review_interval_days) < today:
            c.warn(
                "last_reviewed",
                f"review overdue (last reviewed {reviewed}, due every "
                f"{kb.review_interval_days} days)",
            )
    if ok_kind["learning_objectives"]:
        c.texts("", "learning_objectives", get("learning_objectives"))
    age = get("child_age")
    audience = _audience(c, get("audience")) if ok_kind["audience"] else None
    vignette = _vignette(c, get("vignette")) if ok_kind["vignette"] else ()
    facts = _facts(c, get("facts")) if ok_kind["facts"] else {}
    for n, stage in enumerate(vignette, start=1):
        c.known(f"vignette stage {n}", "reveals", list(stage.reveals), facts, "fact")
    outcome = _outcome(c, get("model_outcome"), audience) if ok_kind["model_outcome"] else None
    sharing = _sharing(c, get("sharing")) if ok_kind["sharing"] else None
    points = _points(c, get("debrief")) if ok_kind["debrief"] else ()
    known = _known(c, get("known_differences")) if ok_kind["known_differences"] else ()
    if c.problems or audience is None or outcome is None:
        return None, c
    scenario = Scenario(
        id=doc["id"],
        title=doc["title"],
        learning_objectives=tuple(doc["learning_objectives"]),
        audience=audience,
        vignette=vignette,
        facts=facts,
        model_outcome=outcome,
        debrief=points,
        last_reviewed=doc["last_reviewed"],
        path=path,
        child_age=age,
        sharing=sharing,
        known_differences=known,
    )
    return scenario, c


def scenario_files(path: Path) -> list[Path]:
    """One file, or every .yml / .yaml file in a directory (sorted)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
    return [path]


def load_scenarios(
    path: Path | str | None = None,
    *,
    kb: Knowledge | None = None,
    today: dt.date | None = None,
    strict_review: bool = False,
) -> Library:
    """Read and check one scenario file or a directory of them; raise ScenarioError
    naming every problem in every file."""
    if kb is None:
        from bot.runtime import knowledge

        kb = knowledge()
    path = Path(path) if path is not None else LIBRARY_DIR
    today = today or dt.date.today()
    problems: list[str] = []
    warnings: list[str] = []
    scenarios: list[Scenario] = []
    files = scenario_files(path)
    if not files:
        problems.append(f"{path}: no scenario files (*.yml) found")
    for file in files:
        try:
            doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(f"{file.name}: file not found")
            continue
        except yaml.YAMLError as exc:
            problems.append(f"{file.name}: not valid YAML ({exc})")
            continue
        scenario, checker = _scenario(file, doc, kb, today)
        problems += checker.problems
        warnings += checker.warnings
        if scenario is not None:
            scenarios.append(scenario)
    seen: dict[str, str] = {}
    for s in scenarios:
        if s.id in seen:
            problems.append(f"{s.path.name}: id '{s.id}' is also used by {seen[s.id]}")
        seen[s.id] = s.path.name
    if strict_review:
        problems += warnings
    if problems:
        raise ScenarioError(problems)
    return Library(tuple(scenarios), tuple(warnings))
