"""Actions on real rasa_sdk objects: a Tracker, a CollectingDispatcher and the
project's domain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation as acts
from actions.base import GoldenHourAction, event_from, parse_age
from bot.conversation import Case
from bot.logs import pseudonym
from bot.ops import metrics
from bot.store.cases import CaseStore
from bot.store.sealed import open_case

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def tracker(
    case: dict | None, intent: str, text: str = "", entities=(), sender: str = "unit"
) -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={"case": case},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": list(entities),
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def case_after(events: list) -> Case:
    (slot,) = [e for e in events if e["event"] == "slot" and e["name"] == "case"]
    return Case.from_dict(slot["value"])


def test_every_action_in_the_domain_is_implemented(domain: dict) -> None:
    implemented = {cls.action_name for cls in GoldenHourAction.__subclasses__()}
    assert set(domain["actions"]) == implemented


async def test_opening_then_yes_gives_advice_and_asks_the_role(domain: dict) -> None:
    d = CollectingDispatcher()
    events = await acts.ActionOpening().run(d, tracker(None, "greet", "hi"), domain)
    opened = case_after(events)
    assert opened.pending == "urgent"
    assert [b["payload"] for b in d.messages[-1]["buttons"]] == ["/affirm", "/deny", "/unsure"]
    d = CollectingDispatcher()
    events = await acts.ActionAnswer().run(d, tracker(opened.to_dict(), "affirm", "yes"), domain)
    text = "\n".join(m["text"] for m in d.messages)
    assert "999" in text and "0808 800 5000" in text
    assert case_after(events).pending == "role"


async def test_a_button_choice_is_checked_against_the_open_question(domain: dict) -> None:
    case = Case(pending="nation").to_dict()
    choice = [{"entity": "choice", "value": "role.teacher"}]  # a role, but nation is open
    d = CollectingDispatcher()
    payload = '/inform{"choice": "role.teacher"}'
    events = await acts.ActionAnswer().run(d, tracker(case, "inform", payload, choice), domain)
    assert case_after(events).nation is None
    assert "did not understand" in d.messages[0]["text"]


async def test_a_button_choice_answers_its_own_question(domain: dict) -> None:
    case = Case(pending="setting", role="police", nation="wales").to_dict()
    choice = [{"entity": "choice", "value": "setting.police_contact"}]
    d = CollectingDispatcher()
    payload = '/inform{"choice": "setting.police_contact"}'
    events = await acts.ActionAnswer().run(d, tracker(case, "inform", payload, choice), domain)
    assert case_after(events).setting == "police_contact"


async def test_an_old_role_button_cannot_answer_the_setting(domain: dict) -> None:
    # the payload's words ("role", "police") must not be read as a typed setting
    case = Case(pending="setting", role="police", nation="wales").to_dict()
    choice = [{"entity": "choice", "value": "role.police"}]
    d = CollectingDispatcher()
    payload = '/inform{"choice": "role.police"}'
    events = await acts.ActionAnswer().run(d, tracker(case, "inform", payload, choice), domain)
    assert case_after(events).setting is None


async def test_a_failing_action_still_sends_the_safety_message(
    domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args, **_kwargs):
        raise RuntimeError("she lives at 1 Secret Road")  # must never be logged

    monkeypatch.setattr(acts.talk, "urgent", explode)
    d = CollectingDispatcher()
    events = await acts.ActionImmediateAdvice().run(d, tracker(None, "urgent"), domain)
    assert events == []  # the case is left as it was
    (message,) = d.messages
    assert "999" in message["text"] and "0808 800 5000" in message["text"]


async def test_a_forged_case_slot_cannot_break_the_action(domain: dict) -> None:
    forged = {"pending": 42, "answers": {"x": "not a dict"}, "language": "klingon", "age": "9"}
    d = CollectingDispatcher()
    events = await acts.ActionAnswer().run(d, tracker(forged, "affirm", "yes"), domain)
    case = case_after(events)
    assert case.pending == "urgent" and case.language == "en_GB" and case.age is None
    assert events == [SlotSet("case", case.to_dict())]


def test_event_reads_only_safe_choices_and_ages() -> None:
    t = tracker(
        None,
        "inform",
        "she is about fourteen",
        [
            {"entity": "choice", "value": "DROP TABLE"},
            {"entity": "choice", "value": "role.teacher; x"},
            {"entity": "AGE", "value": "about fourteen"},
        ],
    )
    event = event_from(t)
    assert event.choice is None and event.age == 14
    good = tracker(None, "inform", "", [{"entity": "choice", "value": "evidence.observed"}])
    assert event_from(good).choice == "evidence.observed"
    assert parse_age("15yo") == 15 and parse_age("old") is None


@pytest.mark.parametrize(
    ("action", "intent"),
    [
        (acts.ActionStartAgain, "start_again"),
        (acts.ActionPause, "pause"),
        (acts.ActionStop, "stop"),
        (acts.ActionHelp, "help"),
        (acts.ActionOpening, "greet"),
    ],
)
async def test_a_sentence_at_the_note_is_the_note_whatever_it_reads_as(
    domain: dict, data_key: str, action: type, intent: str
) -> None:
    """A note misread as start again, pause, stop, help or hello must not wipe,
    park or end the case: it is kept as the note."""
    case = Case()
    case.pending = "evidence:missing_episodes"
    case.ref = "GHABCDEFGH"
    case.role, case.nation, case.setting = "teacher", "england", "school"
    case.answers["missing_episodes"] = {"value": "yes", "how": None, "when": None, "note": None}
    case.history = ["role", "nation", "setting", "missing_episodes"]
    words = "Staff describe her as a different girl since the spring"
    d = CollectingDispatcher()
    events = await action().run(d, tracker(case.to_dict(), intent, words), domain)
    (slot,) = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "case"]
    after = Case.from_dict(open_case(slot))  # the words travel sealed
    assert after.ref == "GHABCDEFGH"
    assert after.answers["missing_episodes"]["note"] == words
    assert not (after.pending or "").startswith("evidence:")


@pytest.mark.parametrize(
    ("action", "intent"), [(acts.ActionPause, "pause"), (acts.ActionStop, "stop")]
)
@pytest.mark.parametrize(
    ("pending", "words"),
    [
        ("share_with", "the duty social worker and the police"),
        ("why_not", "she asked me to wait until tomorrow"),
    ],
)
async def test_a_sentence_at_a_words_question_is_the_answer_whatever_it_reads_as(
    domain: dict, data_key: str, action: type, intent: str, pending: str, words: str
) -> None:
    """ "She asked me to wait until tomorrow", typed as why the family were not
    told, read as "pause", must not park the case: it is the reason."""
    case = Case(pending=pending, ref="GHABCDEFGH", role="teacher", nation="england")
    case.setting = "school"
    if pending == "why_not":
        case.sharing = {"share_with": ["Police"], "child_told": False, "carer_told": False}
    d = CollectingDispatcher()
    events = await action().run(d, tracker(case.to_dict(), intent, words), domain)
    (slot,) = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "case"]
    after = Case.from_dict(open_case(slot))
    assert after.ref == "GHABCDEFGH"
    assert after.sharing[pending] in (words, [words])
    assert after.pending not in (None, pending)


@pytest.mark.parametrize(
    ("words", "drafted"),
    [
        ("thats as much as I know. Please can you finish it and give me the doc", True),
        ("she said she has to leave at nine every night", False),
        ("she finished her shift and said she has to go back to them", False),
    ],
)
async def test_read_as_a_draft_request_at_a_note_words_with_a_draft_word_give_it(
    domain: dict, data_key: str, words: str, drafted: bool
) -> None:
    """Read as a request for the draft where a note is open: with a draft word the
    draft comes and the note is still open; without one, the words are the note."""
    case = Case(pending="evidence:missing_episodes", ref="GHABCDEFGH", role="teacher")
    case.nation, case.setting = "england", "school"
    case.answers["missing_episodes"] = {"value": "yes", "how": None, "when": None, "note": None}
    case.history = ["missing_episodes"]
    d = CollectingDispatcher()
    events = await acts.ActionDraft().run(
        d, tracker(case.to_dict(), "request_draft", words), domain
    )
    (slot,) = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "case"]
    after = Case.from_dict(open_case(slot))
    assert any("DRAFT" in (m.get("text") or "") for m in d.messages) is drafted
    if drafted:
        assert after.pending == "evidence:missing_episodes"
    else:
        assert after.answers["missing_episodes"]["note"] == words


# --- a case belongs to its conversation (security findings, 3) ------------------------


@pytest.fixture
def case_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_key: Path) -> CaseStore:
    from bot.store.db import engine

    url = f"sqlite:///{tmp_path / 'cases.db'}"
    monkeypatch.setenv("GOLDEN_HOUR_DATABASE_URL", url)
    return CaseStore(engine(url))


async def answered_case(domain: dict, sender: str) -> dict:
    """A conversation that has reached the going-missing questions, as its slot."""
    case = Case(pending="role", ref="GHVKTMP234", advised=False)
    case.answers["urgent"] = {"value": "no", "how": None, "when": None, "note": None}
    case.history = ["urgent"]
    slot = case.to_dict()
    for intent, value in [
        ("inform", "role.teacher"),
        ("inform", "nation.england"),
        ("inform", "setting.school"),
    ]:
        choice = [{"entity": "choice", "value": value}]
        payload = f'/inform{{"choice": "{value}"}}'
        events = await acts.ActionAnswer().run(
            CollectingDispatcher(), tracker(slot, intent, payload, choice, sender=sender), domain
        )
        (slot,) = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "case"]
    return slot


async def test_a_forged_slot_naming_another_case_cannot_overwrite_it(
    domain: dict, case_db: CaseStore
) -> None:
    victim = await answered_case(domain, sender="victim-conversation")
    refusals = metrics.REGISTRY.get_sample_value("golden_hour_case_refusals_total") or 0
    errors_before = (
        metrics.REGISTRY.get_sample_value("golden_hour_store_errors_total", {"store": "cases"}) or 0
    )
    stored = case_db.case("GHVKTMP234")
    assert stored is not None and stored["answers"] and stored["setting"] == "school"
    # Finding 3: another conversation's slot with the victim's ref and no answers.
    forged = {**victim, "answers": {}, "history": [], "role": None, "setting": None}
    d = CollectingDispatcher()
    await acts.ActionAnswer().run(
        d, tracker(forged, "affirm", "yes", sender="attacker-local"), domain
    )
    assert case_db.case("GHVKTMP234") == stored  # answers, role and setting all kept
    who = [w for w, _channel, _action in case_db.audit_trail("GHVKTMP234")]
    assert pseudonym("attacker-local") not in who
    # The attacker's conversation is told its step was not saved (with the contacts).
    text = "\n".join(m["text"] for m in d.messages)
    assert "could not save" in text and "999" in text
    # Counted as a refusal, not as a database error.
    assert metrics.REGISTRY.get_sample_value("golden_hour_case_refusals_total") == refusals + 1
    errors = metrics.REGISTRY.get_sample_value("golden_hour_store_errors_total", {"store": "cases"})
    assert (errors or 0) == errors_before


async def test_a_resumed_case_moves_to_the_conversation_that_took_the_code(
    domain: dict, case_db: CaseStore
) -> None:
    slot = await answered_case(domain, sender="first-conversation")
    d = CollectingDispatcher()
    await acts.ActionPause().run(
        d, tracker(slot, "pause", "pause", sender="first-conversation"), domain
    )
    code = re.search(r"resume code is ([A-Z0-9]{8})", d.messages[0]["text"]).group(1)

    d = CollectingDispatcher()
    events = await acts.ActionResume().run(
        d, tracker(None, "resume", f"resume {code}", sender="second-conversation"), domain
    )
    assert "could not save" not in "\n".join(m["text"] for m in d.messages)
    resumed = next(e["value"] for e in events if e["event"] == "slot" and e["name"] == "case")
    assert resumed["ref"] == "GHVKTMP234"
    # The new conversation answers on and its answers are kept ...
    d = CollectingDispatcher()
    await acts.ActionAnswer().run(
        d, tracker(resumed, "affirm", "yes", sender="second-conversation"), domain
    )
    assert "could not save" not in "\n".join(m["text"] for m in d.messages)
    stored = case_db.case("GHVKTMP234")
    assert stored is not None and len(stored["answers"]) > len(slot["answers"])
    # ... and the conversation that paused it can no longer write to it.
    before = case_db.case("GHVKTMP234")
    stale = {**slot, "answers": {}}
    await acts.ActionAnswer().run(
        CollectingDispatcher(), tracker(stale, "affirm", "yes", sender="first-conversation"), domain
    )
    assert case_db.case("GHVKTMP234") == before


async def test_a_wrong_code_moves_no_case(domain: dict, case_db: CaseStore) -> None:
    victim = await answered_case(domain, sender="victim-conversation")
    stored = case_db.case("GHVKTMP234")
    forged = {**victim, "answers": {}}
    await acts.ActionResume().run(
        CollectingDispatcher(),
        tracker(forged, "resume", "resume ABCDEFGH", sender="attacker-local"),
        domain,
    )
    assert case_db.case("GHVKTMP234") == stored


async def test_leaving_words_read_as_pause_give_the_draft_and_keep_the_case(
    domain: dict,
) -> None:
    """Issue 18: "I have to go" gives the draft. Read as "pause", words that ask for
    the write-up now get the draft, and the case stays open in this conversation."""
    slot = await answered_case(domain, sender="leaving")
    d = CollectingDispatcher()
    words = "got to get back to class - please finish it off and show me"
    events = await acts.ActionPause().run(
        d, tracker(slot, "pause", words, sender="leaving"), domain
    )
    assert any("DRAFT" in (m.get("text") or "") for m in d.messages)
    assert not any("resume code" in (m.get("text") or "") for m in d.messages)
    assert case_after(events).pending == slot["pending"]


async def test_leaving_to_come_back_later_is_still_a_pause(
    domain: dict, case_db: CaseStore
) -> None:
    slot = await answered_case(domain, sender="pausing")
    d = CollectingDispatcher()
    words = "I have to go, can we continue later"
    await acts.ActionPause().run(d, tracker(slot, "pause", words, sender="pausing"), domain)
    assert re.search(r"resume code is [A-Z0-9]{8}", d.messages[0]["text"])
