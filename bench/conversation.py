"""How long the guided conversation is for the professional: questions asked and
turns taken, played on the pure state machine (bot/conversation.py) exactly as the
actions drive it, one button press or typed answer per turn.

    .venv/bin/python -m bench.conversation

Prints, for each kind of case, the questions asked (the opening one, screens and
indicators; context choices and "how do you know?" are not counted), the
turns from the first message to the "check your answers" list and to the draft,
and on the urgent path the turns from the first message to immediate-action
advice (target: 2 or fewer); then the advice blocks shown, their longest block in
steps, and the levels reached; and the turns to a draft asked for ("draft") as
soon as the context is known (issue 18).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot import conversation as talk
from bot.conversation import Case, Event
from bot.knowledge import Knowledge, load_knowledge
from bot.triage import assess
from bot.triage.answers import PICK_PREFIX
from bot.triage.questions import pick_options

NOW = dt.datetime(2026, 11, 23, 9, 30)

# A case with signs in the two categories a teacher at school is always asked about:
# going missing and control (the end-to-end tests play the same case on every
# channel). Together they mean the child may go missing now, so from then on only
# what changes the immediate actions is asked: criminal exploitation's signs, which
# would add a later step, are left to the draft (bot/triage/questions.py).
HIGH = frozenset(
    {
        "screen:going_missing",
        "missing_episodes",
        "screen:control",
        "adult_collects_child",
    }
)


CONTEXT = ("role.teacher", "nation.england", "setting.school")  # by button
MAX_TURNS = 300  # a policy the conversation does not understand must not loop forever


class Run:
    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        self.turns = 1  # the first message ("hello") gets the opening
        self.case = talk.opening(NOW).case
        self.questions = 0
        self.advice_at: int | None = None
        self.advice_blocks = 0
        self.longest_block = 0

    def step(self, event: Event) -> None:
        turn = talk.handle(self.kb, self.case, event, NOW)
        self.turns += 1
        for reply in turn.replies:
            if reply.kind != "advice":
                continue
            self.advice_at = self.advice_at or self.turns
            self.advice_blocks += 1
            numbered = [ln for ln in reply.text.splitlines() if ln.split(".")[0].isdigit()]
            self.longest_block = max(self.longest_block, len(numbered))
        self.case = turn.case


def pick_for(kb: Knowledge, category: str, case: Case, answer: Callable[[str], str]) -> str | None:
    """At "which of these is it?": the first sign listed that the policy says yes to
    (None: none of these)."""
    options = pick_options(kb, case.context(), case.engine_answers(), category)
    return next((i.id for i in options if answer(i.id) == "affirm"), None)


def play(kb: Knowledge, urgent: bool, answer: Callable[[str], str]) -> dict[str, int | None]:
    run = Run(kb)
    run.step(Event("affirm" if urgent else "deny"))
    run.questions = 1  # the opening question, just answered
    for key in CONTEXT:
        run.step(Event("inform", choice=key))
    while run.case.pending != talk.CHECK:
        if run.turns > MAX_TURNS:
            raise RuntimeError(f"no check after {MAX_TURNS} turns (open: {run.case.pending})")
        pending = run.case.pending or ""
        if pending.startswith(talk.EVIDENCE_PREFIX):
            run.step(Event("inform", choice="evidence.observed"))
            continue
        if pending == talk.OFFER:
            run.step(Event("affirm"))  # offered after the most questions: see them
            continue
        if pending == talk.AGE:  # counted: the draft needs it, so it is asked
            run.questions += 1
            run.step(Event("inform", choice="age.unknown"))  # a teacher unsure of it
            continue
        run.questions += 1
        if pending.startswith(PICK_PREFIX):
            sign = pick_for(kb, pending.removeprefix(PICK_PREFIX), run.case, answer)
            chosen = Event("inform", choice=f"pick.{sign}") if sign else None
            run.step(chosen or Event("unsure" if answer(pending) == "unsure" else "deny"))
            continue
        run.step(Event(answer(pending)))
    at_check = run.turns
    for event in (
        Event("affirm"),  # answers are right
        Event("inform", choice="share_with.safeguarding_lead"),
        Event("affirm"),  # child told
        Event("affirm"),  # carer told
    ):
        run.step(event)
    assert run.case.pending == talk.DONE
    result = assess(kb, run.case.context(), run.case.engine_answers())
    return {
        "questions": run.questions,
        "to_check": at_check,
        "to_draft": run.turns,
        "to_advice": run.advice_at,
        "advice_blocks": run.advice_blocks,
        "longest_block": run.longest_block,
        "levels": f"{result.going_missing}/{result.concern}",
    }


def draft_on_request(kb: Knowledge) -> int | None:
    """Turns from the first message to a draft asked for as soon as the context is
    known (None where the conversation has no draft on request)."""
    if not hasattr(talk, "draft"):
        return None
    run = Run(kb)
    run.step(Event("deny"))
    for key in CONTEXT:
        run.step(Event("inform", choice=key))
    turn = talk.draft(kb, run.case, Event("request_draft", "draft"), NOW)
    run.turns += 1
    assert any(r.kind == "summary" for r in turn.replies)
    return run.turns


def main() -> None:
    kb = load_knowledge(strict_review=False)
    cases = {
        "low concern (every answer no)": (False, lambda q: "deny"),
        "high concern (signs in 3 categories)": (
            False,
            lambda q: "affirm" if q in HIGH else "deny",
        ),
        "very high (every answer yes)": (False, lambda q: "affirm"),
        "urgent at the opening, then all no": (True, lambda q: "deny"),
        "settled child, every answer not sure": (False, lambda q: "unsure"),
    }
    for name, (urgent, policy) in cases.items():
        r = play(kb, urgent, policy)
        advice = r["to_advice"] if r["to_advice"] is not None else "-"
        print(
            f"{name:40} questions {r['questions']:3}  turns to check {r['to_check']:3}  "
            f"to draft {r['to_draft']:3}  to advice {advice}  advice blocks "
            f"{r['advice_blocks']} (longest {r['longest_block']} steps)  levels {r['levels']}"
        )
    asked = draft_on_request(kb)
    print(f"draft asked for once the context is known: turn {asked if asked else '-'}")
    first = talk.urgent(kb, Case(), NOW)
    assert any(r.kind == "advice" for r in first.replies)
    print("urgent words as the first message: advice on turn 1")


if __name__ == "__main__":
    main()
