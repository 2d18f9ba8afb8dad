"""The drafts made from one set of answers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.knowledge import Knowledge, load_knowledge
from bot.triage import Answer, Context, assess, next_steps
from bot.triage.answers import URGENT
from bot.triage.questions import all_question_ids, question_for
from bot.triage.summary import (
    DRAFT_BANNER,
    ActionTaken,
    SharingRecord,
    blank_proforma,
    ceop_report_facts,
    nspcc_call_note,
    referral_summary,
)

RAISED = dt.datetime(2026, 11, 23, 9, 30)
CTX = Context(role="health", nation="wales", setting="health", age=15, concern_raised_at=RAISED)
ANSWERS = {
    URGENT: Answer("no"),
    "missing_episodes": Answer("yes", how="observed", when="now", note="Missed 3 appointments"),
    "docs_held_by_other": Answer("yes", how="reported", when="within_6_months"),
    "online_sexual_pressure": Answer("not_sure"),
    "mood_changes": Answer("no"),
}


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=dt.date(2026, 12, 3))


@pytest.fixture(scope="module")
def draft(kb: Knowledge):
    result = assess(kb, CTX, ANSWERS)
    steps = next_steps(kb, CTX, ANSWERS, result)
    return referral_summary(
        kb,
        CTX,
        ANSWERS,
        result,
        steps,
        case_ref="JD-0042",
        actions_taken=(ActionTaken("Phoned the MASH", dt.datetime(2026, 11, 23, 10, 5)),),
        sharing=SharingRecord(
            share_with=("safeguarding lead", "children's social care"),
            child_told=True,
            carer_told=False,
            reason_not_told="The carer may be involved; telling them could raise the risk.",
        ),
    )


def test_every_rendering_is_marked_draft_and_dated(draft) -> None:
    text, md = draft.as_text(), draft.as_markdown()
    data = json.loads(draft.as_json())
    assert DRAFT_BANNER in text and DRAFT_BANNER in md and data["draft"] is True
    for rendered in (text, md, data["raised_at"]):
        assert "23 November 2026, 09:30" in rendered


def test_headings_follow_the_referral_form(draft) -> None:
    headings = [s.heading for s in draft.sections]
    for expected in (
        "Urgency",
        "Referral details",
        "The child",
        "The concern and the indicators observed",
        "Actions already taken",
        "Who has been told",
        "Next steps",
        "Contacts",
    ):
        assert expected in headings


def test_facts_are_kept_apart_from_reports_and_doubts(kb: Knowledge, draft) -> None:
    (concern,) = [s for s in draft.sections if s.heading.startswith("The concern")]
    lines = list(concern.lines)
    facts = lines.index("Facts (seen by you or told to you by the child):")
    reported = lines.index("Reported by others, suspected, or source not given:")
    assert facts < reported
    # "Not sure" is an unknown (issue 18): listed as a gap, not as a concern.
    assert kb.indicators["online_sexual_pressure"].question not in "\n".join(lines)
    (gaps,) = [s for s in draft.sections if s.heading == "Not known yet"]
    assert gaps.lines == ("- Not known: " + kb.indicators["online_sexual_pressure"].question,)
    body = "\n".join(lines)
    assert kb.indicators["missing_episodes"].question in lines[facts + 1]
    assert "Missed 3 appointments" in body  # the professional's own note
    assert kb.indicators["docs_held_by_other"].question in lines[reported + 1]
    assert "mood" not in body.lower()  # a "no" is not listed as a concern


def test_actions_sharing_steps_and_contacts_are_in_the_draft(kb: Knowledge, draft) -> None:
    text = draft.as_text()
    assert "23 November 2026, 10:05: Phoned the MASH" in text
    assert "Parent or carer told: no" in text
    assert "could raise the risk" in text
    assert "JD-0042" in text
    assert kb.contact("nspcc_helpline").phone in text
    assert "[ ] " in text  # steps are a checklist
    assert "not at risk" not in text.lower()


def test_grab_sheet_only_when_the_child_may_go_missing(kb: Knowledge, draft) -> None:
    assert any("grab sheet" in s.heading for s in draft.sections)  # high risk here
    calm = {URGENT: Answer("no"), "mood_changes": Answer("yes")}
    result = assess(kb, CTX, calm)
    quiet = referral_summary(kb, CTX, calm, result, next_steps(kb, CTX, calm, result))
    assert not any("grab sheet" in s.heading for s in quiet.sections)


def test_nspcc_note_uses_the_same_answers(kb: Knowledge) -> None:
    note = nspcc_call_note(kb, CTX, ANSWERS, assess(kb, CTX, ANSWERS))
    text = note.as_text()
    assert kb.contact("nspcc_helpline").phone in note.title
    assert kb.indicators["missing_episodes"].question in text
    assert DRAFT_BANNER in text


def test_ceop_facts_only_when_online_abuse_is_indicated(kb: Knowledge) -> None:
    # Online abuse indicated by a "yes" ("not sure" is an unknown since issue 18).
    assert ceop_report_facts(kb, CTX, ANSWERS) is None
    facts = ceop_report_facts(kb, CTX, {**ANSWERS, "online_sexual_pressure": Answer("yes")})
    assert facts is not None
    assert kb.indicators["online_sexual_pressure"].question in facts.as_text()
    assert "cannot be anonymous" in facts.as_text()
    assert ceop_report_facts(kb, CTX, {URGENT: Answer("no")}) is None


def test_blank_proforma_has_every_question(kb: Knowledge) -> None:
    text = blank_proforma(kb).as_text()
    for qid in all_question_ids(kb, Context()):
        assert question_for(kb, qid).text in text
    assert text.count("[ ] Yes") == len(all_question_ids(kb, Context()))


def test_times_are_shown_in_uk_time(kb: Knowledge) -> None:
    summer = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone.utc)  # 10:30 BST
    ctx = Context(role="teacher", nation="england", concern_raised_at=summer)
    result = assess(kb, ctx, {})
    draft = referral_summary(kb, ctx, {}, result, next_steps(kb, ctx, {}, result))
    assert draft.raised_at == "1 July 2026, 10:30"


# --- nation terms and the guidance version (issue 19) --------------------------------


@pytest.mark.parametrize(
    ("nation", "title", "who"),
    [
        ("northern_ireland", "HSC TRUST'S GATEWAY", "the Health and Social Care Trust or the PSNI"),
        ("scotland", "SOCIAL WORK SERVICES", "council social work services or Police Scotland"),
        ("wales", "LOCAL AUTHORITY'S SOCIAL SERVICES", "the local authority or the police"),
        ("england", "CHILDREN'S SOCIAL CARE", "the local authority or the police"),
    ],
)
def test_the_draft_is_titled_and_worded_for_the_nation(
    kb: Knowledge, nation: str, title: str, who: str
) -> None:
    ctx = Context(role="teacher", nation=nation, setting="school", age=14)
    answers = {URGENT: Answer("no"), "travel_debt": Answer("yes"), "no_documents": Answer("yes")}
    result = assess(kb, ctx, answers)
    text = referral_summary(
        kb, ctx, answers, result, next_steps(kb, ctx, answers, result)
    ).as_text()
    assert title in text.splitlines()[0].replace("HEALTH AND SOCIAL CARE TRUST", "HSC TRUST")
    assert f"a First Responder ({who})" in text
    assert "Devolved decision-making pilot area" in text
    assert f"Guidance version: {kb.version.label}" in text
    if nation != "england":
        assert "children's social care" not in text.lower()


def test_the_nspcc_note_asks_about_the_nations_guardian(kb: Knowledge) -> None:
    ctx = Context(role="health", nation="scotland")
    note = nspcc_call_note(kb, ctx, ANSWERS, assess(kb, ctx, ANSWERS)).as_text()
    assert "Guardianship Scotland" in note and "Independent Child Trafficking Guardian" not in note
    assert f"Guidance version: {kb.version.label}" in note


def test_low_going_missing_risk_never_reads_as_reassurance() -> None:
    # Content audit 2026-12, harm review: "Low so far" could read as reassurance.
    from bot.triage.assess import MISSING_WORDS

    low = MISSING_WORDS["low"]
    assert "no going-missing signs reported" in low
    assert "not a finding that the child is safe" in low


def test_the_draft_is_also_a_document_with_the_same_words(kb: Knowledge, draft) -> None:
    """The text every channel shows is unchanged; beside it, the same draft as plain
    data (headings, list items, tasks, notes) for the widget and the PDF."""
    from bot.replies import DOCUMENT_KEY, Reply
    from bot.triage.summary import DraftText

    text = draft.as_text()
    assert isinstance(text, DraftText)
    doc = text.document
    json.dumps(doc)  # JSON-safe: it travels as message metadata
    assert doc["title"] == draft.title and doc["raised_at"] == draft.raised_at
    assert [s["heading"] for s in doc["sections"]] == [s.heading for s in draft.sections]
    items = [i for s in doc["sections"] for i in s["items"]]
    steps = next(s for s in doc["sections"] if s["heading"] == "Next steps")["items"]
    assert steps and all(i["style"] == "task" and not i["text"].startswith("[ ]") for i in steps)
    noted = [i for i in items if "note" in i]
    assert noted and "Missed 3 appointments" in noted[0]["note"]
    # Every word of the document is in the text (nothing added, nothing lost).
    for item in items:
        assert item["text"] in text
    message = Reply(text, kind="summary").as_rasa_message()
    assert message[DOCUMENT_KEY] == doc
    assert type(message["text"]) is str and message["text"] == text
    assert DOCUMENT_KEY not in Reply("plain", kind="text").as_rasa_message()


def test_a_document_line_reads_only_the_drafts_own_marks() -> None:
    from bot.triage.summary import document_line

    assert document_line("[ ] Call the MASH") == {"style": "task", "text": "Call the MASH"}
    assert document_line("- [Online] Asked for photos") == {
        "style": "bullet",
        "text": "[Online] Asked for photos",
    }
    assert document_line("Nation: Wales")["style"] == "line"
    noted = document_line("- Question - answer: yes\n    Notes: - [ ] typed by the user")
    assert noted == {
        "style": "bullet",
        "text": "Question - answer: yes",
        "note": "Notes: - [ ] typed by the user",
    }
