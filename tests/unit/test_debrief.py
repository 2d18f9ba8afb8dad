"""The debrief: a played case against the model outcome, the score rule part by
part, known differences, and what happened read back from a conversation's
tracker (played here through the pure conversation)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.knowledge import Knowledge, load_knowledge
from bot.training.debrief import PlayedCase, debrief, debrief_text, played_from_tracker
from bot.training.runner import OfflineTransport, message_for, play
from bot.training.scenarios import LIBRARY_DIR, KnownDifference, Scenario, load_scenarios

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=TODAY)


@pytest.fixture(scope="module")
def library(kb: Knowledge) -> dict[str, Scenario]:
    return {s.id: s for s in load_scenarios(LIBRARY_DIR, kb=kb, today=TODAY).scenarios}


@pytest.fixture
def port(library: dict[str, Scenario]) -> Scenario:
    return library["port-arrival-with-unrelated-adult"]


@pytest.fixture
def low(library: dict[str, Scenario]) -> Scenario:
    return library["low-concern-mood-and-grades-after-separation"]


def perfect(scenario: Scenario) -> PlayedCase:
    """A learner who did everything the model outcome expects."""
    model = scenario.model_outcome
    return PlayedCase(
        answers={q: scenario.answer_for(q) for q in scenario.expected_indicators()},
        turns=60,
        advice_turn=model.advice_within_turns,
        actions_given=model.immediate_actions,
        going_missing=model.going_missing,
        concern=model.concern,
        levels_from="draft",
        signposts=model.signposts,
        next_steps=model.next_steps,
        finished=True,
    )


def failed(result) -> set[str]:
    return {c.field for c in result.mismatches()}


def test_a_perfect_play_scores_100_and_matches(port: Scenario, low: Scenario) -> None:
    for scenario in (port, low):
        result = debrief(scenario, perfect(scenario))
        assert result.score.total == 100
        assert result.matches and not result.missed and not result.unsupported


def test_indicators_found_count_in_proportion_and_missed_ones_say_why(
    kb: Knowledge, port: Scenario
) -> None:
    expected = port.expected_indicators()
    assert len(expected) == 10
    half = {q: ("yes" if n % 2 else "no") for n, q in enumerate(expected)}
    played = dataclasses.replace(perfect(port), answers=half)
    result = debrief(port, played)
    assert result.score.indicators == 25
    assert result.score.total == 75
    assert {m.indicator for m in result.missed} == {q for q, v in half.items() if v == "no"}
    assert "indicators" in failed(result)
    text = debrief_text(port, result, played, kb)
    missed = kb.indicators[result.missed[0].indicator]
    assert missed.question in text and missed.why in text
    assert kb.sources[missed.sources[0]].title in text
    assert result.missed[0].detail in text  # what the learner could have found
    assert "Score: 75/100" in text


def test_not_sure_counts_as_found(port: Scenario) -> None:
    unsure = {q: "not_sure" for q in port.expected_indicators()}
    result = debrief(port, dataclasses.replace(perfect(port), answers=unsure))
    assert result.score.indicators == 50 and not result.missed


def test_advice_late_scores_10_and_never_scores_0(port: Scenario) -> None:
    within = port.model_outcome.advice_within_turns or 0
    late = debrief(port, dataclasses.replace(perfect(port), advice_turn=within + 5))
    assert late.score.advice == 10 and "advice_turn" in failed(late)
    never = debrief(port, dataclasses.replace(perfect(port), advice_turn=None, actions_given=()))
    assert never.score.advice == 0
    assert {"advice_turn", "immediate_actions"} <= failed(never)


def test_escalating_a_low_concern_case_loses_the_advice_points(
    kb: Knowledge, low: Scenario
) -> None:
    played = dataclasses.replace(perfect(low), advice_turn=2, actions_given=("call_999",))
    result = debrief(low, played)
    assert result.score.advice == 0 and result.score.total == 80
    assert "advice_turn" in failed(result)
    assert "did not need it" in debrief_text(low, result, played, kb)


def test_each_level_has_its_own_points(port: Scenario) -> None:
    wrong_missing = debrief(port, dataclasses.replace(perfect(port), going_missing="high"))
    assert wrong_missing.score.levels == 7 and failed(wrong_missing) == {"going_missing"}
    wrong_concern = debrief(port, dataclasses.replace(perfect(port), concern="some"))
    assert wrong_concern.score.levels == 8 and failed(wrong_concern) == {"concern"}


def test_signposts_and_next_steps_count_in_proportion(port: Scenario) -> None:
    model = port.model_outcome
    total = len(model.signposts) + len(model.next_steps)
    played = dataclasses.replace(perfect(port), next_steps=model.next_steps[1:])
    result = debrief(port, played)
    assert result.score.follow_up == round(15 * (total - 1) / total)
    assert failed(result) == {"next_steps"}


def test_a_yes_the_facts_do_not_support_is_shown_but_not_scored(port: Scenario) -> None:
    played = dataclasses.replace(
        perfect(port), answers={**perfect(port).answers, "cannabis_farm": "yes"}
    )
    result = debrief(port, played)
    assert result.unsupported == ("cannabis_farm",)
    assert result.score.total == 100


def test_a_known_difference_is_shown_and_fails_once_it_no_longer_happens(
    port: Scenario,
) -> None:
    got = ["call_999", "nspcc_advice"]
    known = dataclasses.replace(
        port, known_differences=(KnownDifference("immediate_actions", got, "reported"),)
    )
    differs = debrief(known, dataclasses.replace(perfect(port), actions_given=tuple(got)))
    assert differs.matches
    assert [c.field for c in differs.known()] == ["immediate_actions"]
    fixed = debrief(known, perfect(port))
    assert failed(fixed) == {"known_differences"}
    other = debrief(known, dataclasses.replace(perfect(port), actions_given=("call_999",)))
    assert failed(other) == {"immediate_actions"}


def test_what_happened_is_read_from_the_conversations_tracker(
    kb: Knowledge, port: Scenario
) -> None:
    transport = OfflineTransport(kb)
    run = play(port, transport, kb, sender="reader")
    played = played_from_tracker(transport.tracker("reader", events=True), kb)
    assert played.advice_turn == 2  # the opening question answered yes
    # (the NSPCC Helpline is a line after the short block, not one of its steps)
    assert {"call_999", "do_not_release", "tell_social_care_and_police"} <= set(
        played.actions_given
    )
    assert (played.going_missing, played.concern, played.levels_from) == (
        "immediate",
        "strong",
        "draft",
    )
    assert {"nspcc_helpline", "modern_slavery_helpline", "missing_people"} <= set(played.signposts)
    assert {"nrm_referral", "missing_child_plan"} <= set(played.next_steps)
    assert played.finished and run.played == played
    users = [e for e in transport.tracker("reader", events=True)["events"] if e["event"] == "user"]
    assert played.turns == len(users)


def test_a_tracker_stored_without_the_drafts_text_reads_the_same(
    kb: Knowledge, port: Scenario
) -> None:
    """Rasa's tracker store keeps no draft text (bot/rasa_adapter/tracker_store.py): the
    debrief makes the same draft again from the case."""
    from bot.rasa_adapter.tracker_store import scrub_event

    transport = OfflineTransport(kb)
    play(port, transport, kb, sender="stored")
    tracker = transport.tracker("stored", events=True)
    full = played_from_tracker(tracker, kb)
    stored = dict(tracker, events=[scrub_event(e) for e in tracker["events"]])
    assert not any("DRAFT" in (e.get("text") or "") for e in stored["events"])
    assert played_from_tracker(stored, kb) == full


def test_the_debrief_reads_data_never_words(kb: Knowledge, port: Scenario) -> None:
    # Issue 18, section 5: with every word of the assistant's replies gone, what
    # happened reads the same (advice, levels, steps and signposts are data); with
    # the data gone, nothing is made up from words.
    transport = OfflineTransport(kb)
    play(port, transport, kb, sender="data")
    tracker = transport.tracker("data", events=True)
    full = played_from_tracker(tracker, kb)
    assert full.actions_given and full.next_steps and full.signposts
    wordless = [dict(e, text="[not kept]") if e["event"] == "bot" else e for e in tracker["events"]]
    assert played_from_tracker(dict(tracker, events=wordless), kb) == full
    dataless = [
        dict(e, metadata={k: v for k, v in e["metadata"].items() if k != "gh_data"})
        if e["event"] == "bot"
        else e
        for e in tracker["events"]
    ]
    without = played_from_tracker(dict(tracker, events=dataless), kb)
    assert without.actions_given == ()  # the advice is seen, not what it said
    assert without.advice_turn == full.advice_turn


def test_a_low_concern_play_reads_as_no_advice(kb: Knowledge, low: Scenario) -> None:
    transport = OfflineTransport(kb)
    play(low, transport, kb, sender="calm")
    played = played_from_tracker(transport.tracker("calm", events=True), kb)
    assert played.advice_turn is None and not played.actions_given
    assert (played.going_missing, played.concern) == ("low", "few")
    assert "modern_slavery_helpline" not in played.signposts
    assert "nrm_referral" not in played.next_steps


def test_a_conversation_stopped_early_has_levels_from_its_answers(
    kb: Knowledge, port: Scenario
) -> None:
    transport = OfflineTransport(kb)
    for pending in ("greet", "urgent", "role", "nation"):
        message = "/greet" if pending == "greet" else message_for(port, pending, typed=False)
        transport.send("early", message)
    played = played_from_tracker(transport.tracker("early", events=True), kb)
    assert played.levels_from == "answers" and not played.finished
    assert played.going_missing == "immediate" and played.advice_turn == 2
    assert debrief(port, played).score.follow_up == 0


def test_a_welsh_conversation_is_read_in_welsh(kb: Knowledge, low: Scenario) -> None:
    english, welsh = OfflineTransport(kb), OfflineTransport(kb, language="cy")
    in_english = play(low, english, kb, sender="english")
    assert play(low, welsh, kb, sender="cymraeg").error is None
    tracker = welsh.tracker("cymraeg", events=True)
    said = "\n".join(e.get("text", "") for e in tracker["events"] if e["event"] == "bot")
    assert "Going-missing risk" not in said  # the draft really is in Welsh
    played = played_from_tracker(tracker, kb)
    assert played.language == "cy" and played.finished
    assert (played.going_missing, played.concern) == ("low", "few")
    assert in_english.played is not None
    assert played.signposts == in_english.played.signposts
    assert played.next_steps == in_english.played.next_steps


def test_the_debrief_text_has_the_teaching_points_and_says_it_is_fictional(
    kb: Knowledge, port: Scenario
) -> None:
    played = perfect(port)
    text = debrief_text(port, debrief(port, played), played, kb)
    assert text.startswith(f"Debrief: {port.title}")
    assert "Score: 100/100 (indicators 50/50, immediate advice 20/20" in text
    for point in port.debrief:
        assert point.point in text
        assert kb.sources[point.sources[0]].title in text
    assert "reached at turn 2 (needed by turn 2)" in text
    assert "This scenario is fictional" in text


def test_a_sign_left_out_of_a_list_is_missed_only_where_the_list_showed_every_sign(
    library: dict[str, Scenario],
) -> None:
    """Review of the lists: "do any of these also apply?" (after a sign is found)
    lists only some signs, so "none of these" there is no chance missed for the
    rest; "which of these is it?" (nothing found yet) listed every sign."""
    scenario = next(
        s
        for s in library.values()
        if len([q for q, f in s.facts.items() if f.category and f.is_concern]) >= 2
        and any(
            f.category == g.category and q != r
            for q, f in s.facts.items()
            for r, g in s.facts.items()
            if f.is_concern and g.is_concern and f.category
        )
    )
    first, other = next(
        (q, r)
        for q, f in scenario.facts.items()
        for r, g in scenario.facts.items()
        if f.is_concern and g.is_concern and f.category and f.category == g.category and q != r
    )
    category = scenario.facts[first].category
    base = perfect(scenario)
    same = {q for q, f in scenario.facts.items() if f.category == category}
    kept = {q: v for q, v in base.answers.items() if q not in same}
    # "Also apply?": the first sign found, then "none of these".
    after_found = dataclasses.replace(
        base, answers={**kept, first: "yes", f"screen:{category}": "yes", f"pick:{category}": "no"}
    )
    assert other in debrief(scenario, after_found).not_asked
    assert other not in {m.indicator for m in debrief(scenario, after_found).missed}
    # "Which of these is it?": nothing chosen, so every sign was there to choose.
    nothing_found = dataclasses.replace(
        base, answers={**kept, f"screen:{category}": "yes", f"pick:{category}": "no"}
    )
    assert other in {m.indicator for m in debrief(scenario, nothing_found).missed}
