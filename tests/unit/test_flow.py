"""The conversation's content, decided by pure functions in bot/flow.py."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot import flow
from bot.advice import safety_message
from bot.knowledge import Knowledge, load_knowledge
from bot.triage.answers import Context
from bot.triage.steps import immediate_texts


def immediate_steps(kb: Knowledge) -> list[str]:
    return immediate_texts(kb, Context())


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=dt.date(2026, 11, 23))


def text_of(turn: flow.Turn) -> str:
    return "\n".join(r.text for r in turn.replies)


def test_opening_introduces_then_asks_the_urgent_question(kb: Knowledge) -> None:
    turn = flow.opening()
    intro, question = turn.replies
    assert "not an emergency service" in intro.text
    assert "immediate danger" in question.text and "go missing" in question.text
    assert [c.payload for c in question.choices] == ["/affirm", "/deny", "/unsure"]
    assert turn.stage == flow.URGENT_SCREEN


@pytest.mark.parametrize("intent", ["affirm", "unsure"])
def test_yes_or_not_sure_at_the_urgent_screen_gives_immediate_advice(
    kb: Knowledge, intent: str
) -> None:
    turn = flow.answer(kb, flow.URGENT_SCREEN, intent)
    text = text_of(turn)
    assert turn.stage == flow.ADVISED
    assert "call the police on 999" in text
    assert "children's social care" in text and "emergency duty team" in text
    assert "0808 800 5000" in text
    assert "write down" in text  # record descriptions


def test_advice_steps_follow_the_data_order(kb: Knowledge) -> None:
    advice = next(
        r for r in flow.urgent_advice(kb, flow.URGENT_SCREEN).replies if r.kind == "advice"
    )
    positions = [advice.text.index(step[:40]) for step in immediate_steps(kb)]
    assert positions == sorted(positions)


def test_numbers_come_from_the_data_not_the_code(kb: Knowledge) -> None:
    nspcc = dataclasses.replace(kb.contact("nspcc_helpline"), phone="01632 960999")
    changed = dataclasses.replace(kb, contacts={**kb.contacts, "nspcc_helpline": nspcc})
    text = text_of(flow.urgent_advice(changed, flow.URGENT_SCREEN))
    assert "01632 960999" in text and "0808 800 5000" not in text
    assert "01632 960999" in safety_message(changed)


def test_local_numbers_appear_once_a_deployment_supplies_them(kb: Knowledge) -> None:
    assert all("front door or MASH" not in step for step in immediate_steps(kb))
    csc = dataclasses.replace(kb.contact("children_social_care"), phone="01632 960123")
    local = dataclasses.replace(kb, contacts={**kb.contacts, "children_social_care": csc})
    assert any("01632 960123" in step for step in immediate_steps(local))
    assert "01632 960123" in safety_message(local)


def test_no_at_the_urgent_screen_gives_the_referral_route(kb: Knowledge) -> None:
    turn = flow.answer(kb, flow.URGENT_SCREEN, "deny")
    text = text_of(turn)
    assert turn.stage == flow.ROUTED
    assert "designated safeguarding lead" in text
    assert "children's social care" in text
    assert "0808 800 5000" in text
    assert "urgent" in text  # how to get the advice if it changes


def test_urgent_as_the_first_message_still_says_what_is_answering(kb: Knowledge) -> None:
    text = text_of(flow.urgent_advice(kb, None))
    assert "not an emergency service" in text
    assert "999" in text


def test_an_answer_with_no_question_open_opens_the_conversation(kb: Knowledge) -> None:
    assert flow.answer(kb, None, "affirm") == flow.opening()


def test_an_answer_after_advice_is_not_taken_as_a_new_answer(kb: Knowledge) -> None:
    turn = flow.answer(kb, flow.ADVISED, "deny")
    assert turn.stage == flow.ADVISED
    assert "only help with" in text_of(turn)


def test_redirect_re_asks_the_open_question(kb: Knowledge) -> None:
    turn = flow.redirect(flow.URGENT_SCREEN)
    assert turn.replies[-1].choices
    assert turn.stage == flow.URGENT_SCREEN


def test_help_and_stop_carry_the_emergency_number(kb: Knowledge) -> None:
    assert "999" in text_of(flow.help_turn(kb, flow.ADVISED))
    stop = flow.stop(kb)
    assert stop.stage == flow.ENDED
    assert "999" in text_of(stop) and "0808 800 5000" in text_of(stop)
    assert "08000 121 700" in text_of(stop)


def test_help_on_a_first_message_introduces_itself(kb: Knowledge) -> None:
    turn = flow.help_turn(kb, None)
    assert "not an emergency service" in text_of(turn)
    assert turn.stage == flow.URGENT_SCREEN


def test_nothing_ever_says_a_child_is_not_at_risk(kb: Knowledge) -> None:
    turns = [
        flow.opening(),
        flow.stop(kb),
        flow.help_turn(kb, None),
        flow.redirect(flow.ADVISED),
        *(flow.answer(kb, stage, i) for stage in (None, *flow.STAGES) for i in flow.ANSWER_INTENTS),
        *(flow.urgent_advice(kb, stage) for stage in (None, *flow.STAGES)),
    ]
    for turn in turns:
        lowered = text_of(turn).lower()
        assert "not at risk" not in lowered and "no risk" not in lowered


def test_safety_message_has_999_social_care_and_nspcc(kb: Knowledge) -> None:
    text = safety_message(kb)
    assert "999" in text and "children's social care" in text and "0808 800 5000" in text
