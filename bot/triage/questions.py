"""Which question comes next.

Order: the opening urgent question; then the going-missing screen (never
skippable); then each category's screening question in the order the rules give
for the setting. A category's own questions are asked only after a "yes" or "not
sure" at its screen, going-missing red flags first, then by weight. No question is
asked twice, so the engine always finishes within (screens + indicators + 1) turns.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_
from bot.knowledge import Knowledge
from bot.knowledge.model import Indicator
from bot.triage.answers import URGENT, Answers, Context, screen_id


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # "urgent" | "screen" | "indicator"
    text: str
    why: str
    sources: tuple[str, ...]
    category: str | None
    skippable: bool


URGENT_TEXT = N_("Is the child in immediate danger, or might they go missing soon?")
URGENT_WHY = N_(
    "Trafficked children are often moved or disappear soon after they first meet "
    "services, so immediate danger comes first."
)
URGENT_SOURCES = ("LSCP-PG", "SEFTON-ID", "SCOT-IAG")


def category_order(kb: Knowledge, ctx: Context) -> list[str]:
    rules = kb.rules
    assert rules is not None, "triage rules not loaded"
    first = ["going_missing", *rules.setting_first.get(ctx.setting or "", ())]
    ordered = list(dict.fromkeys([*first, *rules.category_order]))
    return [c for c in ordered if c in kb.categories]


def indicator_order(kb: Knowledge, category: str) -> list[Indicator]:
    """Red flags for going missing first, then heavier indicators; stable otherwise."""
    items = kb.in_category(category)
    return sorted(items, key=lambda i: (not i.going_missing, -i.weight))


def question_for(kb: Knowledge, question_id: str) -> Question:
    rules = kb.rules
    assert rules is not None
    skippable = question_id not in rules.unskippable
    if question_id == URGENT:
        return Question(URGENT, "urgent", URGENT_TEXT, URGENT_WHY, URGENT_SOURCES, None, False)
    if question_id.startswith("screen:"):
        category = kb.categories[question_id.removeprefix("screen:")]
        s = category.screening
        return Question(question_id, "screen", s.question, s.why, s.sources, category.id, skippable)
    ind = kb.indicators[question_id]
    return Question(
        ind.id, "indicator", ind.question, ind.why, ind.sources, ind.category, skippable
    )


def _plan(kb: Knowledge, ctx: Context, answers: Answers) -> tuple[list[str], list[str]]:
    """(questions still to ask for certain, questions that depend on open screens)."""
    certain: list[str] = [] if URGENT in answers else [URGENT]
    maybe: list[str] = []
    for category in category_order(kb, ctx):
        sid = screen_id(category)
        inds = [i.id for i in indicator_order(kb, category) if i.id not in answers]
        if sid not in answers:
            certain.append(sid)
            maybe.extend(inds)
        elif answers[sid].opens:
            certain.extend(inds)
    return certain, maybe


def next_question(kb: Knowledge, ctx: Context, answers: Answers) -> Question | None:
    """The next question to ask, or None when triage is done."""
    if URGENT not in answers:
        return question_for(kb, URGENT)
    for category in category_order(kb, ctx):
        sid = screen_id(category)
        if sid not in answers:
            return question_for(kb, sid)
        if not answers[sid].opens:
            continue
        for indicator in indicator_order(kb, category):
            if indicator.id not in answers:
                return question_for(kb, indicator.id)
    return None


def open_questions(kb: Knowledge, ctx: Context, answers: Answers) -> list[str]:
    """The questions still to ask for certain, in asking order: the ones whose
    answers could still change the assessment (a draft asked for early lists them
    as gaps). Questions behind a screen not yet answered are not counted."""
    return _plan(kb, ctx, answers)[0]


def remaining(kb: Knowledge, ctx: Context, answers: Answers) -> tuple[int, int]:
    """How many questions are left: (at least, at most). "At least" assumes every
    open screen is answered "no"; "at most" assumes every one opens its category."""
    certain, maybe = _plan(kb, ctx, answers)
    return len(certain), len(certain) + len(maybe)


def all_question_ids(kb: Knowledge, ctx: Context) -> list[str]:
    """Every question in asking order (for the blank proforma)."""
    ids = [URGENT]
    for category in category_order(kb, ctx):
        ids.append(screen_id(category))
        ids.extend(i.id for i in indicator_order(kb, category))
    return ids
