"""Which question comes next: only one that can still change the decision.

The decision is what the professional is told to do: the going-missing level, the
concern level, the next steps and the immediate actions. See ``Decision``.

Order: the opening urgent question; then, for each category in play (going missing
and control always, the setting's likeliest categories, and every category the
facts already touch), its screening question while the category could still change
the decision, and, after a "yes" there, "which of these is it?" with its signs as
a list (going-missing red flags first, then by weight), then only the signs whose
"yes" would change the route. Once the child may go missing now, the professional's minutes go
to acting: a sign is then asked only if its "yes" would change the immediate
actions or bring a step due now; the others are listed in the draft as not known
(``deferred``). Then "anything else?", offering the categories nothing has been
asked or told about: choosing one opens it (its screen answered "yes"), and the
question comes back until the answer is "no"; a bare "yes" brings every other
category's screen. No question is asked twice, and at most MAX_ASKED are asked in
all: after that the professional goes on to the assessment and the draft.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from bot.i18n import N_
from bot.knowledge import Knowledge
from bot.knowledge.model import CONCERN_LEVELS, Indicator
from bot.triage.answers import (
    MORE,
    PICK_PREFIX,
    URGENT,
    YES,
    Answer,
    Answers,
    Context,
    pick_id,
    screen_id,
)
from bot.triage.assess import Assessment, assess
from bot.triage.steps import immediate_actions, step_applies


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # "urgent" | "more" | "screen" | "pick" | "indicator"
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
MORE_TEXT = N_(
    "Is there anything else that worries you? Choose what it is about, tell me in "
    "your own words, or answer no."
)
MORE_WHY = N_(
    "I ask first about what you have told me and the signs that most often come "
    "before a child goes missing. Anything else you know can change the advice, so "
    "say yes, or tell me in your own words."
)
MORE_SOURCES = ("HO-MS-GUID", "LSCP-PG")
PICK_TEXT = N_(
    "Which of these is it? Choose the one that fits best, or type the numbers of all that fit."
)
ALSO_TEXT = N_("Do any of these also apply? Choose one, or type the numbers of all that do.")
PICK_WHY = N_(
    "You said yes, so I ask which sign it is: the referral needs it, and some signs "
    "change what should be done. One list is quicker than a question for each."
)
ALSO_WHY = N_(
    "Each of these would change what you are advised to do, so it is worth saying "
    "if any of them is there too."
)

# Always screened, whatever the facts: going missing and a controlling adult set
# the going-missing level and the floor rule that means acting now.
CORE_CATEGORIES = ("going_missing", "control")
# How many of the setting's likeliest categories (triage.yml setting_first) are
# screened besides the core ones without being asked "anything else?".
SETTING_CATEGORIES = 2
# At most this many questions (the opening one included; "how do you know?" and the
# context choices are not counted) before the assessment and the draft.
MAX_ASKED = 15


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
    if question_id == MORE:
        return Question(MORE, "more", MORE_TEXT, MORE_WHY, MORE_SOURCES, None, True)
    if question_id.startswith("screen:"):
        category = kb.categories[question_id.removeprefix("screen:")]
        s = category.screening
        return Question(question_id, "screen", s.question, s.why, s.sources, category.id, skippable)
    if question_id.startswith(PICK_PREFIX):
        category = kb.categories[question_id.removeprefix(PICK_PREFIX)]
        sources = category.screening.sources
        return Question(question_id, "pick", PICK_TEXT, PICK_WHY, sources, category.id, True)
    ind = kb.indicators[question_id]
    return Question(
        ind.id, "indicator", ind.question, ind.why, ind.sources, ind.category, skippable
    )


@dataclass(frozen=True)
class Decision:
    """What the answers make the professional do. Two sets of answers with the same
    Decision lead to the same advice, steps and levels that matter."""

    going_missing: str
    concern: str
    steps: frozenset[str]
    actions: frozenset[str]

    def route(self, kb: Knowledge) -> tuple[str, frozenset[str], frozenset[str]]:
        """What follows from the kind of case rather than from how many signs there
        are: a direct going-missing risk (high or immediate; medium comes from the
        count of signs alone), the steps that a particular sign or kind of
        exploitation brings, and the immediate actions."""
        direct = self.going_missing if self.going_missing in ("high", "immediate") else "lower"
        kind_steps = frozenset(
            s.id
            for s in kb.pathway
            if s.id in self.steps and (s.if_categories or s.if_indicators or s.if_age_in_doubt)
        )
        return direct, kind_steps, self.actions

    def acting_now(self) -> bool:
        """The child may go missing now: the immediate actions come first."""
        return self.going_missing == "immediate"

    def what_matters(self, kb: Knowledge) -> tuple[object, ...]:
        """The part of the decision a further sign's "yes" must change to be worth a
        question: the route, or, once the child may go missing now, what is to be
        done now: the immediate actions, the steps a sign or kind brings that are
        due now (``how_soon: now`` in pathway.yml, such as treating a young person
        whose age is in doubt as a child) and the steps a concern level brings (an
        NRM referral from "some"). Steps due later (a section 45 defence, a CEOP
        report today) wait for the draft; a level that changes only the wording
        does not count."""
        direct, kind_steps, actions = self.route(kb)
        if not self.acting_now():
            return direct, kind_steps, actions
        lowest = CONCERN_LEVELS[0]
        due_now = frozenset(
            s.id
            for s in kb.pathway
            if s.id in self.steps
            and ((s.id in kind_steps and s.how_soon == "now") or s.min_concern != lowest)
        )
        return self.going_missing, actions, due_now


def decision(
    kb: Knowledge, ctx: Context, answers: Answers, result: Assessment | None = None
) -> Decision:
    """The decision these answers give (``result``: their assessment, if made)."""
    result = result or assess(kb, ctx, answers)
    steps = frozenset(s.id for s in kb.pathway if step_applies(s, kb, ctx, result, answers))
    actions = frozenset(a.id for a in immediate_actions(kb, ctx, answers))
    return Decision(result.going_missing, result.concern, steps, actions)


@dataclass(frozen=True)
class _Now:
    """The decision now and how far the concern score could still go."""

    decision: Decision
    score: int
    next_threshold: int | None  # the score that would raise the concern (None at the top)
    next_brings_steps: bool  # whether the next concern level brings steps of its own


def _now(kb: Knowledge, ctx: Context, answers: Answers) -> _Now:
    assert kb.rules is not None
    result = assess(kb, ctx, answers)
    now = decision(kb, ctx, answers, result)
    score = result.score
    level = CONCERN_LEVELS.index(now.concern)
    higher = CONCERN_LEVELS[level + 1] if level + 1 < len(CONCERN_LEVELS) else None
    threshold = kb.rules.concern_thresholds[higher] if higher else None
    brings = higher is not None and any(s.min_concern == higher for s in kb.pathway)
    return _Now(now, score, threshold, brings)


def categories_in_play(kb: Knowledge, ctx: Context, answers: Answers) -> list[str]:
    """The categories whose questions may be asked now, in asking order: the core
    ones, the setting's likeliest, those the answers or the reader's facts touch,
    and every one after a bare "yes" to "anything else?"."""
    assert kb.rules is not None
    order = category_order(kb, ctx)
    if MORE in answers and answers[MORE].value == YES:  # "not sure" adds nothing to ask
        return order
    likely = [c for c in kb.rules.setting_first.get(ctx.setting or "", ()) if c in kb.categories]
    likely = [c for c in likely if c not in CORE_CATEGORIES][:SETTING_CATEGORIES]
    touched = {
        kb.indicators[qid].category
        for qid, a in answers.items()
        if qid in kb.indicators and a.opens
    } | {
        qid.removeprefix("screen:")
        for qid, a in answers.items()
        if qid.startswith("screen:") and a.opens
    }
    wanted = {*CORE_CATEGORIES, *likely, *touched}
    return [c for c in order if c in wanted]


def _changes(
    kb: Knowledge, ctx: Context, answers: Answers, now: Decision, indicator_id: str
) -> bool:
    """Whether a "yes" to this indicator alone would change the decision (once the
    child may go missing now: what matters then, see ``Decision.what_matters``)."""
    after = decision(kb, ctx, {**answers, indicator_id: Answer(YES)})
    if now.acting_now():
        return after.what_matters(kb) != now.what_matters(kb)
    return after != now


def _screen_worth_asking(
    kb: Knowledge, ctx: Context, answers: Answers, now: _Now, category: str
) -> bool:
    """A screen is worth asking while its category could change the decision: one
    of its signs alone, or all of them together taking the concern score to a level
    that matters (once the child may go missing now, only a level that brings
    steps of its own: above that, the level changes the wording, not what is done)."""
    unanswered = [i for i in kb.in_category(category) if i.id not in answers]
    weight = sum(i.weight for i in unanswered)
    level_matters = now.next_brings_steps or not now.decision.acting_now()
    if (
        level_matters
        and now.next_threshold is not None
        and now.score + weight >= now.next_threshold
    ):
        return True
    return any(_changes(kb, ctx, answers, now.decision, i.id) for i in unanswered)


def found_in(kb: Knowledge, answers: Answers, category: str) -> bool:
    """Whether a sign of this category is a "yes" (answered, or told)."""
    return any(answers[i.id].is_concern for i in kb.in_category(category) if i.id in answers)


def pick_options(kb: Knowledge, ctx: Context, answers: Answers, category: str) -> list[Indicator]:
    """The signs the category's list shows, in asking order (a number typed counts
    from 1 here). Before a sign is found ("which of these is it?"): every sign not
    answered. After ("do any of these also apply?"): only those whose "yes" would
    change what matters now (``Decision.what_matters``)."""
    return list(_listed(kb, ctx, answers, category, decision(kb, ctx, answers)))


def _listed(
    kb: Knowledge, ctx: Context, answers: Answers, category: str, now: Decision
) -> Iterator[Indicator]:
    """``pick_options`` one by one, each "yes" looked ahead only when it is needed."""
    unanswered = (i for i in indicator_order(kb, category) if i.id not in answers)
    if not found_in(kb, answers, category):
        yield from unanswered
        return
    matters = now.what_matters(kb)
    for i in unanswered:
        if decision(kb, ctx, {**answers, i.id: Answer(YES)}).what_matters(kb) != matters:
            yield i


def _next_in(kb: Knowledge, ctx: Context, answers: Answers, now: _Now, category: str) -> str | None:
    """The category's next question: its screen, while the category could change
    the decision. After a "yes" there, one list of its signs: "which of these is
    it?" (the professional said something is there: which sign it is belongs in
    the draft). Once a sign is found, "do any of these also apply?" lists only the
    signs whose "yes" would change what matters now: the going-missing level, or a
    step or action that sign or kind brings; once the child may go missing now, only
    the actions and the steps due now. More signs of a kind already found are not
    asked about just to add to the count; "anything else?" and the professional's
    own words can still add them. With one sign to ask about, its own question
    comes instead of a list. "None of these" or "not sure" at a list ends the
    category: its signs are gaps in the draft, not asked one by one. A screen
    answered "not sure" is an unknown too."""
    sid = screen_id(category)
    if sid not in answers:
        return sid if _screen_worth_asking(kb, ctx, answers, now, category) else None
    if not answers[sid].is_concern:
        return None  # "no", skipped, or "not sure": an unknown, a gap in the draft
    if pick_id(category) in answers:
        return None
    # Only how many there are matters here (none, one, more): look no further.
    options = list(islice(_listed(kb, ctx, answers, category, now.decision), 2))
    if not options:
        return None
    return options[0].id if len(options) == 1 else pick_id(category)


def deferred(kb: Knowledge, ctx: Context, answers: Answers) -> list[str]:
    """The questions not asked because the child may go missing now: in each
    category opened (its screen "yes" or a sign found), the signs whose "yes" would
    add a step due later; in each category in play whose screen was not asked, the
    screen, if one of its signs would. The draft lists them as not known, so the
    referral can take them up."""
    now = decision(kb, ctx, answers)
    if not now.acting_now():
        return []
    route = now.route(kb)

    def adds_to_route(indicator_id: str) -> bool:
        return decision(kb, ctx, {**answers, indicator_id: Answer(YES)}).route(kb) != route

    out: list[str] = []
    for category in categories_in_play(kb, ctx, answers):
        signs = [i for i in indicator_order(kb, category) if i.id not in answers]
        screen = answers.get(screen_id(category))
        opened = (screen is not None and screen.is_concern) or found_in(kb, answers, category)
        if pick_id(category) in answers:
            continue  # its list answered: "none of these" ruled its signs out, or a gap
        if opened:
            out += [i.id for i in signs if adds_to_route(i.id)]
        elif screen is None and any(adds_to_route(i.id) for i in signs):
            out.append(screen_id(category))
    return out


def categories_to_offer(kb: Knowledge, ctx: Context, answers: Answers) -> list[str]:
    """The categories "anything else?" offers: those nothing has been asked or told
    about yet (not in play, or in play but not worth a question until now)."""
    told = {kb.indicators[qid].category for qid in answers if qid in kb.indicators}
    return [c for c in category_order(kb, ctx) if screen_id(c) not in answers and c not in told]


def next_question(kb: Knowledge, ctx: Context, answers: Answers, asked: int = 0) -> Question | None:
    """The next question to ask, or None when the decision is settled (or
    ``asked`` questions have reached MAX_ASKED)."""
    if URGENT not in answers:
        return question_for(kb, URGENT)
    if asked >= MAX_ASKED:
        return None
    now = _now(kb, ctx, answers)
    for category in categories_in_play(kb, ctx, answers):
        qid = _next_in(kb, ctx, answers, now, category)
        if qid is not None:
            return question_for(kb, qid)
    if MORE not in answers and categories_to_offer(kb, ctx, answers):
        return question_for(kb, MORE)
    return None


def _path(kb: Knowledge, ctx: Context, answers: Answers, asked: int, value: str) -> list[str]:
    """The questions that would be asked if every answer from now were ``value``."""
    out: list[str] = []
    answers = dict(answers)
    while (q := next_question(kb, ctx, answers, asked + len(out))) is not None:
        out.append(q.id)
        answers[q.id] = Answer(value)
    return out


def open_questions(kb: Knowledge, ctx: Context, answers: Answers, asked: int = 0) -> list[str]:
    """The questions that would still be asked if every answer were "no", in asking
    order: the gaps a draft asked for early lists."""
    return _path(kb, ctx, answers, asked, "no")


def remaining(kb: Knowledge, ctx: Context, answers: Answers, asked: int = 0) -> tuple[int, int]:
    """How many questions may be left: (if every answer from now is "no", at most).
    The most is what MAX_ASKED still allows, and never more than the questions not
    yet answered."""
    low = len(_path(kb, ctx, answers, asked, "no"))
    if low == 0:
        return 0, 0  # settled now: no answer is awaited that could open more
    ids = {*all_question_ids(kb, ctx), MORE}  # + "anything else?"
    unanswered = len(ids) - len(ids & set(answers))
    return low, max(low, min(MAX_ASKED - asked, unanswered))


def all_question_ids(kb: Knowledge, ctx: Context) -> list[str]:
    """Every question in asking order (for the blank proforma)."""
    ids = [URGENT]
    for category in category_order(kb, ctx):
        ids.append(screen_id(category))
        ids.extend(i.id for i in indicator_order(kb, category))
    return ids
