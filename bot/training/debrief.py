"""The debrief: a played case compared with the scenario's model outcome, and a
score out of 100. Pure: the scenario, what happened and the guidance in; a
Debrief and its text out.

What happened (a PlayedCase) is read from Rasa's tracker for the conversation
(``played_from_tracker``): the answers from the ``case`` slot, and the advice, the
levels, the signposts and the next steps from what the assistant said.

The score (docs/training.md explains it for trainers):
- 50 points for the indicators found (answered yes or not sure where the facts say
  yes or unsure), in proportion to those the learner had the chance to report: asked
  about, closed at their category's screen, or left out at "anything else?". A sign
  the assistant never asked about, because the advice was settled without it, is
  listed but not counted. 50 when there are none;
- 20 points for the immediate-action advice: reached within the scenario's number
  of turns 20, reached later 10, never 0; in a scenario that does not need it, 20
  for not escalating to it and 0 for escalating;
- 15 points for the levels: 8 for the going-missing level, 7 for the concern level;
- 15 points for the expected signposts and next steps given, in proportion.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.advice import fill_contacts
from bot.i18n import N_, _, use
from bot.knowledge import Knowledge
from bot.replies import DATA_KEY, KIND_KEY
from bot.training.scenarios import CONCERN, ModelOutcome, Scenario
from bot.triage.assess import CONCERN_WORDS, MISSING_WORDS

INDICATOR_POINTS = 50
ADVICE_POINTS = 20
LATE_ADVICE_POINTS = 10
MISSING_LEVEL_POINTS = 8
CONCERN_LEVEL_POINTS = 7
FOLLOW_UP_POINTS = 15


MISSING_NAMES = {
    "immediate": N_("immediate"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
}
CONCERN_NAMES = {
    "strong": N_("strong indicators"),
    "some": N_("some indicators"),
    "few": N_("few indicators so far"),
}


@dataclass(frozen=True)
class PlayedCase:
    """What happened in one conversation."""

    answers: dict[str, str]  # question id -> yes | no | not_sure | skip
    turns: int  # messages the professional sent
    advice_turn: int | None  # the turn whose reply first gave the advice
    actions_given: tuple[str, ...]  # immediate-action ids in the advice
    going_missing: str | None
    concern: str | None
    levels_from: str  # "draft", "assessment" or "answers" (not reached the assessment)
    signposts: tuple[str, ...]  # contact ids offered at the end
    next_steps: tuple[str, ...]  # pathway ids in the draft
    finished: bool  # reached the draft summary
    language: str = "en_GB"


@dataclass(frozen=True)
class Missed:
    indicator: str
    detail: str | None  # what the learner could have found


@dataclass(frozen=True)
class Check:
    """One field of the model outcome against what the assistant did."""

    field: str
    expected: Any
    got: Any
    ok: bool
    known: str | None = None  # the scenario's note when this is a known difference


@dataclass(frozen=True)
class Score:
    indicators: int
    advice: int
    levels: int
    follow_up: int

    @property
    def total(self) -> int:
        return self.indicators + self.advice + self.levels + self.follow_up


@dataclass(frozen=True)
class Debrief:
    scenario: str
    found: tuple[str, ...]
    missed: tuple[Missed, ...]
    unsupported: tuple[str, ...]  # answered yes / not sure where the facts do not say so
    checks: tuple[Check, ...]
    score: Score
    # In the facts, never asked: the advice was settled without them (not scored).
    not_asked: tuple[str, ...] = ()

    @property
    def matches(self) -> bool:
        return not self.mismatches()

    def mismatches(self) -> list[Check]:
        return [c for c in self.checks if not c.ok and not c.known]

    def known(self) -> list[Check]:
        return [c for c in self.checks if not c.ok and c.known]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "matches": self.matches,
            "score": self.score.total,
            "score_parts": {
                "indicators": self.score.indicators,
                "advice": self.score.advice,
                "levels": self.score.levels,
                "follow_up": self.score.follow_up,
            },
            "found": list(self.found),
            "missed": [m.indicator for m in self.missed],
            "not_asked": list(self.not_asked),
            "unsupported": list(self.unsupported),
            "checks": [
                {
                    "field": c.field,
                    "expected": c.expected,
                    "got": c.got,
                    "ok": c.ok,
                    "known_difference": c.known,
                }
                for c in self.checks
            ],
        }


# --- comparing ------------------------------------------------------------------------


def _proportion(points: int, got: int, of: int) -> int:
    return points if of == 0 else round(points * got / of)


def _advice(model: ModelOutcome, played: PlayedCase) -> tuple[list[Check], int]:
    """The advice checks and points: in time when the scenario needs the advice,
    not given when it does not (no over-escalation)."""
    if not model.advice_required:
        not_given = played.advice_turn is None
        return [Check("advice_turn", None, played.advice_turn, not_given)], (
            ADVICE_POINTS if not_given else 0
        )
    within = model.advice_within_turns or 0
    in_time = played.advice_turn is not None and played.advice_turn <= within
    actions = Check(
        "immediate_actions",
        list(model.immediate_actions),
        list(played.actions_given),
        set(model.immediate_actions) <= set(played.actions_given),
    )
    points = ADVICE_POINTS if in_time else LATE_ADVICE_POINTS if played.advice_turn else 0
    return [Check("advice_turn", f"<= {within}", played.advice_turn, in_time), actions], points


def debrief(scenario: Scenario, played: PlayedCase) -> Debrief:
    """Compare a played case with the scenario's model outcome, and score it."""
    model = scenario.model_outcome
    expected = scenario.expected_indicators()
    found = tuple(q for q in expected if played.answers.get(q) in CONCERN)
    not_asked = tuple(
        q for q in expected if q not in found and not _had_the_chance(scenario, played, q)
    )
    missed = tuple(
        Missed(q, scenario.facts[q].detail)
        for q in expected
        if q not in found and q not in not_asked
    )
    chances = len(found) + len(missed)
    unsupported = tuple(
        q
        for q, value in played.answers.items()
        if value in CONCERN and q in _indicator_answers(played) and q not in expected
    )
    missing_ok = played.going_missing == model.going_missing
    concern_ok = played.concern == model.concern
    advice_checks, advice_points = _advice(model, played)
    no_signposts = [c for c in model.signposts if c not in played.signposts]
    no_steps = [s for s in model.next_steps if s not in played.next_steps]
    checks = [
        Check("going_missing", model.going_missing, played.going_missing, missing_ok),
        Check("concern", model.concern, played.concern, concern_ok),
        *advice_checks,
        Check("signposts", list(model.signposts), list(played.signposts), not no_signposts),
        Check("next_steps", list(model.next_steps), list(played.next_steps), not no_steps),
        Check("indicators", chances, len(found), len(found) == chances),
        Check("finished", True, played.finished, played.finished),
    ]
    follow_total = len(model.signposts) + len(model.next_steps)
    score = Score(
        indicators=_proportion(INDICATOR_POINTS, len(found), chances),
        advice=advice_points,
        levels=(MISSING_LEVEL_POINTS if missing_ok else 0)
        + (CONCERN_LEVEL_POINTS if concern_ok else 0),
        follow_up=_proportion(
            FOLLOW_UP_POINTS, follow_total - len(no_signposts) - len(no_steps), follow_total
        ),
    )
    checks = _with_known(scenario, checks)
    return Debrief(scenario.id, found, missed, unsupported, tuple(checks), score, not_asked)


def _had_the_chance(scenario: Scenario, played: PlayedCase, indicator: str) -> bool:
    """Whether the learner could have reported this sign: it was asked, its category
    was closed at its screen, or "anything else?" was answered without it."""
    if indicator in played.answers:
        return True
    category = scenario.facts[indicator].category
    screen = played.answers.get(f"screen:{category}")
    if screen in ("no", "skip"):
        return True
    if f"pick:{category}" in played.answers:
        # Not chosen from its list: "which of these is it?" listed every sign; once
        # one was found, "do any of these also apply?" listed only some.
        return not any(
            played.answers.get(q) in CONCERN
            for q, f in scenario.facts.items()
            if f.category == category
        )
    return screen is None and played.answers.get("more") in ("no", "not_sure", "skip")


def _indicator_answers(played: PlayedCase) -> list[str]:
    """The indicator questions among the answers (not the opening, a screen or a
    "which of these?" list)."""
    return [
        q
        for q in played.answers
        if q != "urgent" and not q.startswith("screen:") and not q.startswith("pick:")
    ]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


def _with_known(scenario: Scenario, checks: list[Check]) -> list[Check]:
    """Mark the scenario's known differences; one that no longer happens (or now
    differs in another way) is a mismatch, so the scenario gets updated."""
    out = []
    for check in checks:
        kd = next((k for k in scenario.known_differences if k.field == check.field), None)
        if kd is None:
            out.append(check)
        elif check.ok:
            out += [
                check,
                Check(
                    "known_differences",
                    f"'{kd.field}' to differ as recorded",
                    "it matches now: remove the entry",
                    False,
                ),
            ]
        else:
            out.append(replace(check, known=kd.note) if _same(check.got, kd.got) else check)
    return out


# --- reading what happened from Rasa's tracker -------------------------------------------


def _ids(value: Any, known: Any) -> list[str]:
    """The strings of a list that are ids the guidance knows, in order, once."""
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(v for v in value if isinstance(v, str) and v in known))


def _level_of(value: Any, levels: dict[str, str]) -> str | None:
    return value if isinstance(value, str) and value in levels else None


def played_from_tracker(tracker: dict[str, Any], kb: Knowledge) -> PlayedCase:
    """What happened in a conversation, from Rasa's tracker (GET
    /conversations/{sender}/tracker with its events): the answers from the ``case``
    slot; the advice, the levels, the next steps and the signposts from what each
    reply decided, as data (bot/replies.py DATA_KEY, which the tracker store keeps),
    never from its words."""
    case = (tracker.get("slots") or {}).get("case") or {}
    language = case.get("language") if isinstance(case.get("language"), str) else "en_GB"
    raw_answers = case.get("answers") if isinstance(case.get("answers"), dict) else {}
    answers = {
        q: a["value"]
        for q, a in raw_answers.items()
        if isinstance(a, dict) and isinstance(a.get("value"), str)
    }
    turns = 0
    advice_turn: int | None = None
    actions: list[str] = []
    drafted: dict[str, Any] | None = None
    assessed: dict[str, Any] | None = None
    signposts: list[str] = []
    action_ids = {a.id for a in kb.immediate_actions}
    for event in tracker.get("events") or []:
        if event.get("event") == "user":
            turns += 1
            continue
        if event.get("event") != "bot":
            continue
        metadata = event.get("metadata") or {}
        kind = metadata.get(KIND_KEY)
        data = metadata.get(DATA_KEY)
        data = data if isinstance(data, dict) else {}
        if kind == "advice":
            advice_turn = advice_turn or turns
            actions += _ids(data.get("actions"), action_ids)
        elif kind == "summary":
            drafted = data
            signposts += _ids(data.get("contacts"), kb.contacts)
        elif kind == "assessment":
            assessed = data
        elif kind == "signposting":
            signposts += _ids(data.get("contacts"), kb.contacts)
    finished = case.get("pending") == "done"
    if drafted is None and finished:
        drafted = _decided_from_case(case, kb)
        signposts += _ids(drafted["contacts"], kb.contacts)
    said = drafted or assessed
    levels_from = "draft" if drafted else "assessment" if assessed else "answers"
    if said:
        going_missing = _level_of(said.get("going_missing"), MISSING_WORDS)
        concern = _level_of(said.get("concern"), CONCERN_WORDS)
    else:
        going_missing, concern = _levels_from_answers(case, kb)
    next_steps = _ids((drafted or {}).get("steps"), {s.id for s in kb.pathway})
    return PlayedCase(
        answers=answers,
        turns=turns,
        advice_turn=advice_turn,
        actions_given=tuple(dict.fromkeys(actions)),
        going_missing=going_missing,
        concern=concern,
        levels_from=levels_from,
        signposts=tuple(dict.fromkeys(signposts)),
        next_steps=tuple(next_steps),
        finished=drafted is not None and finished,
        language=language,
    )


def _decided_from_case(case: dict[str, Any], kb: Knowledge) -> dict[str, Any]:
    """What the draft of a finished case decided, from its answers (the same engine
    the assistant uses), for a tracker that holds no draft event."""
    from bot.conversation import Case
    from bot.triage import assess, next_steps
    from bot.triage.summary import draft_contacts

    played = Case.from_dict(case, kb)
    ctx, answers = played.context(), played.engine_answers()
    result = assess(kb, ctx, answers)
    steps = next_steps(kb, ctx, answers, result)
    return {
        "going_missing": result.going_missing,
        "concern": result.concern,
        "steps": [s.id for s in steps],
        "contacts": draft_contacts(steps),
    }


def _levels_from_answers(case: dict[str, Any], kb: Knowledge) -> tuple[str | None, str | None]:
    """The levels so far, from the answers, for a conversation that stopped before
    the assessment (the same engine the assistant uses)."""
    from bot.conversation import Case
    from bot.triage import assess

    if not case.get("answers"):
        return None, None
    played = Case.from_dict(case, kb)
    result = assess(kb, played.context(), played.engine_answers())
    return result.going_missing, result.concern


# --- the text for the learner -------------------------------------------------------------


def _sources(kb: Knowledge, tags: tuple[str, ...]) -> str:
    titles = "; ".join(kb.sources[t].title for t in tags if t in kb.sources)
    return _("Sources: {titles}").format(titles=titles)


def _level_line(label: str, names: dict[str, str], expected: str, got: str | None) -> str:
    got_name = _(names[got]) if got in names else _("not reached")
    return _("{label}: you reached {got}; the model outcome is {expected}.").format(
        label=label, got=got_name, expected=_(names[expected])
    )


@dataclass(frozen=True)
class Part:
    """One section of the debrief: a heading and its items, each a document item
    ({"style": "bullet" | "line", "text", "note"?}, as Draft.as_document has)."""

    heading: str
    items: tuple[dict[str, str], ...]


def _item(text: str, *notes: str, style: str = "bullet") -> dict[str, str]:
    item = {"style": style, "text": text}
    if notes:
        item["note"] = "\n".join(notes)
    return item


def _parts(scenario: Scenario, result: Debrief, played: PlayedCase, kb: Knowledge) -> list[Part]:
    """The debrief's sections, in the current language."""
    model = scenario.model_outcome
    question = {q: _(kb.indicators[q].question) for q in kb.indicators}
    found = _("Indicators you found: {found} of {all}").format(
        found=len(result.found), all=len(result.found) + len(result.missed)
    )
    parts = [Part(found, tuple(_item(question[q]) for q in result.found))]
    if result.not_asked:
        heading = _("Also in this case, not asked because the advice was already settled:")
        parts.append(Part(heading, tuple(_item(question[q]) for q in result.not_asked)))
    if result.missed:
        missed = []
        for m in result.missed:
            ind = kb.indicators[m.indicator]
            notes = [_("Why it matters: {why}").format(why=_(ind.why)), _sources(kb, ind.sources)]
            if m.detail:
                notes.append(_("What you could have found: {detail}").format(detail=m.detail))
            missed.append(_item(question[m.indicator], *notes))
        parts.append(Part(_("Indicators you missed:"), tuple(missed)))
    if result.unsupported:
        heading = _("Answered as a concern, though the facts do not say so:")
        parts.append(Part(heading, tuple(_item(question[q]) for q in result.unsupported)))
    outcome = [
        _item(_advice_line(model, played), style="line"),
        _item(
            _level_line(
                _("Going-missing risk"), MISSING_NAMES, model.going_missing, played.going_missing
            ),
            style="line",
        ),
        _item(
            _level_line(_("Trafficking concern"), CONCERN_NAMES, model.concern, played.concern),
            style="line",
        ),
    ]
    missing_contacts = [c for c in model.signposts if c not in played.signposts]
    if missing_contacts:
        names = ", ".join(_(kb.contacts[c].name) for c in missing_contacts)
        outcome.append(_item(_("Signposts not reached: {names}").format(names=names), style="line"))
    steps = {st.id: st for st in kb.pathway}
    missing_steps = [st for st in model.next_steps if st not in played.next_steps]
    if missing_steps:
        outcome.append(_item(_("Next steps not reached:"), style="line"))
        outcome += [_item(fill_contacts(_(steps[st].text), kb)) for st in missing_steps]
    parts.append(Part(_("What the assistant did"), tuple(outcome)))
    points = [_item(p.point, _sources(kb, p.sources)) for p in scenario.debrief]
    parts.append(Part(_("Teaching points:"), tuple(points)))
    return parts


def _advice_line(model: ModelOutcome, played: PlayedCase) -> str:
    if model.advice_required:
        if played.advice_turn is None:
            return _("Immediate-action advice: not reached, though this case needed it.")
        return _(
            "Immediate-action advice: reached at turn {turn} (needed by turn {within})."
        ).format(turn=played.advice_turn, within=model.advice_within_turns)
    if played.advice_turn is None:
        return _("Immediate-action advice: not given, as this case expects.")
    return _(
        "Immediate-action advice: given at turn {turn}, though this case did not need it."
    ).format(turn=played.advice_turn)


def _title_and_score(scenario: Scenario, result: Debrief) -> tuple[str, str]:
    s = result.score
    return _("Debrief: {title}").format(title=scenario.title), _(
        "Score: {total}/100 (indicators {a}/50, immediate advice {b}/20, levels {c}/15, "
        "signposts and next steps {d}/15)"
    ).format(total=s.total, a=s.indicators, b=s.advice, c=s.levels, d=s.follow_up)


FICTIONAL = N_("This scenario is fictional. It is not any real child's story.")


def debrief_text(scenario: Scenario, result: Debrief, played: PlayedCase, kb: Knowledge) -> str:
    """The debrief in plain words, in the conversation's language (for copying, the
    text download and the channels that show text)."""
    with use(played.language):
        title, score = _title_and_score(scenario, result)
        lines = [title, score]
        for part in _parts(scenario, result, played, kb):
            lines += ["", part.heading]
            for item in part.items:
                bullet = item["style"] == "bullet"
                lines.append(f"- {item['text']}" if bullet else item["text"])
                lines += ["  " + note for note in item.get("note", "").splitlines()]
        lines += ["", _(FICTIONAL)]
        return "\n".join(lines)


def debrief_document(
    scenario: Scenario, result: Debrief, played: PlayedCase, kb: Knowledge
) -> dict[str, Any]:
    """The same debrief as a document (the shape of Draft.as_document), so the
    widget and the PDF show headings and lists, not text."""
    with use(played.language):
        title, score = _title_and_score(scenario, result)
        sections = [
            {"heading": part.heading, "items": [dict(i) for i in part.items]}
            for part in _parts(scenario, result, played, kb)
        ]
        sections[-1]["items"].append(_item(_(FICTIONAL), style="line"))
        return {"kind": "debrief", "title": title, "banner": score, "sections": sections}
