"""The scenario library and its strict loader: the shipped library is valid, varied
and plays to its model outcome in the pure conversation; each kind of breakage is
named with the file and the entry, all at once."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.knowledge import Knowledge, load_knowledge
from bot.training.runner import OfflineTransport, message_for, play
from bot.training.scenarios import LIBRARY_DIR, Scenario, ScenarioError, load_scenarios

TODAY = dt.date(2026, 12, 3)
PORT = "port-arrival-with-unrelated-adult"
YOUTH_CLUB = "low-concern-new-friends-at-youth-club"


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=TODAY)


@pytest.fixture(scope="module")
def library(kb: Knowledge) -> dict[str, Scenario]:
    loaded = load_scenarios(LIBRARY_DIR, kb=kb, today=TODAY, strict_review=True)
    return {s.id: s for s in loaded.scenarios}


@pytest.fixture
def copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy shipped scenarios into a scratch library, optionally changing one."""

    def make(name: str = PORT, change: Callable[[dict], None] | None = None) -> Path:
        target = tmp_path / f"{name}.yml"
        shutil.copy(LIBRARY_DIR / f"{name}.yml", target)
        if change is not None:
            doc = yaml.safe_load(target.read_text())
            change(doc)
            target.write_text(yaml.safe_dump(doc, sort_keys=False))
        return target

    return make


def problems(kb: Knowledge, path: Path, **kwargs) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenarios(path, kb=kb, today=TODAY, **kwargs)
    return info.value.problems


# --- the shipped library ---------------------------------------------------------------


def test_the_library_is_large_varied_and_fictional(library: dict[str, Scenario]) -> None:
    scenarios = list(library.values())
    assert len(scenarios) >= 12
    assert {s.audience.role for s in scenarios} == {
        "teacher",
        "health",
        "social_care",
        "police",
        "other",
    }
    assert {s.audience.nation for s in scenarios} == {
        "england",
        "wales",
        "scotland",
        "northern_ireland",
    }
    low = [
        s
        for s in scenarios
        if s.model_outcome.concern == "few"
        and s.model_outcome.going_missing == "low"
        and not s.model_outcome.advice_required
        and {"tell_safeguarding_lead", "record_and_share"} <= set(s.model_outcome.next_steps)
    ]
    assert len(low) >= 2, "learners need low-concern cases to practise not over-reacting"
    outcomes = {(s.model_outcome.going_missing, s.model_outcome.concern) for s in scenarios}
    assert len(outcomes) >= 4, f"the outcomes to practise are too alike: {outcomes}"
    for s in scenarios:
        assert s.path.stem == s.id
        assert s.debrief and all(p.sources for p in s.debrief)


@pytest.mark.parametrize(
    ("theme", "indicator"),
    [
        ("port arrival with an adult who is not a parent", "with_agent_or_non_pr_adult"),
        ("looked-after child going missing", "missing_from_care_before"),
        ("county lines", "cuckooed_address"),
        ("cannabis cultivation", "cannabis_farm"),
        ("nail bar", "seen_in_work_settings"),
        ("domestic servitude in private fostering", "unregistered_private_fostering"),
        ("sexual exploitation online", "online_sexual_pressure"),
        ("sexual exploitation offline", "seen_in_brothel_or_inappropriate_place"),
        ("forced marriage", "forced_marriage_risk"),
        ("benefit fraud", "benefit_or_immigration_fraud"),
        ("UK national moved between cities", "moved_for_sex_locally"),
        ("age-disputed young person", "age_disputed"),
    ],
)
def test_each_theme_the_issue_asks_for_is_in_the_library(
    library: dict[str, Scenario], theme: str, indicator: str
) -> None:
    assert any(indicator in s.expected_indicators() for s in library.values()), theme


def test_every_scenario_plays_to_its_model_outcome_in_the_pure_conversation(
    kb: Knowledge, library: dict[str, Scenario]
) -> None:
    # Without Rasa or NLU: the engine and the conversation give what the trainer
    # expects. tests/e2e/test_scenarios.py plays the same through the real servers.
    transport = OfflineTransport(kb)
    for scenario in library.values():
        run = play(scenario, transport, kb)
        assert run.error is None, f"{scenario.id}: {run.error}"
        assert run.result is not None and run.played is not None
        assert run.ok, f"{scenario.id}: {run.result.mismatches()}"
        # Every sign the learner had the chance to report is found; the full score
        # unless the scenario records a known difference.
        assert run.result.score.indicators == 50
        assert run.result.score.total == 100 or run.result.known(), scenario.id
        assert run.played.finished


def test_facts_answer_the_questions_and_everything_else_is_no(
    library: dict[str, Scenario],
) -> None:
    port = library[PORT]
    assert port.answer_for("urgent") == "yes"
    assert port.answer_for("travel_debt") == "yes"
    assert port.answer_for("coached_identity_story") == "not_sure"  # "unsure" in YAML
    assert port.answer_for("screen:journey") == "yes"  # opened by its indicators
    assert port.answer_for("screen:online") == "no"
    assert port.answer_for("cannabis_farm") == "no"  # not in the facts
    assert port.answer_for("no_documents") == "no"  # an explicit "no"


def test_the_runner_answers_as_the_professional_in_the_scenario(
    library: dict[str, Scenario],
) -> None:
    port = library[PORT]
    assert message_for(port, "role", typed=True) == '/inform{"choice": "role.other"}'
    assert message_for(port, "setting", typed=True) == (
        '/inform{"choice": "setting.port_or_border"}'
    )
    assert message_for(port, "urgent", typed=True) == "/affirm"
    assert message_for(port, "cannabis_farm", typed=True) == "/deny"
    assert message_for(port, "coached_identity_story", typed=True) == "/unsure"
    note = message_for(port, "evidence:travel_debt", typed=True)
    assert note.startswith("The child told me: ") and "pay the man back" in note
    button = message_for(port, "evidence:travel_debt", typed=False)
    assert button == '/inform{"choice": "evidence.disclosed"}'
    # A concern that is more than "few": shared with everyone, carer not told.
    assert message_for(port, "share_with", typed=True) == '/inform{"choice": "share_with.all"}'
    assert message_for(port, "carer_told", typed=True) == "/deny"
    assert message_for(port, "why_not", typed=True) == '/inform{"choice": "why_not.raise_risk"}'


def test_the_childs_age_is_said_with_the_role(library: dict[str, Scenario]) -> None:
    fostering = library["domestic-servitude-private-fostering"]
    assert fostering.child_age == 12
    words = message_for(fostering, "role", typed=True)
    assert words == "Social care. The child is 12 years old."
    assert message_for(fostering, "role", typed=False) == '/inform{"choice": "role.social_care"}'


def test_a_low_concern_case_is_shared_with_the_lead_and_the_family(
    library: dict[str, Scenario],
) -> None:
    low = library[YOUTH_CLUB]
    assert message_for(low, "share_with", typed=True) == (
        '/inform{"choice": "share_with.safeguarding_lead"}'
    )
    assert message_for(low, "child_told", typed=True) == "/affirm"
    assert message_for(low, "carer_told", typed=True) == "/affirm"


# --- the schema check --------------------------------------------------------------------


def test_unknown_and_missing_keys_and_wrong_types_name_file_and_entry(
    kb: Knowledge, copy: Callable[..., Path]
) -> None:
    def change(doc: dict) -> None:
        doc["colour"] = "red"
        del doc["title"]
        doc["learning_objectives"] = "one objective"
        doc["audience"]["shoe_size"] = 9
        doc["facts"]["travel_debt"]["how"] = 3

    found = problems(kb, copy(change=change))
    file = f"{PORT}.yml"
    assert f"{file}: unknown key 'colour'" in found
    assert f"{file}: missing key 'title'" in found
    assert f"{file}: 'learning_objectives' should be a list, got str" in found
    assert f"{file}: audience: unknown key 'shoe_size'" in found
    assert f"{file}: fact 'travel_debt': 'how' should be text, got int" in found


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["facts"].update(made_up_sign="yes"),
            "fact 'made_up_sign': unknown question",
        ),
        (lambda d: d["facts"].update({"screen:weather": "yes"}), "fact 'screen:weather': unknown"),
        (
            lambda d: d["facts"]["travel_debt"].update(answer="maybe"),
            "fact 'travel_debt': 'answer' should be yes, no or unsure, got 'maybe'",
        ),
        (
            lambda d: d["facts"]["travel_debt"].pop("detail"),
            "fact 'travel_debt': an indicator answered yes or unsure needs the 'detail'",
        ),
        (
            lambda d: d["model_outcome"]["signposts"].append("ghostbusters"),
            "model_outcome: 'signposts': unknown contact 'ghostbusters'",
        ),
        (
            lambda d: d["model_outcome"]["immediate_actions"].append("panic"),
            "model_outcome: 'immediate_actions': unknown immediate action 'panic'",
        ),
        (
            lambda d: d["model_outcome"]["next_steps"].append("wait_and_see"),
            "model_outcome: 'next_steps': unknown pathway step 'wait_and_see'",
        ),
        (
            lambda d: d["debrief"][0]["sources"].append("MY-BLOG"),
            "debrief point 1: 'sources': unknown source (not in sources.yml) 'MY-BLOG'",
        ),
        (
            lambda d: d["debrief"][0].update(sources=[]),
            "debrief point 1: no source given",
        ),
        (
            lambda d: d.update(last_reviewed=dt.date(2027, 1, 1)),
            "review date 2027-01-01 is in the future",
        ),
        (lambda d: d.update(id="another-name"), "'id' 'another-name' should match the file name"),
        (lambda d: d.update(fictional=False), "'fictional' must be true"),
        (
            lambda d: d["audience"].update(role="border_force"),
            "audience: 'role' has unknown value 'border_force'",
        ),
        (
            lambda d: d["vignette"][0].update(reveals=["no_such_fact"]),
            "vignette stage 1: 'reveals': unknown fact 'no_such_fact'",
        ),
        (
            lambda d: d["model_outcome"].update(going_missing="medium"),
            "immediate_actions are given only at going_missing high or immediate",
        ),
        (
            lambda d: d["model_outcome"].update(advice_within_turns=None),
            "'advice_within_turns' (a whole number above 0) is needed with advice",
        ),
        (
            lambda d: d["model_outcome"]["next_steps"].append("social_care_start_enquiries"),
            "next step 'social_care_start_enquiries' is not given to the role 'other'",
        ),
        (
            lambda d: d["model_outcome"]["immediate_actions"].append("ird_now"),
            "immediate action 'ird_now' is not given to the role 'other' in 'england'",
        ),
        (
            lambda d: (
                d["known_differences"].append({"field": "mood", "got": 1, "note": "x"})
                if "known_differences" in d
                else d.update(known_differences=[{"field": "mood", "got": 1, "note": "x"}])
            ),
            "known difference 1: 'field' should be one of",
        ),
    ],
    ids=[
        "unknown-indicator",
        "unknown-category",
        "bad-answer",
        "yes-without-detail",
        "unknown-contact",
        "unknown-action",
        "unknown-step",
        "unknown-source",
        "no-source",
        "future-review",
        "id-not-file-name",
        "not-fictional",
        "unknown-role",
        "reveals-unknown-fact",
        "advice-at-medium",
        "advice-without-turns",
        "step-not-for-role",
        "action-not-for-role",
        "unknown-check-field",
    ],
)
def test_each_breakage_is_named(
    kb: Knowledge, copy: Callable[..., Path], change: Callable[[dict], None], expected: str
) -> None:
    found = problems(kb, copy(change=change))
    assert any(expected in p and p.startswith(f"{PORT}.yml: ") for p in found), found


def test_a_low_concern_case_cannot_expect_advice_it_will_never_get(
    kb: Knowledge, copy: Callable[..., Path]
) -> None:
    def change(doc: dict) -> None:
        doc["model_outcome"]["immediate_actions"] = ["call_999"]
        doc["model_outcome"]["advice_within_turns"] = 5

    found = problems(kb, copy(YOUTH_CLUB, change))
    assert any("given only at going_missing high or immediate, not 'low'" in p for p in found)


def test_a_high_going_missing_level_must_list_the_advice(
    kb: Knowledge, copy: Callable[..., Path]
) -> None:
    path = copy(YOUTH_CLUB, lambda d: d["model_outcome"].update(going_missing="high"))
    found = problems(kb, path)
    assert any("always brings the immediate-action advice" in p for p in found)


def test_every_problem_in_every_file_is_reported_at_once(
    kb: Knowledge, copy: Callable[..., Path], tmp_path: Path
) -> None:
    copy(PORT, lambda d: d["facts"].update(made_up_sign="yes"))
    copy(YOUTH_CLUB, lambda d: d.update(fictional=False))
    (tmp_path / "broken.yml").write_text("id: [unclosed\n")
    found = problems(kb, tmp_path)
    assert any(p.startswith(f"{PORT}.yml: fact 'made_up_sign'") for p in found)
    assert any(p.startswith(f"{YOUTH_CLUB}.yml: 'fictional' must be true") for p in found)
    assert any(p.startswith("broken.yml: not valid YAML") for p in found)


def test_two_files_with_one_id_are_refused(
    kb: Knowledge, copy: Callable[..., Path], tmp_path: Path
) -> None:
    copy(PORT)
    shutil.copy(tmp_path / f"{PORT}.yml", tmp_path / "copy.yml")
    found = problems(kb, tmp_path)
    assert any("copy.yml: 'id'" in p and "should match the file name" in p for p in found)


def test_a_fact_the_assistant_never_asks_about_is_a_warning_not_an_error(
    kb: Knowledge, copy: Callable[..., Path]
) -> None:
    path = copy(change=lambda d: d["facts"].update({"screen:documents": "no"}))
    loaded = load_scenarios(path, kb=kb, today=TODAY)
    assert loaded.scenarios[0].answer_for("screen:documents") == "no"
    assert any(
        "fact 'docs_held_by_other': the assistant never asks it" in w for w in loaded.warnings
    )


def test_a_number_the_assistant_would_read_as_the_age_is_a_warning(
    kb: Knowledge, copy: Callable[..., Path]
) -> None:
    def change(doc: dict) -> None:
        doc["facts"]["travel_debt"]["detail"] = "She owes 3 payments for the trip."

    loaded = load_scenarios(copy(change=change), kb=kb, today=TODAY)
    assert any("fact 'travel_debt': the detail contains '3'" in w for w in loaded.warnings)


def test_an_overdue_review_warns_and_fails_when_strict(
    kb: Knowledge, copy: Callable[..., Path]
) -> None:
    path = copy(change=lambda d: d.update(last_reviewed=dt.date(2025, 1, 1)))
    loaded = load_scenarios(path, kb=kb, today=TODAY)
    assert any("review overdue" in w for w in loaded.warnings)
    assert any("review overdue" in p for p in problems(kb, path, strict_review=True))


def test_unquoted_yes_and_no_are_answers_and_unsure_is_not_sure(
    kb: Knowledge, copy: Callable[..., Path]
) -> None:
    def change(doc: dict) -> None:
        doc["facts"]["no_documents"] = False  # what an unquoted "no" becomes
        doc["facts"]["screen:online"] = "unsure"

    scenario = load_scenarios(copy(change=change), kb=kb, today=TODAY).scenarios[0]
    assert scenario.answer_for("no_documents") == "no"
    assert scenario.answer_for("screen:online") == "not_sure"
