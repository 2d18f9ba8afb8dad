"""The guidance files load strictly: each kind of breakage names the file and the
entry, and stops loading."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.knowledge import DATA_DIR, KnowledgeError, load_knowledge
from bot.knowledge.local import apply_local_contacts

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, change: Callable[[dict], None]) -> None:
    doc = yaml.safe_load(path.read_text())
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def problems(data: Path, **kwargs) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(data, today=TODAY, **kwargs)
    return info.value.problems


def test_the_shipped_guidance_loads_and_every_entry_is_sourced() -> None:
    kb = load_knowledge(today=TODAY, strict_review=True)
    assert {"police_emergency", "nspcc_helpline", "ceop", "ecpat_uk"} <= set(kb.contacts)
    for entry in [*kb.contacts.values(), *kb.immediate_actions]:
        assert entry.sources and all(tag in kb.sources for tag in entry.sources)
    assert [a.order for a in kb.immediate_actions] == sorted(a.order for a in kb.immediate_actions)


def test_unknown_key_names_file_and_entry(data: Path) -> None:
    edit(data / "contacts.yml", lambda d: d["contacts"][0].update(fax="0"))
    assert "contacts.yml: entry 'police_emergency': unknown key 'fax'" in problems(data)


def test_missing_source_is_refused(data: Path) -> None:
    edit(data / "immediate_actions.yml", lambda d: d["immediate_actions"][0].update(sources=[]))
    found = problems(data)
    assert any("immediate_actions.yml: entry 'call_999': no source given" in p for p in found)


def test_missing_required_key_is_refused(data: Path) -> None:
    edit(data / "contacts.yml", lambda d: d["contacts"][1].pop("last_verified"))
    found = problems(data)
    assert "contacts.yml: entry 'police_non_emergency': missing key 'last_verified'" in found


def test_duplicate_id_is_refused(data: Path) -> None:
    def dup(d: dict) -> None:
        d["immediate_actions"].append(dict(d["immediate_actions"][0]))

    edit(data / "immediate_actions.yml", dup)
    assert "immediate_actions.yml: entry 'call_999': duplicate id" in problems(data)


def test_dangling_source_reference_is_refused(data: Path) -> None:
    edit(data / "contacts.yml", lambda d: d["contacts"][0].update(sources=["NO-SUCH-SOURCE"]))
    found = problems(data)
    assert any("'police_emergency': unknown source 'NO-SUCH-SOURCE'" in p for p in found)


def test_dangling_contact_reference_is_refused(data: Path) -> None:
    def broken(d: dict) -> None:
        d["immediate_actions"][0]["text"] = "Call {ghost_line}."
        d["immediate_actions"][0]["contacts"] = ["ghost_line"]

    edit(data / "immediate_actions.yml", broken)
    assert any("'call_999': unknown contact 'ghost_line'" in p for p in problems(data))


def test_placeholder_must_be_listed_under_contacts(data: Path) -> None:
    edit(data / "immediate_actions.yml", lambda d: d["immediate_actions"][0].update(contacts=[]))
    found = problems(data)
    assert any("'call_999': text uses '{police_emergency}'" in p for p in found)


def test_local_contact_cannot_be_a_placeholder(data: Path) -> None:
    def local(d: dict) -> None:
        d["immediate_actions"][0]["text"] = "Call {children_social_care}."
        d["immediate_actions"][0]["contacts"] = ["children_social_care"]

    edit(data / "immediate_actions.yml", local)
    assert any("is a local contact" in p for p in problems(data))


def test_empty_detail_needs_a_gap_note(data: Path) -> None:
    edit(data / "contacts.yml", lambda d: d["contacts"][0].pop("gaps"))
    assert any("'police_emergency': a detail is empty" in p for p in problems(data))


def test_wrong_type_is_refused(data: Path) -> None:
    edit(data / "immediate_actions.yml", lambda d: d["immediate_actions"][0].update(order="ten"))
    found = problems(data)
    assert "immediate_actions.yml: entry 'call_999': 'order' should be a whole number, got str" in (
        found
    )


def test_overdue_review_is_a_warning_unless_strict(data: Path) -> None:
    later = TODAY + dt.timedelta(days=400)
    kb = load_knowledge(data, today=later)
    assert any("'nspcc_helpline': review overdue" in w for w in kb.warnings)
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(data, today=later, strict_review=True)
    assert any("'nspcc_helpline': review overdue" in p for p in info.value.problems)


def test_future_review_date_is_refused(data: Path) -> None:
    edit(
        data / "contacts.yml",
        lambda d: d["contacts"][0].update(last_verified=TODAY + dt.timedelta(days=3)),
    )
    assert any("'police_emergency': review date" in p for p in problems(data))


def test_broken_yaml_names_the_file(data: Path) -> None:
    (data / "contacts.yml").write_text("contacts: [unclosed\n")
    assert any(p.startswith("contacts.yml: not valid YAML") for p in problems(data))


def test_missing_file_names_the_file(data: Path) -> None:
    (data / "immediate_actions.yml").unlink()
    assert "immediate_actions.yml: file not found" in problems(data)


def test_every_problem_is_reported_at_once(data: Path) -> None:
    edit(data / "contacts.yml", lambda d: d["contacts"][0].update(fax="0"))
    edit(data / "immediate_actions.yml", lambda d: d["immediate_actions"][1].update(sources=[]))
    assert len(problems(data)) >= 2


def test_local_numbers_fill_only_local_contacts(tmp_path: Path) -> None:
    kb = load_knowledge(today=TODAY)
    local = tmp_path / "local.yml"
    local.write_text(yaml.safe_dump({"children_social_care": {"phone": "01632 960000"}}))
    filled = apply_local_contacts(kb, local)
    assert filled.contact("children_social_care").phone == "01632 960000"
    local.write_text(yaml.safe_dump({"nspcc_helpline": {"phone": "01632 960001"}}))
    with pytest.raises(KnowledgeError) as info:
        apply_local_contacts(kb, local)
    assert "local.yml: entry 'nspcc_helpline': not a local contact" in info.value.problems[0]


# --- indicators, pathway and rules -------------------------------------------------


def test_the_indicator_bank_is_big_enough_and_fully_sourced() -> None:
    kb = load_knowledge(today=TODAY, strict_review=True)
    assert len(kb.indicators) >= 60 and len(kb.categories) >= 12
    for ind in kb.indicators.values():
        assert ind.question and ind.why and ind.sources and ind.category in kb.categories
    assert any(i.going_missing for i in kb.indicators.values())


def test_indicator_with_unknown_category_is_refused(data: Path) -> None:
    edit(data / "indicators.yml", lambda d: d["indicators"][0].update(category="astrology"))
    found = problems(data)
    assert "indicators.yml: entry 'arrived_unaccompanied': unknown category 'astrology'" in found


def test_indicator_weight_out_of_range_is_refused(data: Path) -> None:
    edit(data / "indicators.yml", lambda d: d["indicators"][0].update(weight=7))
    assert any("'arrived_unaccompanied': 'weight' should be 1, 2 or 3" in p for p in problems(data))


def test_screening_question_needs_a_source(data: Path) -> None:
    edit(data / "indicators.yml", lambda d: d["categories"][0]["screening"].update(sources=[]))
    assert any("category 'journey': screening: no source given" in p for p in problems(data))


def test_pathway_step_with_dangling_indicator_is_refused(data: Path) -> None:
    edit(
        data / "pathway.yml",
        lambda d: d["steps"][0].update(if_indicators=["no_such_indicator"]),
    )
    found = problems(data)
    assert any("'do_not_alert_controller': 'if_indicators' has unknown value" in p for p in found)


def test_pathway_step_with_unknown_role_is_refused(data: Path) -> None:
    edit(data / "pathway.yml", lambda d: d["steps"][0].update(roles=["astronaut"]))
    assert any("'roles' has unknown value 'astronaut'" in p for p in problems(data))


def test_rules_must_order_every_category(data: Path) -> None:
    edit(data / "triage.yml", lambda d: d["questions"]["category_order"].pop())
    assert any("'category_order' must name every category" in p for p in problems(data))


def test_rules_thresholds_must_rise(data: Path) -> None:
    edit(data / "triage.yml", lambda d: d["concern_levels"].update(some=20))
    assert any("thresholds must rise" in p for p in problems(data))


def test_floor_rule_with_unknown_condition_is_refused(data: Path) -> None:
    edit(data / "triage.yml", lambda d: d["floor_rules"][0]["condition"].update(moon_phase=1))
    found = problems(data)
    assert any(
        "floor rule 'missing_with_controlling_adult'" in p and "moon_phase" in p for p in found
    )


@pytest.mark.parametrize("bad", ["1", 0, -2, True, 1.5])
def test_floor_rule_condition_needs_a_whole_number_above_zero(data: Path, bad: object) -> None:
    edit(data / "triage.yml", lambda d: d["floor_rules"][0]["condition"].update(min_flagged=bad))
    found = problems(data)
    assert any("condition 'min_flagged' must be a whole number above 0" in p for p in found)


def test_floor_rule_must_raise_something(data: Path) -> None:
    def drop(d: dict) -> None:
        d["floor_rules"][0].pop("going_missing_at_least", None)
        d["floor_rules"][0].pop("concern_at_least", None)

    edit(data / "triage.yml", drop)
    assert any("give concern_at_least, going_missing_at_least" in p for p in problems(data))


def test_high_going_missing_threshold_must_be_above_zero(data: Path) -> None:
    edit(data / "triage.yml", lambda d: d["going_missing"].update(high_min_flagged=0))
    assert any("'high_min_flagged' must be a whole number above 0" in p for p in problems(data))


# --- nations, roles, bases and the version (issue 19) -------------------------------


def _ni_action(text: str) -> Callable[[dict], None]:
    def change(d: dict) -> None:
        d["immediate_actions"].append(
            {
                "id": "ni_only",
                "order": 99,
                "text": text,
                "contacts": [],
                "nations": ["northern_ireland"],
                "sources": ["MEDWAY"],
                "last_reviewed": TODAY,
            }
        )

    return change


def test_english_only_wording_is_refused_in_northern_ireland(data: Path) -> None:
    edit(data / "immediate_actions.yml", _ni_action("Phone the MASH at the local authority."))
    found = problems(data)
    assert any("'ni_only': 'MASH' would be shown in northern_ireland" in p for p in found)
    assert any("'local authority' would be shown in northern_ireland" in p for p in found)


def test_neutral_wording_must_be_right_in_every_nation(data: Path) -> None:
    def change(d: dict) -> None:
        d["immediate_actions"][0]["text"] = "Tell your designated safeguarding lead now."

    edit(data / "immediate_actions.yml", change)
    found = problems(data)
    assert any(
        "'call_999': 'designated safeguarding lead' would be shown in wales" in p for p in found
    )
    assert any("would be shown in unknown" in p for p in found)


def test_a_variant_is_checked_against_its_own_nation(data: Path) -> None:
    def change(d: dict) -> None:
        step = next(s for s in d["steps"] if s["id"] == "refer_social_care")
        step["variants"][1]["text"] = "Refer to children's social care (front door or MASH)."

    edit(data / "pathway.yml", change)
    found = problems(data)
    assert any(
        "'refer_social_care': 'children's social care' would be shown in northern_ireland" in p
        for p in found
    )


def test_a_police_officer_is_never_told_to_call_the_police(data: Path) -> None:
    def change(d: dict) -> None:
        step = next(s for s in d["steps"] if s["id"] == "do_not_alert_controller")
        step["text"] = "Do not alert the adult; call the police when you are out of earshot."

    edit(data / "pathway.yml", change)
    found = problems(data)
    assert any("'call the police' would be shown to the role police" in p for p in found)


def test_every_nation_needs_its_route_names(data: Path) -> None:
    edit(data / "nations.yml", lambda d: d["nations"].pop("wales"))
    assert any("nations.yml: give exactly these nations" in p for p in problems(data))


def test_thresholds_and_floor_rules_need_a_basis(data: Path) -> None:
    def change(d: dict) -> None:
        d["about"].pop("concern_levels.some")
        d["floor_rules"][0]["basis"] = "because"

    edit(data / "triage.yml", change)
    found = problems(data)
    assert any("about: describe exactly these thresholds" in p for p in found)
    assert any("'missing_with_controlling_adult': 'basis' must be" in p for p in found)


def test_each_weight_and_flag_says_where_it_comes_from(data: Path) -> None:
    edit(data / "indicators.yml", lambda d: d["indicators"][0].update(weight_basis="gut"))
    found = problems(data)
    assert (
        "indicators.yml: entry 'arrived_unaccompanied': 'weight_basis' has unknown value 'gut'"
        in (found)
    )
    edit(data / "indicators.yml", lambda d: d["indicators"][0].pop("going_missing_basis"))
    assert any("missing key 'going_missing_basis'" in p for p in problems(data))


def test_a_contact_says_what_was_checked(data: Path) -> None:
    edit(data / "contacts.yml", lambda d: d["contacts"][0].pop("verified_against"))
    assert any("'police_emergency': missing key 'verified_against'" in p for p in problems(data))


def test_the_version_is_the_content_hash_and_latest_review(data: Path) -> None:
    first = load_knowledge(data, today=TODAY).version
    assert first == load_knowledge(data, today=TODAY).version
    assert first.reviewed == TODAY and len(first.content_hash) == 12
    assert first.label == f"{TODAY.isoformat()}+{first.content_hash}"
    edit(data / "contacts.yml", lambda d: d["contacts"][0].update(hours="Always"))
    assert load_knowledge(data, today=TODAY).version.content_hash != first.content_hash


def test_the_nation_terms_and_the_neutral_terms_are_loaded() -> None:
    kb = load_knowledge(today=TODAY, strict_review=True)
    assert kb.terms("northern_ireland").out_of_hours == "Regional Emergency Social Work Service"
    assert kb.contact("ni_resws").phone == "028 9504 9999" and kb.contact("ni_resws").sources
    assert kb.terms(None) is kb.neutral and "MASH" not in kb.neutral.draft_title
    assert kb.contact("missing_people").hours is None  # 24/7 no longer confirmed
