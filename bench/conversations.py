"""The scripted conversations of tests/data/conversations_dev.yml, played through the
real servers (action server and Rasa server, REST channel with its token) by a
scripted professional who TYPES every answer, as a person would: never a button
payload (issue 18, "Measured").

    .venv/bin/python -m bench.conversations [--only ID] [--seed N]

The professional (the header of conversations_dev.yml defines them) sends the first
message, then answers the LAST question of each reply, read from the id the REST
channel puts in each message's ``custom`` field, in words chosen by a seeded random
from a few phrasings (runs are repeatable). After ``draft_request.after_answers``
answers they type the draft request, and then carry on to the end (the draft after
the sharing questions) or 70 turns. A reply without a question gets "carry on".

Prints figures and ids only (never the conversations' words), per conversation and
in aggregate, with the targets of issue 18 (section 2) as PASS/FAIL, and writes the
same figures to results/conversations-<set>.json. Definitions:
- questions: each question the assistant asks in a reply (its last one), counted
  once however many times it is asked again in a row (after "did not understand" or
  a draft); "engine" = urgent, screens, indicators, "more", "age"; "context" = role,
  nation, setting; "how" = "how do you know?"; the targets use the engine count.
- offered: the first reply, not asked for by a draft request, that shows "check your
  answers" or the assessment: the assistant has stopped asking on its own.
- turns: the professional's messages, the first message being turn 1.
- misread: an answer the case holds (tracker ``case`` slot) that differs from what the
  script meant (value), or a "how do you know" recorded differently (how); "how not
  recorded" counts signs answered yes whose case holds no "how".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEV_FILE = ROOT / "tests" / "data" / "conversations_dev.yml"
RESULTS_FILE = ROOT / "results" / "conversations.json"
MAX_TURNS = 70
DEFAULT_SEED = 18

ENGINE_IDS = ("urgent", "more", "age")  # with "screen:<category>", "pick:<category>"
# and indicator ids
CONTEXT_IDS = ("role", "nation", "setting")
EVIDENCE_PREFIX = "evidence:"
SCREEN_PREFIX = "screen:"
PICK_PREFIX = "pick:"  # "which of these is it?" after a screen's yes
PICK_PAYLOAD = re.compile(r'"choice":\s*"pick\.([a-z_]+)"')
NONE_OF_THESE = ("none of these", "none of them", "no, none of those")
WRAP_UP_IDS = ("check", "offer", "share_with", "child_told", "carer_told", "why_not")
# At the offer after the most questions: see the assessment and the draft.
OFFER_WORDS = "yes, show me the draft"

# Markers of what a message is, where the REST channel's ``custom`` carries no kind
# (today only questions and "what I have noted" carry one): the first words of the
# immediate-action block, the assessment and the draft's banner (bot/conversation.py
# _advice and _assessment, bot/triage/summary.py DRAFT_BANNER). Rasa's REST channel
# splits a text at blank lines, so a marker is looked for at the start of a part.
ADVICE_START = "Act now."
ASSESSMENT_START = "What your answers show:"
DRAFT_MARK = "DRAFT - not sent."

# --- the scripted professional's words --------------------------------------------------

YES = ("yes", "yeah")
YES_BY_HOW = {
    "observed": ("yeah I've seen that",),
    "disclosed": ("yes she told me",),
    "reported": (),
    "suspected": (),
}
NO = ("no", "not that I know of", "no, nothing like that")
NOT_SURE = ("not sure", "I don't know tbh")
HOW_WORDS = {
    "observed": ("I saw it myself", "I've seen it myself"),
    "disclosed": ("she told me", "the child told me"),
    "reported": ("a colleague told me", "someone else told me"),
    "suspected": ("I suspect it", "I suspect it, nothing more"),
}
ROLE_WORDS = {
    "teacher": ("I'm a teacher", "teacher"),
    "health": ("I'm a nurse", "health, I work for the NHS"),
    "social_care": ("I'm a social worker", "social care"),
    "police": ("police officer", "I'm in the police"),
    "other": ("youth worker", "something else, I'm a volunteer"),
}
NATION_WORDS = {
    "england": ("England", "in England"),
    "wales": ("Wales", "we're in Wales"),
    "scotland": ("Scotland", "in Scotland"),
    "northern_ireland": ("Northern Ireland", "NI"),
}
SETTING_WORDS = {
    "school": ("at school", "in class"),
    "health": ("at the hospital", "in clinic"),
    "home_visit": ("on a home visit",),
    "police_contact": ("in custody",),
    "port_or_border": ("at the port",),
    "other": ("somewhere else", "out in the community, somewhere else"),
}
AGE_WORDS = ("{n}", "{n} years old", "they're {n}")
DONT_KNOW = "don't know"
CHECK_WORDS = "yes that's right"
SHARING_WORDS = {
    "share_with": "the safeguarding lead",
    "child_told": "yes",
    "carer_told": "no",
    "why_not": "it would put her at risk",
}
MORE_YES = "yes"
MORE_NO = "no, that's everything"
CARRY_ON = "carry on"
UNKNOWN_ANSWER = "no"


@dataclass(frozen=True)
class Script:
    """One conversation of conversations_dev.yml, as the professional plays it."""

    id: str
    first_message: str
    role: str
    nation: str
    setting: str | None
    age: int | None
    immediate_danger: str
    facts: Mapping[str, str]
    how: Mapping[str, str]
    draft_after: int | None
    draft_words: str | None
    low_concern: bool
    present_danger: bool

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Script:
        request = raw.get("draft_request") or {}
        expected = raw.get("expected") or {}
        return cls(
            id=str(raw["id"]),
            first_message=str(raw["first_message"]),
            role=str(raw["role"]),
            nation=str(raw["nation"]),
            setting=raw.get("setting"),
            age=raw.get("age"),
            immediate_danger=str(raw.get("immediate_danger", "no")),
            facts={str(k): str(v) for k, v in (raw.get("facts") or {}).items()},
            how={str(k): str(v) for k, v in (raw.get("how") or {}).items()},
            draft_after=request.get("after_answers"),
            draft_words=request.get("words"),
            low_concern=bool(expected.get("low_concern")),
            present_danger=bool(expected.get("present_danger")),
        )

    def fact(self, indicator: str) -> str:
        """What they answer about a sign: unlisted signs are "no"."""
        return self.facts.get(indicator, "no")

    def how_they_know(self, indicator: str) -> str:
        return self.how.get(indicator, "observed")


def load_scripts(path: Path = DEV_FILE) -> list[Script]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Script.from_dict(c) for c in data["conversations"]]


def question_group(qid: str, indicators: Mapping[str, str]) -> str:
    """Which kind of question an id is: "engine", "context", "how", "wrap_up" or
    "unknown" (``indicators`` maps each indicator id to its category)."""
    if qid in ENGINE_IDS or qid in indicators:
        return "engine"
    for prefix in (SCREEN_PREFIX, PICK_PREFIX):
        if qid.startswith(prefix) and qid.removeprefix(prefix) in set(indicators.values()):
            return "engine"
    if qid in CONTEXT_IDS:
        return "context"
    if qid.startswith(EVIDENCE_PREFIX):
        return "how"
    if qid in WRAP_UP_IDS:
        return "wrap_up"
    return "unknown"


def value_of_screen(script: Script, category: str, indicators: Mapping[str, str]) -> str:
    """A screen is answered yes if any sign of its category is yes, not sure if any
    is not sure, else no."""
    values = {v for k, v in script.facts.items() if indicators.get(k) == category}
    if "yes" in values:
        return "yes"
    return "not_sure" if "not_sure" in values else "no"


@dataclass(frozen=True)
class Said:
    text: str
    known: bool  # False: the question id was not one the professional knows


@dataclass
class Professional:
    """The scripted professional: answers a question id in words."""

    script: Script
    indicators: Mapping[str, str]  # indicator id -> category
    rng: random.Random
    asked: set[str] = field(default_factory=set)  # question ids asked so far
    heard: set[str] = field(default_factory=set)  # indicator ids shown back as noted
    # The signs still untold when "more" was last answered yes (not yes again
    # unless that changed, so "anything else?" cannot loop).
    _more_yes_for: frozenset[str] | None = None
    # Category id -> its title, as "anything else?" offers them: the professional
    # types what the untold sign is about.
    titles: Mapping[str, str] = field(default_factory=dict)
    # The button titles of the reply being answered.
    offered: set[str] = field(default_factory=set)
    # The signs "which of these is it?" lists, in order (from its buttons' payloads).
    listed: list[str] = field(default_factory=list)

    def answer(self, qid: str) -> Said:
        self.asked.add(qid)
        s = self.script
        if qid == "urgent":
            return Said(self._value_words(s.immediate_danger), True)
        if qid == "role":
            return Said(self.rng.choice(ROLE_WORDS[s.role]), True)
        if qid == "nation":
            return Said(self.rng.choice(NATION_WORDS[s.nation]), True)
        if qid == "setting":
            return Said(self.rng.choice(SETTING_WORDS[s.setting or "other"]), True)
        if qid == "age":
            if s.age is None:
                return Said(DONT_KNOW, True)
            return Said(self.rng.choice(AGE_WORDS).format(n=s.age), True)
        if qid in self.indicators:
            return Said(self._value_words(s.fact(qid), s.how_they_know(qid)), True)
        if qid.startswith(SCREEN_PREFIX):
            category = qid.removeprefix(SCREEN_PREFIX)
            if category in set(self.indicators.values()):
                return Said(self._value_words(value_of_screen(s, category, self.indicators)), True)
        if qid.startswith(PICK_PREFIX):
            return Said(self._pick(), True)
        if qid.startswith(EVIDENCE_PREFIX):
            indicator = qid.removeprefix(EVIDENCE_PREFIX)
            return Said(self.rng.choice(HOW_WORDS[s.how_they_know(indicator)]), True)
        if qid == "more":
            return Said(self._more(), True)
        if qid == "check":
            return Said(CHECK_WORDS, True)
        if qid == "offer":
            return Said(OFFER_WORDS, True)
        if qid in SHARING_WORDS:
            return Said(SHARING_WORDS[qid], True)
        return Said(UNKNOWN_ANSWER, False)

    def _pick(self) -> str:
        """At "which of these is it?": the numbers of every listed sign they know is
        there, as the question invites; else not sure, or none of these."""
        facts = [self.script.fact(i) for i in self.listed]
        numbers = [str(n) for n, value in enumerate(facts, start=1) if value == "yes"]
        if numbers:
            return " and ".join(numbers)
        return self.rng.choice(NOT_SURE if "not_sure" in facts else NONE_OF_THESE)

    def untold(self) -> frozenset[str]:
        """Signs the professional would mention (yes or not sure) that were neither
        asked about nor shown back as noted."""
        return frozenset(
            k
            for k, v in self.script.facts.items()
            if v in ("yes", "not_sure") and k not in self.asked and k not in self.heard
        )

    def _more(self) -> str:
        untold = self.untold()
        if untold and untold != self._more_yes_for:
            self._more_yes_for = untold
            # They name what a sign they are sure of is about, from what "anything
            # else?" offers (an unknown is not volunteered); a sign of a kind already
            # asked about they would tell in words, which this script does not do (it
            # says no: the count is not flattered).
            sure = sorted(k for k in untold if self.script.facts.get(k) == "yes")
            titles = [self.titles.get(self.indicators.get(k, ""), "") for k in sure]
            named = next((t for t in titles if t and t in self.offered), None)
            if named is not None:
                return f"yes, {named.lower()}"
            return MORE_YES if not self.titles else MORE_NO
        return MORE_NO

    def _value_words(self, value: str, how: str | None = None) -> str:
        if value == "yes":
            return self.rng.choice((*YES, *YES_BY_HOW.get(how or "", ())))
        if value == "not_sure":
            return self.rng.choice(NOT_SURE)
        return self.rng.choice(NO)


# --- reading the replies -----------------------------------------------------------------


def custom_of(message: Mapping[str, Any]) -> dict[str, Any]:
    custom = message.get("custom")
    return custom if isinstance(custom, dict) else {}


def last_question(messages: Sequence[Mapping[str, Any]]) -> str | None:
    """The id of the last question in a reply: the one to answer."""
    for message in reversed(messages):
        custom = custom_of(message)
        if custom.get("kind") == "question" and isinstance(custom.get("question"), str):
            return custom["question"]
    return None


def kind_of(message: Mapping[str, Any]) -> str:
    """What a message is: the kind in ``custom`` when the channel gives one, else
    read from the first words of the part."""
    kind = custom_of(message).get("kind")
    if isinstance(kind, str) and kind:
        return kind
    text = str(message.get("text") or "")
    if text.startswith(ADVICE_START):
        return "advice"
    if text.startswith(ASSESSMENT_START):
        return "assessment"
    if DRAFT_MARK in text:
        return "summary"
    return "text"


def runs_of(kinds: Sequence[str], kind: str) -> int:
    """How many messages of a kind a reply holds, the parts of one split text (next
    to each other) counted once."""
    return sum(k == kind and (i == 0 or kinds[i - 1] != kind) for i, k in enumerate(kinds))


def heard_indicators(messages: Sequence[Mapping[str, Any]]) -> set[str]:
    out: set[str] = set()
    for message in messages:
        custom = custom_of(message)
        if custom.get("kind") == "heard" and isinstance(custom.get("indicators"), dict):
            out |= set(custom["indicators"])
    return out


# --- one conversation ----------------------------------------------------------------------


@dataclass
class Played:
    id: str
    low_concern: bool
    present_danger: bool
    turns: int = 0
    questions: dict[str, int] = field(
        default_factory=lambda: {"engine": 0, "context": 0, "how": 0, "wrap_up": 0, "unknown": 0}
    )
    unknown_ids: list[str] = field(default_factory=list)
    re_asked: int = 0  # the same question again in the next reply
    engine_before_offer: int | None = None
    all_before_offer: int | None = None
    offered_turn: int | None = None
    draft_asked_turn: int | None = None
    draft_on_request: bool | None = None
    end_draft_turn: int | None = None
    ended_without_draft: bool = False
    advice_blocks: int = 0
    advice_first_reply: bool = False
    heard_first_reply: int = 0  # indicators shown back in the first reply
    unplaced: int = 0  # "did not understand" and off-topic redirects
    no_question_turns: int = 0
    # Replies after which the case had nothing open (paused or reset: what was told
    # is no longer in this conversation, and "carry on" starts a new case).
    restarted: int = 0
    going_missing: str | None = None
    concern: str | None = None
    misread_values: list[str] = field(default_factory=list)  # question ids
    misread_how: list[str] = field(default_factory=list)
    how_not_recorded: int = 0
    # Per turn, ids only: what was sent ("first", "answer:<question id>", "draft",
    # "carry_on"), the kinds of the reply's messages and the question it ends on.
    trace: list[dict[str, Any]] = field(default_factory=list)


def unplaced_texts(kb: Any) -> frozenset[str]:
    """The assistant's "did not understand" and off-topic redirect texts, from the
    functions that say them."""
    from bot import conversation as talk

    not_understood = str(talk._not_understood(kb, talk.Case())[0].text)
    return frozenset({not_understood, talk._redirect_text()})


def play(servers: Any, kb: Any, script: Script, seed: int, unplaced: frozenset[str]) -> Played:
    indicators = {i.id: i.category for i in kb.indicators.values()}
    titles = {c.id: c.title for c in kb.categories.values()}
    player = Professional(script, indicators, random.Random(f"{seed}:{script.id}"), titles=titles)
    out = Played(script.id, script.low_concern, script.present_danger)
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    previous_qid: str | None = None
    answers = 0
    turn = 1
    text = script.first_message
    sent = "first"
    requested = False
    asking_draft = False  # this turn's message is the draft request
    while True:
        reply = servers.send(sender, text)
        if reply.status != 200:
            raise RuntimeError(f"{script.id}: turn {turn} got HTTP {reply.status}")
        messages = reply.messages
        kinds = [kind_of(m) for m in messages]
        heard = heard_indicators(messages)
        player.heard |= heard
        if turn == 1:
            out.heard_first_reply = len(heard)
            out.advice_first_reply = "advice" in kinds
        out.advice_blocks += runs_of(kinds, "advice")
        out.unplaced += sum(str(m.get("text") or "") in unplaced for m in messages)
        drafted = "summary" in kinds
        if asking_draft:
            out.draft_on_request = drafted
        qid = last_question(messages)
        if qid is not None and qid != previous_qid:
            group = question_group(qid, indicators)
            out.questions[group] += 1
            if group == "unknown":
                out.unknown_ids.append(qid)
        elif qid is not None and not asking_draft:
            out.re_asked += 1
        offered = qid in ("check", "offer") or "assessment" in kinds or drafted
        if offered and out.offered_turn is None and not asking_draft:
            out.offered_turn = turn
            out.engine_before_offer = out.questions["engine"]
            out.all_before_offer = sum(out.questions.values()) - out.questions["wrap_up"]
        previous_qid = qid
        out.trace.append({"turn": turn, "sent": sent, "kinds": kinds, "question": qid})
        if qid is None:
            pending = servers.tracker(sender)["slots"]["case"].get("pending")
            if pending is None:
                out.restarted += 1
            if pending in ("done", "ended"):
                if drafted and pending == "done":
                    out.end_draft_turn = turn
                else:
                    out.ended_without_draft = True
                break
        if turn >= MAX_TURNS:
            break
        turn += 1
        asking_draft = False
        if not requested and script.draft_after is not None and answers >= script.draft_after:
            requested = asking_draft = True
            out.draft_asked_turn = turn
            text, sent = script.draft_words or "draft", "draft"
        elif qid is None:
            out.no_question_turns += 1
            text, sent = CARRY_ON, "carry_on"
        else:
            # What the professional can see offered: the buttons of the reply.
            buttons = [b for m in messages for b in (m.get("buttons") or [])]
            player.offered = {str(b.get("title", "")) for b in buttons}
            player.listed = [
                found.group(1)
                for b in buttons
                if (found := PICK_PAYLOAD.search(str(b.get("payload", ""))))
            ]
            text, sent = player.answer(qid).text, f"answer:{qid}"
            answers += 1
    out.turns = turn
    answered = player.asked | player.heard | {"urgent"}
    _read_case(out, servers.tracker(sender)["slots"]["case"], kb, script, indicators, answered)
    return out


def _read_case(
    out: Played,
    raw: Mapping[str, Any],
    kb: Any,
    script: Script,
    indicators: Mapping[str, str],
    answered: set[str],
) -> None:
    """The levels at the end, computed from the case as the assistant holds it, and
    what it holds that the professional did not mean: among the questions they
    answered and the signs shown back as noted (``answered``)."""
    from bot.conversation import Case
    from bot.triage import assess

    case = Case.from_dict(raw, kb)
    result = assess(kb, case.context(), case.engine_answers())
    out.going_missing, out.concern = result.going_missing, result.concern
    for qid, answer in case.answers.items():
        if qid not in answered:
            continue  # the assistant's own inference (a screen opened by a sign)
        if qid == "urgent":
            meant = script.immediate_danger
        elif qid.startswith(SCREEN_PREFIX):
            meant = value_of_screen(script, qid.removeprefix(SCREEN_PREFIX), indicators)
        elif qid in indicators:
            meant = script.fact(qid)
        else:
            continue  # "anything else?", or "which of these?" (its signs are checked)
        if answer["value"] != meant:
            out.misread_values.append(qid)
        if qid in indicators and answer["value"] == "yes" == meant:
            if answer.get("how") is None:
                out.how_not_recorded += 1
            elif answer["how"] != script.how_they_know(qid):
                out.misread_how.append(qid)


# --- aggregate and targets -----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    value: str
    passed: bool


def targets(played: Sequence[Played]) -> list[Target]:
    """Issue 18's targets (section 2 and "Measured"), and the dev set's expected
    lowest levels for the low-concern conversations."""
    engine = [p.questions["engine"] for p in played]
    median = statistics.median(engine) if engine else 0
    never = [p.id for p in played if p.engine_before_offer is None]
    before = [p.engine_before_offer for p in played if p.engine_before_offer is not None]
    low = [p for p in played if p.low_concern]
    low_bad = [p.id for p in low if p.questions["engine"] > 6 or p.advice_blocks]
    # Stated present danger must bring the advice in the first reply. Without it,
    # advice in the first reply comes from going-missing signs told in the first
    # message (issue 18 asks for the advice "the moment the child may go missing"),
    # so it is listed, not failed; a low-concern case with it fails the next target.
    advice_bad = [p.id for p in played if p.present_danger and not p.advice_first_reply]
    advice_signs = [p.id for p in played if p.advice_first_reply and not p.present_danger]
    asked = [p for p in played if p.draft_asked_turn is not None]
    draft_bad = [p.id for p in asked if not p.draft_on_request]
    low_levels_bad = [p.id for p in low if (p.going_missing, p.concern) != ("low", "few")]
    worst = "never (" + ", ".join(never) + ")" if never else str(max(before, default=0))
    return [
        Target("median engine questions <= 8", f"{median:g}", median <= 8),
        Target(
            "max engine questions before the draft is offered <= 15",
            worst,
            not never and max(before, default=0) <= 15,
        ),
        Target(
            "low concern: <= 6 engine questions and no advice block",
            ", ".join(low_bad) or f"all {len(low)} ok",
            not low_bad,
        ),
        Target(
            "advice in the first reply when present danger is stated "
            f"(also from going-missing signs told: {', '.join(advice_signs) or 'none'})",
            ", ".join(advice_bad) or f"all {sum(p.present_danger for p in played)} ok",
            not advice_bad,
        ),
        Target(
            "each draft request answered by a draft on that turn",
            ", ".join(draft_bad) or f"{len(asked)} of {len(asked)}",
            not draft_bad,
        ),
        Target(
            "low concern ends at going-missing low / concern few (dev set)",
            ", ".join(low_levels_bad) or f"all {len(low)} ok",
            not low_levels_bad,
        ),
    ]


def aggregate(played: Sequence[Played]) -> dict[str, Any]:
    def spread(values: list[int]) -> dict[str, float | int | None]:
        if not values:
            return {"median": None, "max": None}
        return {"median": statistics.median(values), "max": max(values)}

    return {
        "conversations": len(played),
        "engine_questions": spread([p.questions["engine"] for p in played]),
        "context_questions": spread([p.questions["context"] for p in played]),
        "how_questions": spread([p.questions["how"] for p in played]),
        "engine_before_offer": spread(
            [p.engine_before_offer for p in played if p.engine_before_offer is not None]
        ),
        "never_offered": [p.id for p in played if p.offered_turn is None],
        "turns_to_draft_asked": spread(
            [p.draft_asked_turn for p in played if p.draft_asked_turn is not None]
        ),
        "turns_to_end_draft": spread(
            [p.end_draft_turn for p in played if p.end_draft_turn is not None]
        ),
        "no_end_draft": [p.id for p in played if p.end_draft_turn is None],
        "advice_blocks": sum(p.advice_blocks for p in played),
        "unplaced": sum(p.unplaced for p in played),
        "cases_lost": [p.id for p in played if p.restarted],
        "unknown_question_ids": sorted({q for p in played for q in p.unknown_ids}),
        "misread_values": sum(len(p.misread_values) for p in played),
        "misread_how": sum(len(p.misread_how) for p in played),
        "how_not_recorded": sum(p.how_not_recorded for p in played),
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


COLUMNS = (
    ("id", 40),
    ("eng", 4),
    ("ctx", 4),
    ("how", 4),
    ("b4off", 6),
    ("offT", 5),
    ("askT", 5),
    ("drOK", 5),
    ("endT", 5),
    ("adv", 4),
    ("adv1", 5),
    ("levels", 16),
    ("unpl", 5),
    ("unk", 4),
    ("misrd", 6),
)


def row(p: Played) -> list[str]:
    return [
        p.id,
        _cell(p.questions["engine"]),
        _cell(p.questions["context"]),
        _cell(p.questions["how"]),
        _cell(p.engine_before_offer),
        _cell(p.offered_turn),
        _cell(p.draft_asked_turn),
        _cell(p.draft_on_request),
        _cell(p.end_draft_turn),
        _cell(p.advice_blocks),
        _cell(p.advice_first_reply),
        f"{p.going_missing}/{p.concern}",
        _cell(p.unplaced),
        _cell(len(p.unknown_ids)),
        f"{len(p.misread_values)}/{len(p.misread_how)}",
    ]


def report(played: Sequence[Played]) -> str:
    lines = [
        "  ".join(f"{name:{width}}" for name, width in COLUMNS),
        *(
            "  ".join(f"{c:{w}}" for c, (_n, w) in zip(row(p), COLUMNS, strict=True))
            for p in played
        ),
        "",
        "eng/ctx/how: engine / context / 'how do you know?' questions; b4off: engine "
        "questions before the assistant offered the check or assessment unasked (offT: "
        "its turn); askT: turn of the draft request; drOK: a draft on that turn; endT: "
        "turn of the end draft; adv: advice blocks; adv1: advice in the first reply; "
        "levels: going-missing/concern at the end; unpl: 'did not understand' and "
        "redirects; unk: unknown question ids; misrd: misread values/how in the case.",
    ]
    for p in played:
        notes = []
        if p.unknown_ids:
            notes.append("unknown question ids " + ", ".join(sorted(set(p.unknown_ids))))
        if p.misread_values:
            notes.append("misread " + ", ".join(p.misread_values))
        if p.misread_how:
            notes.append("how misread " + ", ".join(p.misread_how))
        if p.no_question_turns:
            notes.append(f"{p.no_question_turns} replies without a question")
        if p.restarted:
            notes.append(f"case lost {p.restarted} time(s): paused or reset, then begun again")
        if p.ended_without_draft:
            notes.append("ended without a draft")
        if p.end_draft_turn is None and not p.ended_without_draft:
            notes.append(f"no end draft within {MAX_TURNS} turns")
        if notes:
            lines.append(f"{p.id}: " + "; ".join(notes))
    agg = aggregate(played)
    lines += ["", "aggregate:"]
    lines += [f"  {k}: {v}" for k, v in agg.items()]
    lines += ["", "targets (issue 18):"]
    lines += [f"  {'PASS' if t.passed else 'FAIL'}  {t.name}: {t.value}" for t in targets(played)]
    return "\n".join(lines)


def _provenance() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "work_tree_changed": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="play only the conversation with this id")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--file",
        type=Path,
        default=DEV_FILE,
        help="the scripted conversations (tests/data/conversations_holdout.yml is held out)",
    )
    parser.add_argument(
        "--trace", action="store_true", help="print each turn's ids and message kinds"
    )
    args = parser.parse_args(argv)

    from bot.knowledge import load_knowledge
    from tests.e2e.harness import Servers, current_model

    scripts = load_scripts(args.file)
    if args.only:
        scripts = [s for s in scripts if s.id == args.only]
        if not scripts:
            print(f"no conversation {args.only!r} in {args.file.name}", file=sys.stderr)
            return 2
    kb = load_knowledge(strict_review=False)
    unplaced = unplaced_texts(kb)
    played: list[Played] = []
    with tempfile.TemporaryDirectory() as tmp:
        servers = Servers(
            workdir=Path(tmp),
            auth_token=secrets.token_hex(16),
            rest_token=secrets.token_hex(16),
        )
        servers.start()
        try:
            for script in scripts:
                played.append(play(servers, kb, script, args.seed, unplaced))
                print(f"played {script.id}: {played[-1].turns} turns", file=sys.stderr)
                if args.trace:
                    for step in played[-1].trace:
                        print(f"  {step}", file=sys.stderr)
        finally:
            servers.stop()
    print(report(played))
    results = RESULTS_FILE.with_name(f"conversations-{args.file.stem}.json")
    results.parent.mkdir(exist_ok=True)
    results.write_text(
        json.dumps(
            {
                "run": {
                    **_provenance(),
                    "seed": args.seed,
                    "model": current_model().name,
                    "file": args.file.name,
                },
                "conversations": [asdict(p) for p in played],
                "aggregate": aggregate(played),
                "targets": [asdict(t) for t in targets(played)],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwritten: {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
