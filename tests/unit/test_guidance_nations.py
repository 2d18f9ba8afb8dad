"""Every role in every nation, played through the pure conversation: the urgent
path and a full conversation to the draft name that nation's referral route,
out-of-hours route, First Responders and (for those who have one) the sector's
safeguarding lead, all read from nations.yml, and never a term nations.yml marks
as wrong there (nor "call the police" to a police officer)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.advice import safety_message
from bot.knowledge import Knowledge, load_knowledge
from bot.knowledge.model import NATIONS, ROLES
from tests.unit.test_conversation import Chat

SETTING = {"teacher": "school", "health": "health", "social_care": "home_visit"}


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=dt.date(2026, 12, 3))


def _absent(kb: Knowledge, nation: str | None, role: str | None, text: str) -> None:
    terms = kb.terms(nation)
    wrong = (
        list(terms.forbidden) if nation else [t for n in kb.nations.values() for t in n.forbidden]
    )
    wrong += list(kb.role_forbidden.get(role or "", ()))
    for term in wrong:
        pattern = rf"(?<![\w-]){re.escape(term.lower())}(?![\w-])"
        assert not re.search(pattern, text.lower()), f"{nation}/{role}: {term!r} shown"


def _started(kb: Knowledge, role: str, nation: str) -> Chat:
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context(role=role, nation=nation, setting=SETTING.get(role, "other"))
    return chat


@pytest.mark.parametrize("nation", NATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_the_urgent_path_uses_the_nations_routes(kb: Knowledge, role: str, nation: str) -> None:
    chat = _started(kb, role, nation)
    advice = chat.urgent()
    terms = kb.terms(nation)
    assert terms.referral_route in advice
    assert terms.out_of_hours in advice
    lead = terms.safeguarding_lead[role]
    if lead:
        assert lead in advice
    _absent(kb, nation, role, advice)


@pytest.mark.parametrize("nation", NATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_a_full_conversation_reaches_a_draft_in_the_nations_terms(
    kb: Knowledge, role: str, nation: str
) -> None:
    chat = _started(kb, role, nation)
    chat.answer_all(lambda qid: "affirm")
    chat.say("affirm", "yes")  # the answers are right
    chat.say("inform", choice="share_with.all")
    chat.say("deny", "no")  # child not told
    chat.say("deny", "no")  # carer not told
    chat.say("inform", choice="why_not.raise_risk")
    log = "\n".join(r.text for r in chat.log[2:])  # after the neutral opening
    draft = next(r.text for r in chat.log if r.kind == "summary")
    terms = kb.terms(nation)
    assert draft.startswith(terms.draft_title.upper())
    assert terms.referral_route in draft
    assert terms.out_of_hours in draft
    assert terms.first_responders in draft
    assert f"Guidance version: {kb.version.label}" in draft
    lead = terms.safeguarding_lead[role]
    if lead:
        assert lead in draft
    _absent(kb, nation, role, log)


def test_the_safety_message_is_right_in_every_nation(kb: Knowledge) -> None:
    text = safety_message(kb)
    assert "999" in text and kb.neutral.referral_route in text
    _absent(kb, None, None, text)


def test_the_opening_advice_before_the_nation_is_known_is_neutral(kb: Knowledge) -> None:
    chat = Chat(kb)
    advice = chat.say("affirm", "yes")
    assert kb.neutral.referral_route in advice
    _absent(kb, None, None, advice)


def test_the_case_records_the_guidance_version_it_was_made_with(kb: Knowledge) -> None:
    from bot.conversation import Case

    chat = _started(kb, "teacher", "england")
    assert chat.case.guidance == kb.version.label
    kept = Case.from_dict(chat.case.to_dict(), kb)
    assert kept.guidance == kb.version.label
    forged = Case.from_dict({**chat.case.to_dict(), "guidance": "<script>"}, kb)
    assert forged.guidance is None
