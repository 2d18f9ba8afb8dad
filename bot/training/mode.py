"""Training mode: a learner practises the triage conversation on a fictional
scenario. Pure functions; the action server calls them for training
conversations only (their conversation id starts with ``train-``: bot/training/ids.py).

The flow: choose a scenario (or one at random) -> its first vignette stage and
the opening question -> the normal conversation, answered from the vignette, with
"ask" showing the next stage -> at the draft, the debrief and its score. Every
message carries the training banner, and nothing is written to the real case
store (the action saves to the training store instead).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot import conversation as talk
from bot.choices import letters
from bot.conversation import Case, Event, Turn
from bot.i18n import _
from bot.knowledge import Knowledge
from bot.replies import DATA_KEY, KIND_KEY, Choice, Reply
from bot.training.debrief import (
    Debrief,
    PlayedCase,
    debrief,
    debrief_document,
    debrief_text,
    played_from_tracker,
)
from bot.training.scenarios import Scenario

PICK = "scenario"
RANDOM = "random"
ASK = "training.ask"
ASK_WORDS = {"ask", "gofyn"}  # English and Welsh


def banner() -> str:
    return _("TRAINING - a fictional scenario, not a real case")


def _payload(value: str) -> str:
    return f'/inform{{"choice": "{value}"}}'


def picker(scenarios: Sequence[Scenario]) -> list[Reply]:
    listing = "\n".join(f"{n}. {s.title}" for n, s in enumerate(scenarios, start=1))
    buttons = [Choice(s.title, _payload(f"{PICK}.{letters(i)}")) for i, s in enumerate(scenarios)]
    buttons.append(Choice(_("Any scenario, at random"), _payload(f"{PICK}.{RANDOM}")))
    return [
        Reply(
            _(
                "Training mode: practise on a fictional case. Choose a scenario, type its "
                "number, or take one at random."
            )
            + "\n"
            + listing,
            tuple(buttons),
            kind="question",
        )
    ]


def chosen(
    scenarios: Sequence[Scenario], event: Event, pick: Callable[[Sequence[Scenario]], Scenario]
) -> Scenario | None:
    """The scenario the learner chose by button or by number, if any."""
    if event.choice and event.choice.startswith(f"{PICK}."):
        value = event.choice.removeprefix(f"{PICK}.")
        if value == RANDOM:
            return pick(scenarios)
        for i, scenario in enumerate(scenarios):
            if letters(i) == value:
                return scenario
        return None
    typed = event.text.strip()
    if typed.isdigit() and 1 <= int(typed) <= len(scenarios):
        return scenarios[int(typed) - 1]
    return None


def _stage(scenario: Scenario, number: int) -> Reply:
    stage = scenario.vignette[number - 1]
    return Reply(f"{stage.title}\n{stage.text}", kind="vignette")


def start(kb: Knowledge, scenario: Scenario, language: str, now: dt.datetime) -> Turn:
    opened = talk.opening(now, language).case
    # Turns are counted from here, as the scenario runner counts them from the
    # opening: choosing the scenario and asking for more are not turns.
    opened.training = {
        "scenario": scenario.id,
        "stage": 1,
        "debriefed": False,
        "turns": 1,
        "advice_turn": None,
    }
    a = scenario.audience
    intro = [
        scenario.title,
        _("You are: {who}.").format(who=a.professional),
        _("What to practise:"),
        *(f"- {o}" for o in scenario.learning_objectives),
    ]
    how = _(
        "Answer the questions as this professional, from what you know of the case. "
        "Type 'ask' (or press Ask) to find out more."
    )
    replies = [Reply("\n".join(intro)), _stage(scenario, 1), Reply(how), *talk.ask(kb, opened)]
    return Turn(tuple(replies), opened)


def ask_more(kb: Knowledge, scenario: Scenario, case: Case) -> Turn:
    assert case.training is not None
    stage = case.training["stage"]
    if stage >= len(scenario.vignette):
        replies = [Reply(_("That is all there is to find out in this scenario."))]
    else:
        case.training = {**case.training, "stage": stage + 1}
        replies = [_stage(scenario, stage + 1)]
    return Turn((*replies, *talk.ask(kb, case)), case)


def is_ask(event: Event) -> bool:
    return event.choice == ASK or event.text.strip().lower() in ASK_WORDS


def dressed(replies: Sequence[Reply], case: Case) -> tuple[Reply, ...]:
    """Every message with the training banner, and an Ask button beside the
    question while the scenario has more to tell."""
    out = []
    more = case.training is not None and case.pending not in (talk.DONE, talk.ENDED, None)
    for reply in replies:
        choices = reply.choices
        if more and reply.kind == "question" and choices:
            choices = (*choices, Choice(_("Ask: find out more"), _payload(ASK)))
        # Everything the reply carries (its data, rows, document) goes with it.
        out.append(replace(reply, text=f"{banner()}\n{reply.text}", choices=choices))
    return tuple(out)


def strip_banner(text: str) -> str:
    head, _sep, rest = text.partition("\n")
    return rest if head == banner() else text


@dataclass(frozen=True)
class Finished:
    result: Debrief
    played: PlayedCase
    text: str
    document: dict[str, Any] | None = None  # the same debrief as a document


def finish(
    kb: Knowledge,
    scenario: Scenario,
    case: Case,
    earlier_events: Sequence[dict[str, Any]],
    replies: Sequence[Reply],
) -> Finished:
    """The debrief of a finished practice: what the conversation did (its events
    so far, banners removed, and this turn's replies) against the model outcome."""
    events = [
        {**e, "text": strip_banner(e.get("text") or "")} if e.get("event") == "bot" else e
        for e in earlier_events
    ]
    events += [
        {"event": "bot", "text": r.text, "metadata": {KIND_KEY: r.kind, DATA_KEY: r.data}}
        for r in replies
    ]
    played = played_from_tracker({"slots": {"case": case.to_dict()}, "events": events}, kb)
    assert case.training is not None
    played = replace(played, turns=case.training["turns"], advice_turn=case.training["advice_turn"])
    result = debrief(scenario, played)
    return Finished(
        result,
        played,
        debrief_text(scenario, result, played, kb),
        debrief_document(scenario, result, played, kb),
    )


def turn(
    kb: Knowledge,
    scenarios: Sequence[Scenario],
    case: Case,
    event: Event,
    normal: Callable[[], Turn],
    now: dt.datetime,
    events: Sequence[dict[str, Any]],
    action: str = "action_answer",
    pick: Callable[[Sequence[Scenario]], Scenario] = random.choice,
) -> tuple[Turn, Finished | None]:
    """One turn of a training conversation: the replies (banner on each), the new
    case, and the debrief when this turn finished the practice."""
    by_id = {s.id: s for s in scenarios}
    scenario = by_id.get(case.training["scenario"]) if case.training else None
    if scenario is None:
        picked = chosen(scenarios, event, pick)
        if picked is None:
            fresh = Case(language=case.language)
            return Turn(dressed(picker(scenarios), fresh), fresh), None
        result = start(kb, picked, case.language, now)
        return Turn(dressed(result.replies, result.case), result.case), None
    if is_ask(event):
        result = ask_more(kb, scenario, case)
        return Turn(dressed(result.replies, result.case), result.case), None
    # A sentence typed as an answer in the user's own words is that answer.
    if action in ("action_pause", "action_resume") and not talk.is_own_words(case, event):
        said = _(
            "Pausing is not available in training: finish the scenario, or type 'start again'."
        )
        return Turn(dressed([Reply(said), *talk.ask(kb, case)], case), case), None
    result = normal()
    if result.case.training is None:  # "start again": back to the choice of scenario
        fresh = Case(language=result.case.language)
        return Turn(dressed(picker(scenarios), fresh), fresh), None
    counted = result.case.training
    counted["turns"] = case.training["turns"] + 1
    if result.case.advised and counted.get("advice_turn") is None:
        counted["advice_turn"] = counted["turns"]
    finished = None
    replies = list(result.replies)
    if result.case.pending == talk.DONE and not result.case.training.get("debriefed"):
        finished = finish(kb, scenario, result.case, events, replies)
        result.case.training = {**result.case.training, "debriefed": True}
        replies += [
            Reply(finished.text, kind="debrief", document=finished.document),
            Reply(
                _(
                    "That is the end of the practice. Download the debrief to keep it, or "
                    "type 'start again' for another scenario."
                )
            ),
        ]
    return Turn(dressed(replies, result.case), result.case), finished
