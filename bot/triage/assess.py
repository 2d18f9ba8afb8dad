"""How concerned to be, and why, in plain words.

Two levels, each with the answers that drove it:
- going missing: immediate / high / medium / low;
- trafficking concern: strong / some / few indicators (never "no risk").
Weights and thresholds come from indicators.yml and triage.yml. Floor rules then
raise a level where the rules say it must never be lower. Every step only ever
raises a level, so adding a "yes" can never lower one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, _
from bot.knowledge import Knowledge
from bot.knowledge.model import CONCERN_LEVELS, MISSING_LEVELS, FloorRule, Indicator
from bot.triage.answers import URGENT, Answers, Context


@dataclass(frozen=True)
class Driver:
    """One answer that raised a level."""

    indicator: str
    question: str
    answer: str
    why: str
    sources: tuple[str, ...]
    weight: int


@dataclass(frozen=True)
class Assessment:
    going_missing: str
    concern: str
    score: int
    missing_drivers: tuple[Driver, ...]
    concern_drivers: tuple[Driver, ...]
    floor_rules: tuple[str, ...]  # ids of the floor rules that raised a level
    urgent: bool  # the opening question was answered yes or not sure
    is_child: bool

    @property
    def indicators_found(self) -> int:
        return len(self.concern_drivers)


def _at_least(levels: tuple[str, ...], current: str, floor: str | None) -> str:
    if floor is None:
        return current
    return max(current, floor, key=levels.index)


def concerning(kb: Knowledge, answers: Answers) -> list[Indicator]:
    """Indicators answered yes, in the order they were answered ("not sure" is an
    unknown, listed as a gap in the draft, never a concern by itself)."""
    return [
        kb.indicators[qid] for qid, a in answers.items() if qid in kb.indicators and a.is_concern
    ]


def _driver(ind: Indicator, answers: Answers) -> Driver:
    return Driver(ind.id, ind.question, answers[ind.id].value, ind.why, ind.sources, ind.weight)


def _rule_holds(rule: FloorRule, ctx: Context, found: list[Indicator]) -> bool:
    cond = rule.condition
    flagged = [i for i in found if i.going_missing]
    controlling = [i for i in found if i.controlling_adult]
    if "min_indicators" in cond and len(found) < cond["min_indicators"]:
        return False
    if "max_age" in cond and (ctx.age is None or ctx.age > cond["max_age"]):
        return False
    if "min_flagged" in cond and len(flagged) < cond["min_flagged"]:
        return False
    if "min_controlling_adult" in cond:
        if len(controlling) < cond["min_controlling_adult"]:
            return False
        # "together with": the adult sign must be a different answer from the
        # going-missing sign it is paired with.
        if "min_flagged" in cond and not any(f != c for f in flagged for c in controlling):
            return False
    return True


def assess(kb: Knowledge, ctx: Context, answers: Answers) -> Assessment:
    rules = kb.rules
    assert rules is not None, "triage rules not loaded"
    found = concerning(kb, answers)
    score = sum(i.weight for i in found)

    concern = "few"
    for level in reversed(CONCERN_LEVELS):  # strongest first
        if score >= rules.concern_thresholds[level]:
            concern = level
            break

    # The one exception: "not sure" to the opening question counts as urgent.
    urgent = URGENT in answers and answers[URGENT].opens
    flagged = [i for i in found if i.going_missing]
    if urgent:
        missing = "immediate"
    elif len(flagged) >= rules.missing_high_min_flagged:
        missing = "high"
    elif CONCERN_LEVELS.index(concern) >= CONCERN_LEVELS.index(rules.missing_medium_min_concern):
        missing = "medium"
    else:
        missing = "low"

    applied: list[str] = []
    for rule in rules.floor_rules:
        if not _rule_holds(rule, ctx, found):
            continue
        raised_concern = _at_least(CONCERN_LEVELS, concern, rule.concern_at_least)
        raised_missing = _at_least(MISSING_LEVELS, missing, rule.going_missing_at_least)
        if (raised_concern, raised_missing) != (concern, missing):
            applied.append(rule.id)
        concern, missing = raised_concern, raised_missing

    return Assessment(
        going_missing=missing,
        concern=concern,
        score=score,
        missing_drivers=tuple(_driver(i, answers) for i in flagged),
        concern_drivers=tuple(_driver(i, answers) for i in found),
        floor_rules=tuple(applied),
        urgent=urgent,
        is_child=ctx.is_child,
    )


MISSING_WORDS = {
    "immediate": N_("Immediate: act now, before the child can be moved or go missing."),
    "high": N_("High: there are signs the child may go missing or be moved."),
    "medium": N_("Medium: no direct sign yet, but the concern means the child could be moved."),
    "low": N_(
        "Low: no going-missing signs reported so far. This is not a finding that the child "
        "is safe: keep watching and record what you see."
    ),
}
CONCERN_WORDS = {
    "strong": N_("Strong: several indicators of trafficking or exploitation."),
    "some": N_("Some indicators of trafficking or exploitation."),
    "few": N_(
        "Few indicators so far. This is not a finding that the child is safe: keep "
        "watching, record what you see and tell your safeguarding lead."
    ),
}


def answer_word(value: str) -> str:
    return {"yes": _("yes"), "not_sure": _("not sure"), "no": _("no"), "skip": _("skipped")}[value]


def explain(kb: Knowledge, result: Assessment) -> list[str]:
    """The assessment in plain words (in the current language), with the answers
    that drove it."""
    lines = [_("Going-missing risk: {words}").format(words=_(MISSING_WORDS[result.going_missing]))]
    if result.urgent:
        lines.append(_("- You said the child is in immediate danger or may go missing soon."))
    lines += [f"- {_(d.question)} ({answer_word(d.answer)})" for d in result.missing_drivers]
    lines.append(_("Trafficking concern: {words}").format(words=_(CONCERN_WORDS[result.concern])))
    lines += [f"- {_(d.question)} ({answer_word(d.answer)})" for d in result.concern_drivers]
    for rule in kb.rules.floor_rules if kb.rules else ():
        if rule.id in result.floor_rules:
            lines.append(_("Raised by the rule: {rule}").format(rule=_(rule.description)))
    return lines
