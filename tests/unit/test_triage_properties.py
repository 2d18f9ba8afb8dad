"""Properties that must hold for every context and every set of answers."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge import load_knowledge
from bot.knowledge.model import CONCERN_LEVELS, MISSING_LEVELS, NATIONS, ROLES, SETTINGS
from bot.triage import Answer, Context, assess, next_question, next_steps
from bot.triage.answers import URGENT, VALUES
from bot.triage.questions import (
    MAX_ASKED,
    all_question_ids,
    categories_in_play,
    decision,
    pick_options,
)

KB = load_knowledge(today=dt.date(2026, 12, 3))
QUESTION_IDS = all_question_ids(KB, Context())
INDICATOR_IDS = sorted(KB.indicators)
FLAGGED = sorted(i.id for i in KB.indicators.values() if i.going_missing)

contexts = st.builds(
    Context,
    role=st.sampled_from((None, *ROLES)),
    nation=st.sampled_from((None, *NATIONS)),
    setting=st.sampled_from((None, *SETTINGS)),
    age=st.one_of(st.none(), st.integers(min_value=0, max_value=25)),
    age_disputed=st.booleans(),
    office_hours=st.sampled_from((None, True, False)),
)
answer_values = st.sampled_from(VALUES).map(Answer)
answer_sets = st.dictionaries(st.sampled_from(QUESTION_IDS), answer_values, max_size=40)
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rank(result) -> tuple[int, int]:
    return CONCERN_LEVELS.index(result.concern), MISSING_LEVELS.index(result.going_missing)


@fast
@given(contexts, answer_sets, st.sampled_from([URGENT, *INDICATOR_IDS]))
def test_adding_a_yes_never_lowers_a_level(ctx, answers, question) -> None:
    before = assess(KB, ctx, answers)
    after = assess(KB, ctx, {**answers, question: Answer("yes")})
    assert rank(after)[0] >= rank(before)[0]
    assert rank(after)[1] >= rank(before)[1]
    assert after.score >= before.score


@fast
@given(contexts, answer_sets, st.sampled_from(FLAGGED))
def test_any_going_missing_red_flag_is_immediate_or_high(ctx, answers, flag) -> None:
    result = assess(KB, ctx, {**answers, flag: Answer("yes")})
    assert result.going_missing in ("immediate", "high")


@fast
@given(contexts, answer_sets, st.sampled_from(INDICATOR_IDS))
def test_a_not_sure_never_raises_a_level(ctx, answers, question) -> None:
    # Issue 18: "not sure" is an unknown; only the opening question is an exception.
    without = {q: a for q, a in answers.items() if q != question}
    before = assess(KB, ctx, without)
    after = assess(KB, ctx, {**without, question: Answer("not_sure")})
    assert rank(after) == rank(before) and after.score == before.score


@fast
@given(contexts, st.dictionaries(st.sampled_from(QUESTION_IDS), answer_values))
def test_the_engine_always_terminates_within_the_number_of_questions(ctx, script) -> None:
    # The user answers from a script; anything the script lacks is "no".
    answers: dict[str, Answer] = {}
    turns = 0
    while (q := next_question(KB, ctx, answers)) is not None:
        assert q.id not in answers, "no question is asked twice"
        answer = script.get(q.id, Answer("no"))
        if not q.skippable and answer.value == "skip":
            answer = Answer("not_sure")  # the conversation refuses skip here
        answers[q.id] = answer
        turns += 1
        assert turns <= len(QUESTION_IDS)
    assert turns <= 1 + len(KB.categories) + len(KB.indicators)


@fast
@given(contexts, st.dictionaries(st.sampled_from(QUESTION_IDS), answer_values))
def test_the_engine_stops_when_settled_and_within_the_budget(ctx, script) -> None:
    # Issue 18: ask only what can still change the decision, at most MAX_ASKED.
    answers: dict[str, Answer] = {}
    while (q := next_question(KB, ctx, answers, len(answers))) is not None:
        if q.kind == "pick":  # "which of these is it?": a sign the script says yes to
            listed = [i.id for i in pick_options(KB, ctx, answers, q.category)]
            chosen = next((i for i in listed if script.get(i, Answer("no")).is_concern), None)
            if chosen is not None:
                answers[chosen] = script[chosen]
                continue
        answer = script.get(q.id, Answer("no"))
        if not q.skippable and answer.value == "skip":
            answer = Answer("not_sure")
        answers[q.id] = Answer("no") if q.kind == "pick" and answer.is_concern else answer
    assert len(answers) <= MAX_ASKED
    if len(answers) == MAX_ASKED:
        return  # ended by the budget: the draft lists what was not asked
    # Settled: in a category not screened, no single "yes" changes what the
    # professional is told to do; in one opened, no single "yes" changes the route
    # (the going-missing level, a step or action a sign or kind brings). Once the
    # child may go missing now, only what is done now counts: the actions, the
    # steps due now that a sign brings, and the steps a concern level brings.
    now = decision(KB, ctx, answers)

    def done_now(d) -> tuple:
        kind = d.route(KB)[1]
        steps = {
            s.id
            for s in KB.pathway
            if s.id in d.steps
            and ((s.id in kind and s.how_soon == "now") or s.min_concern != "few")
        }
        return d.actions, steps

    for category in categories_in_play(KB, ctx, answers):
        screen = answers.get(f"screen:{category}")
        if screen is not None and not screen.is_concern:
            continue  # closed, or "not sure": a gap in the draft
        if f"pick:{category}" in answers:
            continue  # none of its listed signs, or not sure which: gaps in the draft
        for ind in KB.in_category(category):
            if ind.id in answers:
                continue
            after = decision(KB, ctx, {**answers, ind.id: Answer("yes")})
            if now.going_missing == "immediate":
                assert done_now(after) == done_now(now), ind.id
            elif screen is None:
                assert after == now, ind.id
            else:
                assert after.route(KB) == now.route(KB), ind.id


@fast
@given(contexts, answer_sets)
def test_every_path_ends_with_nspcc_and_childrens_social_care(ctx, answers) -> None:
    steps = next_steps(KB, ctx, answers, assess(KB, ctx, answers))
    contacts = {c for s in steps for c in s.contacts}
    assert "nspcc_helpline" in contacts
    # Each nation's own referral route (nations.yml), never England's everywhere.
    route = KB.terms(ctx.nation or "england").referral_route
    assert any(route in s.text for s in steps)


@fast
@given(contexts, answer_sets)
def test_levels_are_always_from_the_allowed_words(ctx, answers) -> None:
    result = assess(KB, ctx, answers)
    assert result.concern in CONCERN_LEVELS and result.going_missing in MISSING_LEVELS
    assert result.concern != "no risk"
