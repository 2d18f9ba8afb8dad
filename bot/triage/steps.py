"""What to do: the immediate actions for this professional, and the ordered
next-steps checklist for this role, nation and level. Pure selection from the
guidance data; the wording and the numbers are all in the YAML."""

from __future__ import annotations

from dataclasses import dataclass

from bot.advice import fill_contacts, local_numbers
from bot.i18n import _
from bot.knowledge import Knowledge
from bot.knowledge.model import CONCERN_LEVELS, MISSING_LEVELS, ImmediateAction, PathwayStep
from bot.triage.answers import Answers, Context
from bot.triage.assess import Assessment, concerning


@dataclass(frozen=True)
class NextStep:
    id: str
    text: str
    who: str
    how_soon: str
    contacts: tuple[str, ...]
    sources: tuple[str, ...]
    warning: bool


# The immediate-action block is short: at most this many steps, at most one of them
# for a kind of exploitation. Which ones is data (immediate_actions.yml priority).
MAX_IMMEDIATE_STEPS = 5
MAX_KIND_STEPS = 1


def immediate_actions(
    kb: Knowledge, ctx: Context, answers: Answers | None = None
) -> list[ImmediateAction]:
    """The immediate-action advice for this professional: the steps that apply to
    the role, nation and time of day (and, for a kind of exploitation, to the
    answers), the most important by priority, shown in order. An unknown role is
    treated as "other" (every professional who is not named)."""
    role = ctx.role or "other"
    found = concerning(kb, answers or {})
    found_ids = {i.id for i in found}
    found_categories = {i.category for i in found}
    applicable = [
        a
        for a in kb.immediate_actions
        if a.applies(role, ctx.nation, ctx.office_hours)
        and (
            not a.kind_specific
            or found_ids & set(a.if_indicators)
            or found_categories & set(a.if_categories)
        )
    ]
    chosen: list[ImmediateAction] = []
    kinds = 0
    for a in sorted(applicable, key=lambda a: (a.priority, a.order)):
        if a.kind_specific:
            if kinds >= MAX_KIND_STEPS:
                continue
            kinds += 1
        chosen.append(a)
        if len(chosen) == MAX_IMMEDIATE_STEPS:
            break
    return sorted(chosen, key=lambda a: a.order)


def immediate_texts(kb: Knowledge, ctx: Context, answers: Answers | None = None) -> list[str]:
    """Each action in the wording for this role and nation (guidance variants)."""
    texts = []
    for a in immediate_actions(kb, ctx, answers):
        text, contacts = a.wording(ctx.role or "other", ctx.nation)
        texts.append(fill_contacts(_(text), kb) + local_numbers([kb.contact(c) for c in contacts]))
    return texts


def step_applies(
    step: PathwayStep, kb: Knowledge, ctx: Context, result: Assessment, answers: Answers
) -> bool:
    role = ctx.role or "other"
    if step.roles and role not in step.roles:
        return False
    # An unknown nation takes England's checklist: the conversation asks the nation
    # before any draft, and a referral route must always be there.
    nation = ctx.nation or "england"
    if step.nations and nation not in step.nations:
        return False
    if CONCERN_LEVELS.index(result.concern) < CONCERN_LEVELS.index(step.min_concern):
        return False
    if MISSING_LEVELS.index(result.going_missing) < MISSING_LEVELS.index(step.min_going_missing):
        return False
    conditional = step.if_categories or step.if_indicators or step.if_age_in_doubt
    if not conditional:
        return True
    found = concerning(kb, answers)
    return (
        any(i.category in step.if_categories for i in found)
        or any(i.id in step.if_indicators for i in found)
        or (step.if_age_in_doubt and ctx.age_disputed)
    )


def next_steps(kb: Knowledge, ctx: Context, answers: Answers, result: Assessment) -> list[NextStep]:
    """The checklist, in order, each with who does it, how soon and its sources."""
    out = []
    for step in kb.pathway:
        if not step_applies(step, kb, ctx, result, answers):
            continue
        # The wording for this role and nation (guidance variants); like the filter
        # above, a checklist for an unknown nation takes England's.
        text, contacts = step.wording(ctx.role or "other", ctx.nation or "england")
        out.append(
            NextStep(
                id=step.id,
                text=fill_contacts(_(text), kb) + local_numbers([kb.contact(c) for c in contacts]),
                who=step.who,
                how_soon=step.how_soon,
                contacts=contacts,
                sources=step.sources,
                warning=step.warning,
            )
        )
    return out
