"""Training mode, pure: choosing a scenario, the vignette in stages with "ask",
the banner on every message, and the debrief when the practice is done."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import conversation as talk
from bot.conversation import Case, Event, Turn
from bot.knowledge import Knowledge, load_knowledge
from bot.training import ids, mode
from bot.training.runner import message_for
from bot.training.scenarios import Scenario, load_scenarios

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=dt.date(2026, 12, 3))


@pytest.fixture(scope="module")
def scenarios(kb: Knowledge) -> tuple[Scenario, ...]:
    return load_scenarios(kb=kb, today=dt.date(2026, 11, 26)).scenarios


def event_for(message: str) -> Event:
    if message.startswith('/inform{"choice": "'):
        return Event("inform", message, message.split('"')[3])
    if message.startswith("/"):
        return Event(message[1:], message)
    return Event("inform", message)


class Learner:
    """A learner in a training conversation; the action's part played by hand."""

    def __init__(self, kb: Knowledge, scenarios: tuple[Scenario, ...]) -> None:
        self.kb, self.scenarios = kb, scenarios
        self.case = Case()
        self.events: list[dict] = []
        self.replies: tuple = ()
        self.finished: mode.Finished | None = None

    def send(self, message: str, action: str = "action_answer") -> str:
        event = event_for(message)

        def normal() -> Turn:
            if action == "action_start_again":
                return talk.opening(NOW, self.case.language)
            return talk.handle(self.kb, self.case, event, NOW)

        result, finished = mode.turn(
            self.kb, self.scenarios, self.case, event, normal, NOW, self.events, action=action
        )
        self.events.append({"event": "user", "text": message})
        self.events += [{"event": "bot", "text": r.text} for r in result.replies]
        self.case, self.replies = result.case, result.replies
        self.finished = finished or self.finished
        return "\n".join(r.text for r in result.replies)


def test_a_new_training_conversation_offers_the_scenarios(
    kb: Knowledge, scenarios: tuple[Scenario, ...]
) -> None:
    learner = Learner(kb, scenarios)
    said = learner.send("/greet")
    assert said.startswith(mode.banner())
    assert scenarios[0].title in said
    payloads = [c.payload for c in learner.replies[-1].choices]
    assert payloads[0] == '/inform{"choice": "scenario.a"}'
    assert payloads[-1] == '/inform{"choice": "scenario.random"}'
    assert len(payloads) == len(scenarios) + 1


def test_letters_are_unique_choice_values() -> None:
    values = [mode.letters(i) for i in range(100)]
    assert len(set(values)) == 100
    assert values[:3] == ["a", "b", "c"] and values[26] == "aa"
    assert all(v.isalpha() and v.islower() for v in values)


def test_choosing_shows_the_first_stage_then_ask_shows_the_next(
    kb: Knowledge, scenarios: tuple[Scenario, ...]
) -> None:
    learner = Learner(kb, scenarios)
    learner.send("/greet")
    said = learner.send("2")  # by number
    chosen = scenarios[1]
    assert chosen.vignette[0].text in said
    assert chosen.vignette[1].text not in said
    assert learner.case.pending == "urgent"
    assert all(r.text.startswith(mode.banner()) for r in learner.replies)
    assert '/inform{"choice": "training.ask"}' in [c.payload for c in learner.replies[-1].choices]
    said = learner.send("ask")
    assert chosen.vignette[1].text in said
    assert learner.case.pending == "urgent"  # the same question, asked again
    for _ in range(len(chosen.vignette)):
        said = learner.send('/inform{"choice": "training.ask"}')
    assert "all there is to find out" in said


def test_pausing_is_not_offered_in_training(kb: Knowledge, scenarios: tuple[Scenario, ...]) -> None:
    learner = Learner(kb, scenarios)
    learner.send("/greet")
    learner.send('/inform{"choice": "scenario.a"}')
    said = learner.send("pause", action="action_pause")
    assert "not available in training" in said
    assert learner.case.training is not None


def test_a_note_read_as_pause_is_still_the_note_in_training(
    kb: Knowledge, scenarios: tuple[Scenario, ...]
) -> None:
    scenario = scenarios[0]
    learner = Learner(kb, scenarios)
    learner.send("/greet")
    learner.send('/inform{"choice": "scenario.a"}')
    for _ in range(60):
        if (learner.case.pending or "").startswith("evidence:"):
            break
        answered = tuple(learner.case.answers)
        learner.send(message_for(scenario, learner.case.pending, typed=False, answered=answered))
    else:
        raise AssertionError("no 'How do you know?' question reached")
    said = learner.send("I had to stop and save the notes for later", action="action_pause")
    assert "not available in training" not in said
    assert not (learner.case.pending or "").startswith("evidence:")


@pytest.mark.parametrize("index", [0, 12])  # an urgent case and a low-concern one
def test_a_whole_practice_ends_with_the_debrief_and_its_score(
    kb: Knowledge, scenarios: tuple[Scenario, ...], index: int
) -> None:
    scenario = sorted(scenarios, key=lambda s: s.id)[index]
    learner = Learner(kb, scenarios)
    learner.send("/greet")
    learner.send(f'/inform{{"choice": "scenario.{mode.letters(scenarios.index(scenario))}"}}')
    for _ in range(200):
        if learner.case.pending == talk.DONE:
            break
        answered = tuple(learner.case.answers)
        learner.send(message_for(scenario, learner.case.pending, typed=False, answered=answered))
    assert learner.finished is not None
    assert learner.finished.result.score.total == 100  # answered exactly from the facts
    kinds = [r.kind for r in learner.replies]
    assert "summary" in kinds and "debrief" in kinds
    debrief = next(r.text for r in learner.replies if r.kind == "debrief")
    assert "Score: 100/100" in debrief
    # The debrief also comes as a document (headings and lists for the widget and
    # the PDF), and what the practice's replies decided keeps its data under the
    # TRAINING banner.
    document = next(r.document for r in learner.replies if r.kind == "debrief")
    assert document is not None and document["kind"] == "debrief"
    assert "Score: 100/100" in document["banner"]
    headings = [section["heading"] for section in document["sections"]]
    assert headings[0].startswith("Indicators you found") and "Teaching points:" in headings
    summary = next(r for r in learner.replies if r.kind == "summary")
    assert summary.data is not None and summary.data["steps"]
    assert learner.case.training["debriefed"] is True
    # "start again" goes back to the choice of scenario, not to a real case.
    said = learner.send("start again", action="action_start_again")
    assert scenarios[0].title in said and learner.case.training is None


def test_missing_everything_scores_low_and_names_what_was_missed(
    kb: Knowledge, scenarios: tuple[Scenario, ...]
) -> None:
    scenario = next(s for s in scenarios if s.id == "port-arrival-with-unrelated-adult")
    learner = Learner(kb, scenarios)
    learner.send("/greet")
    learner.send(f'/inform{{"choice": "scenario.{mode.letters(scenarios.index(scenario))}"}}')
    for _ in range(200):
        pending = learner.case.pending
        if pending == talk.DONE:
            break
        answer = message_for(scenario, pending, typed=False, answered=tuple(learner.case.answers))
        if answer in ("/affirm", "/unsure") and pending not in ("check",):
            answer = "/deny"  # the learner sees nothing
        if pending == "more":
            answer = "/deny"  # ... and has nothing else to say
        learner.send(answer)
    assert learner.finished is not None
    assert learner.finished.result.score.total < 50
    assert "Indicators you missed:" in learner.finished.text


def test_group_codes_and_training_ids() -> None:
    assert ids.is_training("train-" + "a" * 32)
    assert not ids.is_training("web-" + "a" * 32)
    assert ids.group_of("train-g-cohort7-" + "0" * 32) == "cohort7"
    assert ids.group_of("train-" + "0" * 32) is None


def test_new_training_ids_are_fresh_and_carry_only_a_clean_group() -> None:
    first, second = ids.new_training_id(), ids.new_training_id()
    assert first != second and ids.is_training(first) and ids.group_of(first) is None
    grouped = ids.new_training_id(" Cohort7 ")
    assert ids.group_of(grouped) == "cohort7"
    assert ids.group_of(ids.new_training_id("no spaces please")) is None
    assert ids.group_of(ids.new_training_id("x" * 17)) is None
