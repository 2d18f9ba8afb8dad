"""The triage engine's rules, one test each, on the shipped guidance."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from bot.knowledge import Knowledge, load_knowledge
from bot.triage import Answer, Context, assess, immediate_actions, next_question, next_steps
from bot.triage.answers import MORE, URGENT, pick_id, screen_id
from bot.triage.questions import (
    CORE_CATEGORIES,
    MAX_ASKED,
    categories_in_play,
    decision,
    deferred,
    indicator_order,
    pick_options,
    question_for,
    remaining,
)
from bot.triage.summary import referral_summary

TODAY = dt.date(2026, 12, 3)
TEACHER = Context(role="teacher", nation="england", setting="school", age=14)


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=TODAY)


def yes(**kw) -> Answer:
    return Answer("yes", **kw)


NO = Answer("no")


def play(
    kb: Knowledge, ctx: Context, policy, answers: dict[str, Answer] | None = None
) -> tuple[list[str], dict[str, Answer]]:
    """Ask until done, answering with policy(question); return the ids asked."""
    asked: list[str] = []
    answers = dict(answers or {})
    before = len(answers)  # answered before: they count towards the budget
    while (q := next_question(kb, ctx, answers, before + len(asked))) is not None:
        assert q.id not in answers, f"{q.id} asked twice"
        asked.append(q.id)
        if q.kind == "pick":  # "which of these is it?": the first sign policy says yes to
            signs = [question_for(kb, i.id) for i in pick_options(kb, ctx, answers, q.category)]
            chosen = next((s for s in signs if policy(s).is_concern), None)
            if chosen is not None:
                asked[-1] = chosen.id  # the list asked, as the sign chosen
                answers[chosen.id] = policy(chosen)
                continue
            answer = policy(q)
            answers[q.id] = NO if answer.is_concern else answer
            continue
        answers[q.id] = policy(q)
    return asked, answers


# --- next question ---------------------------------------------------------------


def test_urgent_then_the_unskippable_going_missing_screen_come_first(kb: Knowledge) -> None:
    first = next_question(kb, TEACHER, {})
    assert first.id == URGENT and not first.skippable
    second = next_question(kb, TEACHER, {URGENT: NO})
    assert second.id == screen_id("going_missing") and not second.skippable
    third = next_question(kb, TEACHER, {URGENT: NO, second.id: NO})
    assert third.skippable


def test_the_setting_decides_which_categories_come_next(kb: Knowledge) -> None:
    base = {URGENT: NO, screen_id("going_missing"): NO}
    port = Context(role="police", nation="england", setting="port_or_border")
    assert next_question(kb, port, base).id == screen_id("journey")
    health = Context(role="health", nation="wales", setting="health")
    assert next_question(kb, health, base).id == screen_id("health")


def test_a_category_opens_only_on_yes(kb: Knowledge) -> None:
    asked_all_no, _ = play(kb, TEACHER, lambda q: NO)
    assert all(qid in (URGENT, MORE) or qid.startswith("screen:") for qid in asked_all_no)

    # "Not sure" at a screen is an unknown (a gap in the draft), not more questions.
    def unsure_control(q):
        return Answer("not_sure") if q.id == screen_id("control") else NO

    asked, _ = play(kb, TEACHER, unsure_control)
    assert not [qid for qid in asked if qid in kb.indicators]

    def open_control(q):
        return yes() if q.id == screen_id("control") else NO

    asked, _ = play(kb, TEACHER, open_control)
    # "Which of these is it?" once; "none of these" leaves the signs unknown.
    assert pick_id("control") in asked
    assert not [qid for qid in asked if qid in kb.indicators]


def test_a_screen_said_yes_asks_which_of_its_signs_it_is_once(kb: Knowledge) -> None:
    """Issue 18: one list, not a question per sign until one is found (the control
    category has 13 signs)."""
    base = {URGENT: NO, screen_id("going_missing"): NO, screen_id("behaviour"): yes()}
    asked, _ = play(kb, TEACHER, lambda q: NO, base)
    assert asked.count(pick_id("behaviour")) == 1
    assert not [q for q in asked if q in kb.indicators and kb.indicators[q].category == "behaviour"]
    q = next_question(kb, TEACHER, base)
    assert q.id == pick_id("behaviour") and q.kind == "pick" and q.category == "behaviour"
    listed = pick_options(kb, TEACHER, base, "behaviour")
    assert [i.id for i in listed] == [i.id for i in indicator_order(kb, "behaviour")]
    # The second sign chosen: the rest (weight 1, no step of their own) change nothing.
    second = listed[1]
    after, _ = play(kb, TEACHER, lambda q: NO, {**base, second.id: yes()})
    assert pick_id("behaviour") not in after
    assert not [q for q in after if q in kb.indicators and kb.indicators[q].category == "behaviour"]


def test_with_one_sign_left_its_own_question_is_asked_not_a_list(kb: Knowledge) -> None:
    signs = indicator_order(kb, "fraud")
    assert len(signs) == 2
    screens = {screen_id(c): NO for c in kb.categories}
    base = {URGENT: NO, MORE: NO, **screens, screen_id("fraud"): yes()}
    assert next_question(kb, TEACHER, base).id == pick_id("fraud")
    one_left = {**base, signs[0].id: NO}
    assert next_question(kb, TEACHER, one_left).id == signs[1].id


def test_every_sign_has_a_short_label_distinct_in_its_category(kb: Knowledge) -> None:
    for category in kb.categories:
        labels = [i.label for i in kb.in_category(category)]
        assert len(set(labels)) == len(labels), category
        assert all(0 < len(label) <= 60 and not label.endswith(".") for label in labels)


def test_once_the_child_may_go_missing_now_only_what_is_done_now_is_asked(kb: Knowledge) -> None:
    """Going-missing immediate and concern at the top: a sign whose "yes" would only
    add a step due later (the section 45 defence) is not asked; one whose "yes"
    brings a step due now (treat a young person whose age is in doubt as a child)
    still is."""
    section_45 = next(s for s in kb.pathway if s.id == "section_45_defence")
    assert section_45.how_soon != "now"
    base = {
        URGENT: yes(),
        screen_id("going_missing"): yes(),
        "missing_episodes": yes(),
        screen_id("control"): yes(),
        "adult_cannot_explain_relationship": yes(),
        screen_id("criminal"): yes(),
        "found_out_of_area": yes(),
        screen_id("documents"): yes(),
        "docs_held_by_other": yes(),
    }
    now = decision(kb, TEACHER, base)
    assert (now.going_missing, now.concern) == ("immediate", "strong")
    asked, answers = play(kb, TEACHER, lambda q: NO, base)
    assert not set(section_45.if_indicators) & set(asked), asked
    assert "age_disputed" in asked  # treat_as_child is due now
    # The signs not asked are the draft's gaps, and a "yes" in their own words
    # still adds the later step.
    later = deferred(kb, TEACHER, answers)
    assert set(section_45.if_indicators) <= set(later)
    draft = referral_summary(
        kb, TEACHER, answers, assess(kb, TEACHER, answers), [], unanswered=tuple(later)
    ).as_text()
    assert f"Not known: {kb.indicators['carrying_drugs_weapons'].question}" in draft
    with_drugs = {**answers, "carrying_drugs_weapons": yes()}
    steps = next_steps(kb, TEACHER, with_drugs, assess(kb, TEACHER, with_drugs))
    assert "section_45_defence" in {s.id for s in steps}


def test_a_screen_not_asked_while_acting_now_is_listed_as_not_known(kb: Knowledge) -> None:
    """The criminal screen is in play at school, but once the child may go missing
    now its signs would add only a later step: not asked, and listed for the draft."""
    base = {
        URGENT: yes(),
        screen_id("going_missing"): yes(),
        "missing_episodes": yes(),
        screen_id("control"): yes(),
        "adult_collects_child": yes(),
    }
    assert decision(kb, TEACHER, base).going_missing == "immediate"
    assert "criminal" in categories_in_play(kb, TEACHER, base)
    asked, answers = play(kb, TEACHER, lambda q: NO, base)
    assert screen_id("criminal") not in asked
    assert screen_id("criminal") in deferred(kb, TEACHER, answers)


def test_only_the_categories_in_play_are_screened_until_anything_else(kb: Knowledge) -> None:
    # Issue 18: no journey questions for a child the facts give no reason to ask
    # about, unless the professional says there is more.
    asked, _ = play(kb, TEACHER, lambda q: NO)
    likely = [c for c in kb.rules.setting_first["school"] if c not in CORE_CATEGORIES][:2]
    screened = [qid.removeprefix("screen:") for qid in asked if qid.startswith("screen:")]
    assert screened == [c for c in categories_in_play(kb, TEACHER, {}) if c in screened]
    assert set(screened) == {*CORE_CATEGORIES, *likely}
    assert asked[-1] == MORE and len(asked) <= 6  # the low-concern target

    asked_more, _ = play(kb, TEACHER, lambda q: Answer("yes") if q.id == MORE else NO)
    assert screen_id("journey") in asked_more
    assert len(asked_more) == MAX_ASKED  # every other screen, as far as the budget goes


def test_a_fact_in_a_category_brings_it_into_play(kb: Knowledge) -> None:
    told = {URGENT: NO, "travel_debt": yes()}
    assert "journey" in categories_in_play(kb, TEACHER, told)
    assert "journey" not in categories_in_play(kb, TEACHER, {URGENT: NO})


def test_a_question_that_cannot_change_the_decision_is_not_asked(kb: Knowledge) -> None:
    # Immediate and a strong concern: once a sign of behaviour is found, another
    # (weight 1, no step of its own) changes nothing, so it is not asked.
    settled = {
        URGENT: yes(),
        screen_id("control"): yes(),
        "adult_cannot_explain_relationship": yes(),
        "adult_multiple_children": yes(),
        "exploited_by_family": yes(),
        screen_id("behaviour"): yes(),
        "withdrawn_fearful": yes(),
    }
    assert assess(kb, TEACHER, settled).concern == "strong"
    asked, answers = play(kb, TEACHER, lambda q: NO, settled)
    assert not {i.id for i in kb.in_category("behaviour")} & set(asked)
    now = decision(kb, TEACHER, answers)
    assert decision(kb, TEACHER, {**answers, "mood_changes": yes()}) == now


def test_skip_at_a_screen_leaves_the_category_closed(kb: Knowledge) -> None:
    answers = {URGENT: NO, screen_id("going_missing"): NO, screen_id("behaviour"): Answer("skip")}
    asked, _ = play(kb, TEACHER, lambda q: answers.get(q.id, NO))
    assert not {i.id for i in kb.in_category("behaviour")} & set(asked)


def test_going_missing_red_flags_come_first_within_a_category(kb: Knowledge) -> None:
    base = {URGENT: NO, screen_id("going_missing"): NO, screen_id("control"): yes()}
    listed = pick_options(kb, TEACHER, base, "control")
    flags = [i.going_missing for i in listed]
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True)  # all True before any False


def test_everything_yes_stops_once_settled_within_the_budget(kb: Knowledge) -> None:
    asked, answers = play(kb, TEACHER, lambda q: yes())
    assert len(asked) == len(set(asked)) <= MAX_ASKED
    result = assess(kb, TEACHER, answers)
    assert result.going_missing == "immediate" and result.concern in ("some", "strong")


def test_remaining_is_honest(kb: Knowledge) -> None:
    answers = {URGENT: NO, screen_id("going_missing"): yes()}
    low, high = remaining(kb, TEACHER, answers, asked=2)
    # "low" is exactly what all-"no" answers take; "high" bounds every way of answering.
    assert low == len(play(kb, TEACHER, lambda q: NO, answers)[0])
    for policy in (lambda q: NO, lambda q: yes(), lambda q: Answer("not_sure")):
        assert len(play(kb, TEACHER, policy, answers)[0]) <= high
    assert high <= MAX_ASKED - 2
    assert remaining(kb, TEACHER, play(kb, TEACHER, lambda q: NO)[1]) == (0, 0)


# --- assess ----------------------------------------------------------------------


def test_nothing_found_is_few_indicators_never_no_risk(kb: Knowledge) -> None:
    result = assess(kb, TEACHER, {URGENT: NO})
    assert (result.concern, result.going_missing, result.score) == ("few", "low", 0)


def test_not_sure_is_an_unknown_not_a_concern(kb: Knowledge) -> None:
    # Issue 18: "not sure" never raises a level by itself (it is a gap in the draft).
    nothing = assess(kb, TEACHER, {URGENT: NO})
    unsure = {URGENT: NO, **{i: Answer("not_sure") for i in kb.indicators}}
    result = assess(kb, TEACHER, unsure)
    assert (result.score, result.concern, result.going_missing) == (0, "few", "low")
    assert (result.concern, result.going_missing) == (nothing.concern, nothing.going_missing)
    assert result.floor_rules == () and result.concern_drivers == ()
    assert assess(kb, TEACHER, {URGENT: NO, "travel_debt": yes()}).score > 0


def test_not_sure_never_fires_a_floor_rule(kb: Knowledge) -> None:
    # A going-missing sign and a controlling adult, or a child under 13, "not sure".
    flagged = next(i.id for i in kb.indicators.values() if i.going_missing)
    adult = next(i.id for i in kb.indicators.values() if i.controlling_adult and i.id != flagged)
    young = dataclasses.replace(TEACHER, age=9)
    unsure = {URGENT: NO, flagged: Answer("not_sure"), adult: Answer("not_sure")}
    assert assess(kb, young, unsure).going_missing == "low"
    assert assess(kb, young, {**unsure, flagged: yes(), adult: yes()}).going_missing == "immediate"


def test_a_not_sure_screen_is_a_gap_not_more_questions(kb: Knowledge) -> None:
    # Issue 18: "not sure" is an unknown. (Before, it opened the category.)
    answers = {URGENT: NO, screen_id("going_missing"): Answer("not_sure")}
    assert next_question(kb, TEACHER, answers).category != "going_missing"
    answers[screen_id("going_missing")] = yes()
    assert next_question(kb, TEACHER, answers).category == "going_missing"


def test_urgent_yes_or_not_sure_is_immediate(kb: Knowledge) -> None:
    assert assess(kb, TEACHER, {URGENT: yes()}).going_missing == "immediate"
    assert assess(kb, TEACHER, {URGENT: Answer("not_sure")}).going_missing == "immediate"


def test_a_going_missing_flag_is_high(kb: Knowledge) -> None:
    result = assess(kb, TEACHER, {URGENT: NO, "missing_episodes": yes()})
    assert result.going_missing == "high"
    assert [d.indicator for d in result.missing_drivers] == ["missing_episodes"]
    assert result.missing_drivers[0].sources


def test_thresholds_come_from_the_data(kb: Knowledge) -> None:
    answers = {URGENT: NO, "travel_debt": yes()}
    assert assess(kb, TEACHER, answers).concern == "some"
    stricter = dataclasses.replace(
        kb.rules, concern_thresholds={"few": 0, "some": 50, "strong": 99}
    )
    assert assess(dataclasses.replace(kb, rules=stricter), TEACHER, answers).concern == "few"


def test_floor_going_missing_with_a_controlling_adult_is_immediate(kb: Knowledge) -> None:
    answers = {URGENT: NO, "missing_episodes": yes(), "docs_held_by_other": yes()}
    result = assess(kb, TEACHER, answers)
    assert result.going_missing == "immediate"
    assert "missing_with_controlling_adult" in result.floor_rules


def test_floor_needs_two_different_signs(kb: Knowledge) -> None:
    # adult_collects_child is both a going-missing sign and a controlling adult:
    # on its own it is high, not immediate.
    ind = kb.indicators["adult_collects_child"]
    assert ind.going_missing and ind.controlling_adult
    result = assess(kb, TEACHER, {URGENT: NO, "adult_collects_child": yes()})
    assert result.going_missing == "high"


def test_floor_under_13_with_any_indicator_is_never_lowest(kb: Knowledge) -> None:
    young = dataclasses.replace(TEACHER, age=11)
    answers = {URGENT: NO, "mood_changes": yes()}
    assert assess(kb, TEACHER, answers).concern == "few"  # 14-year-old: one weak sign
    result = assess(kb, young, answers)
    assert result.concern == "some" and result.going_missing == "medium"
    assert "under_13_never_lowest" in result.floor_rules
    assert assess(kb, young, {URGENT: NO}).concern == "few"  # no indicator: no floor


def test_floor_age_in_doubt_is_treated_as_a_child(kb: Knowledge) -> None:
    assert Context(age=None).is_child
    assert Context(age=19, age_disputed=True).is_child
    assert not Context(age=19).is_child
    disputed = Context(role="police", nation="england", age=19, age_disputed=True)
    result = assess(kb, disputed, {URGENT: NO})
    assert result.is_child
    assert "treat_as_child" in [s.id for s in next_steps(kb, disputed, {URGENT: NO}, result)]


# --- immediate actions and next steps -----------------------------------------------


def ids(items) -> list[str]:
    return [i.id for i in items]


def test_immediate_actions_vary_by_role_nation_and_hours(kb: Knowledge) -> None:
    teacher = ids(immediate_actions(kb, TEACHER))
    assert "call_999" in teacher and "lead_must_not_delay" in teacher
    assert "tell_social_care_and_police" in teacher  # hours unknown: both routes
    police = ids(immediate_actions(kb, Context(role="police")))
    assert "call_999" not in police and "police_protect_first" in police
    assert "urgent_treatment" in ids(immediate_actions(kb, Context(role="health")))
    office = ids(immediate_actions(kb, dataclasses.replace(TEACHER, office_hours=True)))
    night = ids(immediate_actions(kb, dataclasses.replace(TEACHER, office_hours=False)))
    assert (
        "tell_social_care_office_hours" in office and "tell_social_care_out_of_hours" not in office
    )
    assert "tell_social_care_out_of_hours" in night and "tell_social_care_and_police" not in night
    scot = ids(immediate_actions(kb, Context(role="social_care", nation="scotland")))
    assert "ird_now" in scot and "strategy_discussion_now" not in scot


def steps_for(kb: Knowledge, ctx: Context, answers: dict[str, Answer]) -> list[str]:
    return ids(next_steps(kb, ctx, answers, assess(kb, ctx, answers)))


def test_next_steps_follow_role_and_nation(kb: Knowledge) -> None:
    some = {URGENT: NO, "travel_debt": yes(), "no_documents": yes()}
    teacher = steps_for(kb, TEACHER, some)
    assert teacher.index("tell_safeguarding_lead") < teacher.index("refer_social_care")
    assert {"strategy_discussion", "nrm_referral", "guardian_england_wales"} <= set(teacher)
    scot = steps_for(kb, dataclasses.replace(TEACHER, nation="scotland"), some)
    assert "inter_agency_referral_discussion" in scot and "strategy_discussion" not in scot
    assert "refer_social_work_scotland" in scot and "guardian_scotland" in scot
    ni = steps_for(kb, dataclasses.replace(TEACHER, nation="northern_ireland"), some)
    assert "guardian_northern_ireland" in ni
    assert "police_tell_social_care" in steps_for(kb, Context(role="police"), some)
    assert "tell_safeguarding_lead" not in steps_for(kb, Context(role="police"), some)


def test_often_missed_warnings_are_always_there(kb: Knowledge) -> None:
    steps = next_steps(kb, TEACHER, {URGENT: NO}, assess(kb, TEACHER, {URGENT: NO}))
    warnings = {s.id for s in steps if s.warning}
    assert {"do_not_alert_controller", "see_child_alone", "independent_interpreter"} <= warnings


def test_conditional_steps(kb: Knowledge) -> None:
    low = {URGENT: NO}
    assert "report_to_ceop" not in steps_for(kb, TEACHER, low)
    assert "report_to_ceop" in steps_for(kb, TEACHER, {**low, "online_sexual_pressure": yes()})
    crime = {**low, "cannabis_farm": yes()}
    assert "section_45_defence" in steps_for(kb, TEACHER, crime)
    assert "section_45_defence" not in steps_for(
        kb, dataclasses.replace(TEACHER, nation="scotland"), crime
    )
    assert "missing_child_plan" not in steps_for(kb, TEACHER, low)
    assert "missing_child_plan" in steps_for(kb, TEACHER, {**low, "missing_episodes": yes()})
    assert "nrm_referral" not in steps_for(kb, TEACHER, low)  # few indicators: no NRM yet


def test_low_concern_still_has_the_referral_route_and_nspcc(kb: Knowledge) -> None:
    steps = steps_for(kb, TEACHER, {URGENT: NO})
    assert {
        "tell_safeguarding_lead",
        "refer_social_care",
        "record_and_share",
        "nspcc_advice",
    } <= set(steps)


# --- issue 18: a short immediate-action block that fits the role, nation and kind -----

ROLES = ("teacher", "health", "social_care", "police", "other")
NATIONS = ("england", "wales", "scotland", "northern_ireland")


def advice_texts(kb: Knowledge, ctx: Context, answers=None) -> list[str]:
    from bot.triage.steps import immediate_texts

    return immediate_texts(kb, ctx, answers)


@pytest.mark.parametrize("nation", [*NATIONS, None])
@pytest.mark.parametrize("role", ROLES)
def test_the_immediate_block_is_short_and_fits_role_and_nation(
    kb: Knowledge, role: str, nation: str | None
) -> None:
    ctx = Context(role=role, nation=nation)
    chosen = immediate_actions(kb, ctx)
    texts = advice_texts(kb, ctx)
    assert 3 <= len(chosen) <= 5 and len(texts) == len(chosen)
    shown = "\n".join(texts)
    the_ids = ids(chosen)
    assert the_ids == sorted(the_ids, key=lambda i: next(a.order for a in chosen if a.id == i))
    # the police first when a child is at immediate risk; never "call the police" to police
    first = "police_protect_first" if role == "police" else "call_999"
    assert the_ids[0] == first
    assert any("leave with" in t for t in texts)  # no leaving with an unchecked adult
    terms = kb.terms(nation)
    assert terms.referral_route in shown.lower() or terms.referral_route in shown
    if role == "police":
        assert "call the police" not in shown.lower()
        assert not re.search(r"(?<!\d)999(?!\d)", shown)  # no "call 999" either
    lead = terms.safeguarding_lead.get(role)
    if lead:
        assert lead in shown, f"{role} in {nation}: the lead is '{lead}'"
    if role == "teacher" and nation == "england":
        assert "designated safeguarding lead" in shown


@pytest.mark.parametrize(
    ("indicator", "kind_step"),
    [
        ("forced_marriage_risk", "forced_marriage_now"),
        ("first_days_in_care", "looked_after_child_now"),
        ("online_sexual_pressure", "online_evidence_now"),
        ("port_cannot_name_contact", "port_no_release_now"),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_one_step_for_the_kind_of_exploitation_the_answers_point_to(
    kb: Knowledge, role: str, indicator: str, kind_step: str
) -> None:
    ctx = Context(role=role, nation="england")
    assert kind_step not in ids(immediate_actions(kb, ctx, {URGENT: yes()}))
    unsure = {URGENT: yes(), indicator: Answer("not_sure")}
    assert kind_step not in ids(immediate_actions(kb, ctx, unsure))  # an unknown is no kind
    chosen = ids(immediate_actions(kb, ctx, {URGENT: yes(), indicator: yes()}))
    assert kind_step in chosen and len(chosen) <= 5
    lead = kb.terms("england").safeguarding_lead.get(role)
    if lead:  # the role's own step stays
        assert "lead_must_not_delay" in chosen


def test_at_most_one_kind_step_even_when_the_answers_point_to_several(kb: Knowledge) -> None:
    answers = {
        URGENT: yes(),
        "forced_marriage_risk": yes(),
        "online_sexual_pressure": yes(),
        "first_days_in_care": yes(),
    }
    chosen = immediate_actions(kb, TEACHER, answers)
    assert len(chosen) <= 5
    assert sum(1 for a in chosen if a.if_indicators or a.if_categories) == 1


def test_the_steps_left_out_of_the_block_stay_in_the_next_steps(kb: Knowledge) -> None:
    answers = {URGENT: yes(), "missing_episodes": yes()}
    steps = steps_for(kb, TEACHER, answers)
    assert {"nspcc_advice", "record_and_share", "missing_child_plan"} <= set(steps)


def test_priority_is_data_checked_by_the_loader(kb: Knowledge, tmp_path) -> None:
    import shutil

    import yaml

    from bot.knowledge import DATA_DIR, KnowledgeError

    assert all(a.priority < 99 for a in kb.immediate_actions)  # every shipped step has one
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / "immediate_actions.yml"
    doc = yaml.safe_load(path.read_text())
    doc["immediate_actions"][0]["priority"] = 0
    doc["immediate_actions"][1]["priority"] = "high"
    doc["immediate_actions"][2]["if_indicators"] = ["no_such_indicator"]
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(target, today=TODAY)
    found = info.value.problems
    assert any("priority must be 1 or more, got 0" in p for p in found)
    assert sum("priority" in p for p in found) == 2  # the one that is not a number too
    assert any("'if_indicators' has unknown value 'no_such_indicator'" in p for p in found)


def test_once_a_sign_is_found_the_list_holds_only_the_signs_that_matter(kb: Knowledge) -> None:
    """ "Do any of these also apply?": after one sign, the category's signs whose
    "yes" would change what matters now, and no others."""
    for category in kb.categories:
        signs = indicator_order(kb, category)
        others = {screen_id(c): NO for c in kb.categories}
        base = {URGENT: NO, MORE: NO, **others, screen_id(category): yes(), signs[0].id: yes()}
        listed = {i.id for i in pick_options(kb, TEACHER, base, category)}
        matters = decision(kb, TEACHER, base).what_matters(kb)
        for sign in signs[1:]:
            after = decision(kb, TEACHER, {**base, sign.id: yes()}).what_matters(kb)
            assert (sign.id in listed) == (after != matters), (category, sign.id)
        q = next_question(kb, TEACHER, base)
        in_category = q is not None and q.category == category
        if len(listed) > 1:
            assert in_category and q.id == pick_id(category)
        elif len(listed) == 1:
            assert in_category and q.id in listed
        with_none = {**base, pick_id(category): NO}
        assert not [i for i in pick_options(kb, TEACHER, with_none, category) if i.id in with_none]
        nq = next_question(kb, TEACHER, with_none)
        assert nq is None or nq.category != category or nq.kind == "screen"


def test_signs_ruled_out_at_a_list_are_not_listed_as_not_known(kb: Knowledge) -> None:
    """Review of the list: once the child may go missing now, "none of these" at a
    category's list must not leave its signs in the draft as "not known"."""
    base = {
        URGENT: yes(),
        screen_id("going_missing"): yes(),
        "missing_episodes": yes(),
        screen_id("criminal"): yes(),
    }
    criminal = {i.id for i in kb.in_category("criminal")}
    assert criminal & set(deferred(kb, TEACHER, base))  # the test means something
    ruled_out = {**base, pick_id("criminal"): NO}
    assert not criminal & set(deferred(kb, TEACHER, ruled_out))


def test_the_most_left_counts_a_list_answered(kb: Knowledge) -> None:
    answers = {URGENT: NO, screen_id("going_missing"): yes(), pick_id("going_missing"): NO}
    low, high = remaining(kb, TEACHER, answers, asked=3)
    for policy in (lambda q: NO, lambda q: yes(), lambda q: Answer("not_sure")):
        assert len(play(kb, TEACHER, policy, answers)[0]) <= high
    assert low <= high <= MAX_ASKED - 3
