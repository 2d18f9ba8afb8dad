"""The guided conversation as a pure state machine: a Case plus what the user did
gives the replies and the new Case. Rasa reads the words and calls one action per
intent; the action calls ``handle`` (or one of the command functions) and stores
the Case in a slot. The triage decisions come from bot/triage.

Order: opening (who we are, not an emergency service, least data) and the urgent
question; three quick context choices (role, nation, setting); the engine's
questions one at a time, with "how do you know?" after a yes; check your answers;
the assessment in plain words; the information-sharing record; the draft summary,
next steps and signposting. "urgent", "draft" (the draft so far, then carry on),
"back", "why", "help", "stop", "start again" and a language switch work at any
point.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot import choices, listen
from bot.advice import format_contact
from bot.case_schema import LISTED, PLAIN, REF_ALPHABET, StoredAnswer, StoredCase
from bot.config import settings
from bot.i18n import _, babel_locale, current_language, ngettext, use
from bot.knowledge import Knowledge
from bot.knowledge.model import MISSING_LEVELS
from bot.nlp.answer_lexicon import answer_intent
from bot.nlp.command_cues import (
    DRAFT_PAYLOAD,
    asks_for_the_write_up,
    says_draft,
    says_later,
    says_stop,
)
from bot.privacy.redact import redact
from bot.reader import read
from bot.replies import Choice, Noted, Reply, Row
from bot.triage import Answer, Context, assess, next_question, next_steps, remaining
from bot.triage.answers import MORE, PICK_PREFIX, URGENT
from bot.triage.assess import explain
from bot.triage.questions import (
    ALSO_TEXT,
    ALSO_WHY,
    MAX_ASKED,
    MORE_TEXT,
    PICK_TEXT,
    categories_to_offer,
    deferred,
    found_in,
    open_questions,
    pick_options,
    question_for,
)
from bot.triage.steps import immediate_actions, immediate_texts
from bot.triage.summary import SharingRecord, draft_contacts, referral_summary

# Intents that answer a yes / no question, and the values they give.
ANSWER_INTENTS = {"affirm": "yes", "deny": "no", "unsure": "not_sure", "skip": "skip"}
# What NLU calls words it cannot place; they can still be a note or a choice.
UNPLACED_INTENTS = ("out_of_scope", "nlu_fallback")

CONTEXT_QUESTIONS = ("role", "nation", "setting")
SHARING_QUESTIONS = ("share_with", "child_told", "carer_told", "why_not")
CHECK, CHANGE, DONE, ENDED = "check", "change", "done", "ended"
# After MAX_ASKED questions: the assessment and the draft now, or carry on.
OFFER = "offer"
# The child's age, when the words did not give it: the draft must hold it, and it
# changes the advice (under 13, 18 or over, in doubt). See _next_pending.
AGE = listen.AGE
EVIDENCE_PREFIX = "evidence:"


def _note_guidance(kb: Knowledge, case: Case) -> None:
    """Record on the case the guidance version it is first handled with."""
    if case.guidance is None and kb.version is not None:
        case.guidance = kb.version.label


def new_ref() -> str:
    """A case reference: not guessable, and never derived from anyone's details."""
    return "GH" + "".join(secrets.choice(REF_ALPHABET) for _ in range(8))


@dataclass
class Case:
    """Everything the conversation knows. Stored as a plain dict in a Rasa slot."""

    pending: str | None = None  # the question now open (None: not started)
    ref: str | None = None  # the case's reference in the store (new_ref())
    language: str = "en_GB"
    role: str | None = None
    nation: str | None = None
    setting: str | None = None
    age: int | None = None
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)  # question ids, in answer order
    advised: bool = False  # immediate-action advice already given
    raised_at: str | None = None
    sharing: dict[str, Any] = field(default_factory=dict)
    told_redaction: bool = False  # the user has been told identifiers are removed
    # A typed sentence read as "no" to the urgent question is being confirmed
    # with the buttons before it is recorded (see _answer_engine_question).
    confirming_no: bool = False
    # Training conversations only (bot/training/mode.py): the scenario being
    # played and how much of its vignette has been shown.
    training: dict[str, Any] | None = None
    # The guidance version (date+content hash) the case was first handled with.
    guidance: str | None = None
    # What the last "Here is what I have noted" list showed, by number (a context
    # key, "age" or an indicator id; "" once removed), for a correction next turn.
    heard: list[str] = field(default_factory=list)
    # Screens answered "yes" only because a noted sign of theirs (bot/listen.py).
    inferred: list[str] = field(default_factory=list)
    # The child's nationality and whether it is office hours now, when the
    # professional's words said so (bot/listen.py); never asked.
    nationality: str | None = None
    office_hours: bool | None = None
    # Offered the assessment and draft after MAX_ASKED questions, they chose to
    # carry on: the questions go on until the decision is settled.
    carried_on: bool = False
    # Asked the child's age, they said it is not known: not asked again.
    age_unknown: bool = False

    # --- storage -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Any, kb: Knowledge | None = None) -> Case:
        """Rebuild a case from a slot value or a stored one, dropping anything
        malformed or unknown (a slot can be forged by a typed payload and a stored
        case can predate a guidance change, so nothing here is trusted). The shape
        is bot/case_schema.py's; with the guidance, question ids are checked
        against it too."""
        record = StoredCase.present(raw)
        case = cls(**{k: v for k, v in record.items() if k in PLAIN})
        for qid, stored in record.get("answers", {}).items():
            answer = StoredAnswer.present(stored)
            if _is_question(kb, qid) and "value" in answer:
                source = answer.pop("source", None)
                case.answers[qid] = {k: answer.get(k) for k in ("value", "how", "when", "note")}
                if source is not None:
                    case.answers[qid]["source"] = source
        named = [h for h in record.get("history", []) if isinstance(h, str)]
        known = [h for h in named if h in case.answers or h in (*CONTEXT_QUESTIONS, AGE)]
        case.history = list(dict.fromkeys(known))
        heard = record.get("heard", [])
        if len(heard) <= 50:
            case.heard = [
                h
                for h in heard
                if isinstance(h, str)
                and (
                    h in ("", listen.AGE, listen.NATIONALITY, listen.HOURS, *CONTEXT_QUESTIONS)
                    or _is_question(kb, h)
                )
            ]
        inferred = (x for x in record.get("inferred", []) if isinstance(x, str))
        case.inferred = [
            s for s in dict.fromkeys(inferred) if s.startswith("screen:") and s in case.answers
        ]
        pending = record.get("pending")
        if pending is not None and (
            pending
            in (*CONTEXT_QUESTIONS, AGE, *SHARING_QUESTIONS, CHECK, CHANGE, OFFER, DONE, ENDED)
            or _is_question(kb, pending)
            or (
                pending.startswith(EVIDENCE_PREFIX)
                and pending.removeprefix(EVIDENCE_PREFIX) in case.answers
            )
        ):
            case.pending = pending
        return case

    # --- views for the engine -------------------------------------------------------

    def context(self) -> Context:
        disputed = self.answers.get("age_disputed", {}).get("value") in ("yes", "not_sure")
        raised = dt.datetime.fromisoformat(self.raised_at) if self.raised_at else None
        return Context(
            role=self.role,
            nation=self.nation,
            setting=self.setting,
            age=self.age,
            age_disputed=disputed,
            office_hours=self.office_hours,
            nationality=self.nationality,
            concern_raised_at=raised,
        )

    def asked(self) -> int:
        """The engine questions the professional has answered: facts the reader
        took from their words (and screens answered by them) are not counted."""
        return sum(
            1
            for qid, a in self.answers.items()
            if a.get("source") not in (listen.READER, LISTED) and qid not in self.inferred
        )

    def budget_used(self) -> int:
        """What counts against MAX_ASKED: the questions asked, or none once the
        professional has chosen to carry on past the offer. The child's age counts:
        the offer promises at most MAX_ASKED questions, whatever they were."""
        return 0 if self.carried_on else self.asked() + (AGE in self.history)

    def engine_answers(self) -> dict[str, Answer]:
        out = {}
        for qid, a in self.answers.items():
            try:
                out[qid] = Answer(a["value"], a.get("how"), a.get("when"), a.get("note"))
            except (ValueError, KeyError):
                continue
        return out


@dataclass(frozen=True)
class Event:
    """What the user did this turn, as Rasa understood it."""

    intent: str
    text: str = ""
    choice: str | None = None  # from a button payload: /inform{"choice": "..."}
    age: int | None = None  # an age the words mentioned (spaCy entity rules)

    @property
    def words(self) -> str:
        """The user's own words; a payload ("/inform{...}") has none, so its text
        can never be read as a typed answer."""
        return "" if self.text.startswith("/") else self.text


@dataclass(frozen=True)
class Turn:
    replies: tuple[Reply, ...]
    case: Case


def _is_question(kb: Knowledge | None, qid: Any) -> bool:
    """Whether qid names a question: any well-formed id without the guidance,
    one the guidance has with it."""
    if not isinstance(qid, str) or not qid:
        return False
    if kb is None:
        return qid in (URGENT, MORE) or qid.replace(":", "").replace("_", "").isalnum()
    if qid.startswith("screen:"):
        return qid.removeprefix("screen:") in kb.categories
    if qid.startswith(PICK_PREFIX):
        return qid.removeprefix(PICK_PREFIX) in kb.categories
    return qid in (URGENT, MORE) or qid in kb.indicators


# --- building blocks -------------------------------------------------------------------


def _buttons(group: str) -> tuple[Choice, ...]:
    return tuple(
        Choice(_(o.label), f'/inform{{"choice": "{choices.button_value(group, o)}"}}')
        for o in choices.GROUPS[group]
    )


def _yes_no(skippable: bool, draft: bool = False) -> tuple[Choice, ...]:
    buttons = [
        Choice(_("Yes"), "/affirm"),
        Choice(_("No"), "/deny"),
        Choice(_("Not sure"), "/unsure"),
    ]
    if skippable:
        buttons.append(Choice(_("Skip"), "/skip"))
    buttons.append(Choice(_("Why are you asking?"), "/why"))
    if draft:
        buttons.append(_draft_button())
    return tuple(buttons)


def _draft_button() -> Choice:
    return Choice(_("Draft now"), DRAFT_PAYLOAD)


def _context_known(case: Case) -> bool:
    """Whether the quick context choices are made: from then on the questions offer
    the draft so far ("Draft now")."""
    return all(getattr(case, key) is not None for key in CONTEXT_QUESTIONS)


def intro() -> Reply:
    return Reply(
        _(
            "Hello, I'm Golden Hour. I help professionals who are worried that a child "
            "may have been trafficked or exploited. I give advice; I am not an emergency "
            "service. I keep the least personal data I need: please use initials or a "
            "case reference, never the child's full name."
        ),
        # Each language's name in itself: the button offers the other language.
        choices=(
            Choice("English" if current_language() == "cy" else "Cymraeg", "/switch_language"),
        ),
    )


def _progress(kb: Knowledge, case: Case) -> str:
    """The honest bound: how many more questions there can be. (Fewer if the
    answers settle the decision sooner, so only the most is promised.)"""
    low, high = remaining(kb, case.context(), case.engine_answers(), case.budget_used())
    if high == 0:
        return ""
    if low == high:
        return ngettext("{n} more question.", "{n} more questions.", low).format(n=low)
    return _("Up to {n} more questions, depending on your answers.").format(n=high)


def ask(kb: Knowledge, case: Case) -> list[Reply]:
    """The replies that ask the open question; the one that asks it carries the
    question's id as data."""
    return [
        replace(r, question=case.pending) if r.kind == "question" and case.pending else r
        for r in _asking(kb, case)
    ]


def _asking(kb: Knowledge, case: Case) -> list[Reply]:
    pending = case.pending
    if pending in CONTEXT_QUESTIONS:
        text = {
            "role": _("A few quick questions first. What is your role?"),
            "nation": _("Where in the UK are you working?"),
            "setting": _("Where did you meet the child?"),
        }[pending]
        return [Reply(text, _buttons(pending), kind="question")]
    if pending == AGE:
        text = _("How old is the child? Type their age, or your best estimate.")
        draft = (_draft_button(),) if _context_known(case) else ()
        return [Reply(text, (*_buttons(AGE), *draft), kind="question")]
    if pending and pending.startswith(EVIDENCE_PREFIX):
        draft = (_draft_button(),) if _context_known(case) else ()
        sign = kb.indicators.get(pending.removeprefix(EVIDENCE_PREFIX))
        named = f"{_(sign.label)}: " if sign else ""  # which sign, after a list
        return [
            Reply(
                named + _("How do you know? You can also type a note in your own words."),
                (*_buttons("evidence"), Choice(_("Skip"), "/skip"), *draft),
                kind="question",
            )
        ]
    if pending == CHECK:
        return _check_answers(kb, case)
    if pending == CHANGE:
        return [Reply(_("Type the number of the answer you want to change."), kind="question")]
    if pending == "share_with":
        return [
            Reply(
                _("Who do you intend to share this concern with? Choose, or type your own."),
                _buttons("share_with"),
                kind="question",
            )
        ]
    if pending == "child_told":
        return [
            Reply(
                _("Has the child been told that you are sharing this concern?"),
                (Choice(_("Yes"), "/affirm"), Choice(_("No"), "/deny")),
                kind="question",
            )
        ]
    if pending == "carer_told":
        return [
            Reply(
                _("Has a parent or carer been told?"),
                (Choice(_("Yes"), "/affirm"), Choice(_("No"), "/deny")),
                kind="question",
            )
        ]
    if pending == "why_not":
        return [
            Reply(
                _("Why have they not been told? Choose, or type your reason."),
                _buttons("why_not"),
                kind="question",
            )
        ]
    if pending is None or pending in (DONE, ENDED):
        return []
    if pending == MORE:
        return [_ask_more(kb, case)]
    if pending.startswith(PICK_PREFIX):
        return [_ask_pick(kb, case, pending.removeprefix(PICK_PREFIX))]
    if pending == OFFER:
        text = _(
            "I have asked {n} questions, and I have enough for an assessment and a draft. "
            "See them now, or carry on with the questions that could still change the "
            "advice?"
        ).format(n=MAX_ASKED)
        return [
            Reply(
                text,
                (
                    Choice(_("See the assessment and draft"), "/affirm"),
                    Choice(_("Carry on with the questions"), "/deny"),
                ),
                kind="question",
            )
        ]
    q = question_for(kb, pending)
    text = _(q.text)
    progress = _progress(kb, case) if q.id != URGENT else ""
    if progress:
        text = f"{text}\n({progress})"
    offers_draft = q.id != URGENT and _context_known(case)
    return [Reply(text, _yes_no(q.skippable, offers_draft), kind="question", progress=progress)]


MORE_PREFIX = "more."  # a button under "anything else?": "more.<category id>"


def _ask_more(kb: Knowledge, case: Case) -> Reply:
    """ "Anything else?" with a button for each category not asked about yet."""
    offered = categories_to_offer(kb, case.context(), case.engine_answers())
    buttons = tuple(
        Choice(_(kb.categories[c].title), f'/inform{{"choice": "{MORE_PREFIX}{c}"}}')
        for c in offered
    )
    progress = _progress(kb, case)
    text = _(MORE_TEXT) + (f"\n({progress})" if progress else "")
    return Reply(
        text,
        (
            *buttons,
            Choice(_("No, nothing else"), "/deny"),
            Choice(_("Why are you asking?"), "/why"),
            _draft_button(),
        ),
        kind="question",
        progress=progress,
    )


PICK_GROUP = "pick"  # a button under "which of these is it?": "pick.<indicator id>"


def _ask_pick(kb: Knowledge, case: Case, category: str) -> Reply:
    """ "Which of these is it?" with a button for each of the category's signs not
    answered yet, in asking order (a typed number counts in the same order); once
    a sign is found, "do any of these also apply?" with those that would change
    what matters (``pick_options``)."""
    options = pick_options(kb, case.context(), case.engine_answers(), category)
    buttons = tuple(
        Choice(_(i.label), f'/inform{{"choice": "{PICK_GROUP}.{i.id}"}}') for i in options
    )
    progress = _progress(kb, case)
    title = _(kb.categories[category].title)
    found = found_in(kb, case.engine_answers(), category)
    text = f"{title}: {_(ALSO_TEXT if found else PICK_TEXT)}"
    text += f"\n({progress})" if progress else ""
    draft = (_draft_button(),) if _context_known(case) else ()
    return Reply(
        text,
        (
            *buttons,
            Choice(_("None of these"), "/deny"),
            Choice(_("Not sure"), "/unsure"),
            Choice(_("Why are you asking?"), "/why"),
            *draft,
        ),
        kind="question",
        progress=progress,
    )


# Words that may come with numbers chosen from a list ("number 2", "the second one",
# "1 and 4 i think"), and ordinals.
_LIST_FILLER = frozenset(
    [
        "a",
        "rhif",
        "yr",
        "un",
        "please",
        "too",
        "as",
        "well",
        "number",
        "numbers",
        "no",
        "nos",
        "option",
        "options",
        "the",
        "one",
        "ones",
        "and",
        "or",
        "both",
        "also",
        "plus",
        "maybe",
        "probably",
        "i",
        "think",
        "it",
        "is",
        "its",
        "it's",
        "thats",
        "that's",
    ]
)
_ORDINALS = {
    **{
        w: n
        for n, w in enumerate(
            [
                "first",
                "second",
                "third",
                "fourth",
                "fifth",
                "sixth",
                "seventh",
                "eighth",
                "ninth",
                "tenth",
            ],
            start=1,
        )
    },
    # Welsh ("yr ail un": the second one)
    **{
        w: n
        for n, w in enumerate(
            [
                "cyntaf",
                "ail",
                "trydydd",
                "pedwerydd",
                "pumed",
                "chweched",
                "seithfed",
                "wythfed",
                "nawfed",
                "degfed",
            ],
            start=1,
        )
    },
}
# "1-3", "2 to 4": every number between.
_RANGE = re.compile(r"\b(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\b")


def listed_numbers(words: str) -> list[int]:
    """The numbers of a list a message chooses ("2", "1 and 4", "1-3", "number 3",
    "the second one", "rhif 2"), if it says nothing else; otherwise none."""
    words = _RANGE.sub(
        lambda m: " ".join(str(n) for n in range(int(m[1]), int(m[2]) + 1)), words.lower()
    )
    tokens = re.findall(r"\d+(?:st|nd|rd|th)?|[a-z']+", words)
    numbers = [
        int(t.rstrip("stndrh")) if t[0].isdigit() else _ORDINALS[t]
        for t in tokens
        if t[0].isdigit() or t in _ORDINALS
    ]
    rest = [t for t in tokens if not t[0].isdigit() and t not in _ORDINALS]
    ok = numbers and all(t in _LIST_FILLER for t in rest)
    return numbers if ok else []


# "None of these", "none of them", "neither": read here, whatever intent they get.
_NONE_OF_THESE = re.compile(r"\s*(?:no\W+)?(?:none|neither|nothing)\b", re.IGNORECASE)


def _signs_picked(kb: Knowledge, case: Case, category: str, event: Event) -> list[str]:
    """The signs a "pick.<id>" button or the typed numbers ("2", "1 and 4") name
    among those listed. Other words are read by the reader (``listened``), which
    takes a sign only when it is confident: matching words against the short
    labels would take "none of them, they will be fine" for a sign."""
    options = [i.id for i in pick_options(kb, case.context(), case.engine_answers(), category)]
    if event.choice is not None:
        picked = event.choice.removeprefix(PICK_GROUP + ".")
        ok = event.choice.startswith(PICK_GROUP + ".") and picked in options
        return [picked] if ok else []
    numbers = listed_numbers(event.words)
    if numbers and all(1 <= n <= len(options) for n in numbers):
        return list(dict.fromkeys(options[n - 1] for n in numbers))
    return []


def _answer_pick(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    """ "Which of these is it?": each sign chosen is a "yes" to its own question,
    and the first is asked "how do you know?"; "none of these" (no) or "not sure"
    is recorded under the pick and the category's signs stay unknown."""
    pid = case.pending or ""
    category = pid.removeprefix(PICK_PREFIX)
    value = "no" if _NONE_OF_THESE.match(event.words) else ANSWER_INTENTS.get(event.intent)
    if event.choice is None and value in ("no", "not_sure", "skip"):
        _record(case, pid, "not_sure" if value == "skip" else value)
        return _move_on(kb, case)
    picked = _signs_picked(kb, case, category, event)
    if not picked:
        return _not_understood(kb, case)
    level_before = assess(kb, case.context(), case.engine_answers()).going_missing
    for n, qid in enumerate(picked):
        _record(case, qid, "yes")
        if n:  # one list answered: one question asked, however many signs it chose
            case.answers[qid]["source"] = LISTED
    case.answers.pop(pid, None)  # a "none of these" changed to a sign
    if pid in case.history:
        case.history.remove(pid)
    replies = _advice_if_raised(kb, case, level_before)
    if len(picked) > 1:
        chosen = "\n".join(f"- {_(kb.indicators[qid].label)}" for qid in picked)
        replies = [Reply(_("I have noted:") + "\n" + chosen), *replies]
    # The numbers say nothing of how they know ("2 and 4 i think" is no suspicion).
    return _after_yes(kb, case, picked[0], replace(event, text=""), replies)


# Title words too common to name a category by themselves.
_COMMON = frozenset({"other", "including", "lines", "conditions", "entry", "exploitation"})


def _category_named(kb: Knowledge, case: Case, event: Event) -> str | None:
    """The category a "more.<id>" button or the user's words name, among those
    offered: the one whose title shares the most words with theirs, if only one."""
    offered = categories_to_offer(kb, case.context(), case.engine_answers())
    if event.choice is not None:
        category = event.choice.removeprefix(MORE_PREFIX)
        ok = event.choice.startswith(MORE_PREFIX) and category in offered
        return category if ok else None
    words = set(re.findall(r"[a-z]+", event.words.lower()))
    shared = {
        c: len(words & (set(re.findall(r"[a-z]{5,}", _(kb.categories[c].title).lower())) - _COMMON))
        for c in offered
    }
    best = max(shared.values(), default=0)
    named = [c for c, n in shared.items() if n == best]
    return named[0] if best and len(named) == 1 else None


def _answer_more(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    """ "Anything else?": a category chosen (or named) opens it and the question
    comes back later; "no" ends it; "yes" without saying what screens every
    other category; "not sure" adds nothing to ask."""
    category = _category_named(kb, case, event)
    if category is not None:
        screen = f"screen:{category}"
        _record(case, screen, "yes")
        return _move_on(kb, case)
    value = ANSWER_INTENTS.get(event.intent)
    if value is None:
        return _not_understood(kb, case)
    _record(case, MORE, "no" if value == "skip" else value)
    replies = [Reply(_took_as(value))] if len(event.words.split()) > 1 else []
    return replies + _move_on(kb, case)


def _answer_offer(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    """After MAX_ASKED questions: "yes" (see them) goes to the check of the answers
    and on to the assessment and draft; "no" or "carry on" asks on."""
    if event.intent == "affirm":
        case.pending = CHECK
        return ask(kb, case)
    if event.intent == "deny" or re.search(r"\b(carry on|continue|more)\b", event.words.lower()):
        case.carried_on = True
        return _move_on(kb, case)
    return _not_understood(kb, case)


def _advice(kb: Knowledge, case: Case) -> list[Reply]:
    ctx, answers = case.context(), case.engine_answers()
    steps = immediate_texts(kb, ctx, answers)
    given = [a.id for a in immediate_actions(kb, ctx, answers)]
    body = "\n".join(f"{i}. {s}" for i, s in enumerate(steps, start=1))
    # Not a step (the block keeps at most five): the helpline for advice, after them.
    helpline = _("For advice at any stage: {contact}").format(
        contact=format_contact(kb, "nspcc_helpline")
    )
    case.advised = True
    return [
        Reply(
            _("Act now. These steps come first:") + "\n" + body + "\n" + helpline,
            kind="advice",
            data={"actions": given},
        ),
        Reply(_("The decisions are yours and your agency's: I advise, you decide.")),
    ]


def _next_pending(kb: Knowledge, case: Case) -> str:
    """After an answer: the next open question in the fixed order, or the check
    when every question is answered (also after changing an answer)."""
    for key in CONTEXT_QUESTIONS:
        if getattr(case, key) is None:
            return key
    ctx, answers = case.context(), case.engine_answers()
    q = next_question(kb, ctx, answers, case.budget_used())
    age_open = case.age is None and not case.age_unknown
    if age_open and (q is None or q.id == MORE) and case.budget_used() < MAX_ASKED:
        # The draft must give the age: asked once the questions the facts put in
        # play are done, so it never holds back the going-missing questions and
        # their advice. (A child of unknown age is treated as a child meanwhile.)
        return AGE
    if q is not None:
        return q.id
    if not case.carried_on and next_question(kb, ctx, answers) is not None:
        return OFFER  # the budget ends the questions, not the decision: ask them
    return CHECK


def _move_on(kb: Knowledge, case: Case) -> list[Reply]:
    case.pending = _next_pending(kb, case)
    return ask(kb, case)


# --- the check, the assessment, sharing and the summary -------------------------------


def _answer_word(value: str) -> str:
    return {"yes": _("Yes"), "no": _("No"), "not_sure": _("Not sure"), "skip": _("Skipped")}[value]


CHANGE_GROUP = "change"  # a "Change" button in check your answers: "change.<row letters>"


def _answer_rows(kb: Knowledge, case: Case) -> list[Row]:
    """Every answer, in the order they were given, as "check your answers" rows."""
    rows: list[Row] = []
    for qid in case.history:
        if qid in CONTEXT_QUESTIONS:
            option = choices.by_value(qid, getattr(case, qid))
            label = {"role": _("Your role"), "nation": _("Nation"), "setting": _("Setting")}[qid]
            answer, value = (_(option.label), option.value) if option else ("-", "")
        elif qid == AGE:
            label = _("Child's age")
            value = str(case.age) if case.age is not None else "unknown"
            answer = str(case.age) if case.age is not None else _("Not known")
        elif _is_pick(qid) and qid in case.answers:
            label = _(kb.categories[qid.removeprefix(PICK_PREFIX)].title)
            value = case.answers[qid]["value"]
            answer = _("None of these") if value == "no" else _answer_word(value)
        elif qid in case.answers:
            label = _(question_for(kb, qid).text)
            value = case.answers[qid]["value"]
            answer = _answer_word(value)
        else:
            continue
        change = f'/inform{{"choice": "{CHANGE_GROUP}.{choices.letters(len(rows))}"}}'
        rows.append(Row(qid, label, answer, value, change))
    return rows


def _numbered_answers(kb: Knowledge, case: Case) -> list[tuple[str, str]]:
    """(question id, line) for every answer, in the order they were given."""
    return [
        (
            r.question,
            f"{r.label}: {r.answer}"
            if r.question in (*CONTEXT_QUESTIONS, AGE) or _is_pick(r.question)
            else f"{r.label} {r.answer}",
        )
        for r in _answer_rows(kb, case)
    ]


def _check_answers(kb: Knowledge, case: Case) -> list[Reply]:
    listing = "\n".join(
        f"{n}. {line}" for n, (_qid, line) in enumerate(_numbered_answers(kb, case), start=1)
    )
    return [
        Reply(
            _("Check your answers:") + "\n" + listing,
            kind="check",
            rows=tuple(_answer_rows(kb, case)),
        ),
        Reply(
            _("Is this right?"),
            (Choice(_("Yes, carry on"), "/affirm"), Choice(_("Change an answer"), "/deny")),
            kind="question",
        ),
    ]


def _row_to_change(kb: Knowledge, case: Case, choice: str | None) -> str | None:
    """The question a "Change" button names ("change.<row letters>"), if it is a
    row of the answers now."""
    if choice is None or not choice.startswith(CHANGE_GROUP + "."):
        return None
    index = choices.from_letters(choice.removeprefix(CHANGE_GROUP + "."))
    rows = _answer_rows(kb, case)
    return rows[index].question if index is not None and index < len(rows) else None


def _assessment(kb: Knowledge, case: Case) -> Reply:
    result = assess(kb, case.context(), case.engine_answers())
    lines = explain(kb, result)
    levels = {"going_missing": result.going_missing, "concern": result.concern}
    text = _("What your answers show:") + "\n" + "\n".join(lines)
    return Reply(text, kind="assessment", data=levels)


def _family_kept_out(kb: Knowledge, case: Case) -> bool:
    """Whether a step that keeps the family out (forced marriage, exploitation by the
    family) applies to the case as it stands."""
    ctx, answers = case.context(), case.engine_answers()
    kept_out = {s.id for s in kb.pathway if s.keeps_family_out}
    steps = next_steps(kb, ctx, answers, assess(kb, ctx, answers))
    return any(step.id in kept_out for step in steps)


def _draft_and_signposts(kb: Knowledge, case: Case, unanswered: tuple[str, ...]) -> list[Reply]:
    """The DRAFT summary of the case as it stands (with its gaps) and the signposts."""
    ctx = case.context()
    answers = case.engine_answers()
    result = assess(kb, ctx, answers)
    steps = next_steps(kb, ctx, answers, result)
    s = case.sharing
    sharing = SharingRecord(
        share_with=tuple(s.get("share_with", ()) or ()),
        child_told=s.get("child_told"),
        carer_told=s.get("carer_told"),
        reason_not_told=s.get("why_not"),
    )
    draft = referral_summary(
        kb,
        ctx,
        answers,
        result,
        steps,
        sharing=sharing,
        locale=babel_locale(),
        unanswered=unanswered,
    )
    signposts = ["nspcc_helpline", "ceop", "ecpat_uk"]
    if result.concern != "few" or result.going_missing in ("high", "immediate"):
        signposts += ["modern_slavery_helpline", "missing_people"]
    contacts = "\n".join(f"- {format_contact(kb, cid)}" for cid in signposts)
    decided = {
        "going_missing": result.going_missing,
        "concern": result.concern,
        "steps": [step.id for step in steps],
        "contacts": draft_contacts(steps),
    }
    return [
        Reply(draft.as_text(), kind="summary", data=decided),
        Reply(
            _("Where to get help and advice:") + "\n" + contacts,
            kind="signposting",
            data={"contacts": signposts},
        ),
    ]


def summary_replies(kb: Knowledge, case: Case) -> list[Reply]:
    """The assessment, the DRAFT summary and the signposts for the case as it stands
    (with, when the child may go missing now, the signs not asked that would add a
    later step, as gaps)."""
    later = tuple(deferred(kb, case.context(), case.engine_answers()))
    return [
        *_draft_and_signposts(kb, case, later),
        Reply(
            _(
                "This summary is a DRAFT. I have not sent it anywhere: copy it into your "
                "agency's own system and send it through your usual route. Type 'start "
                "again' for a new concern."
            )
        ),
    ]


def draft_so_far(kb: Knowledge, case: Case) -> list[Reply]:
    """Asked for at any point: the assessment and the DRAFT summary from what is
    known so far, with the gaps listed (each "not sure" or skipped answer, and each
    question still open that could change the assessment), then the same open
    question again. Nothing is lost and the case stays open."""
    ctx, answers = case.context(), case.engine_answers()
    unanswered = tuple(
        dict.fromkeys(
            [*open_questions(kb, ctx, answers, case.budget_used()), *deferred(kb, ctx, answers)]
        )
    )
    return [
        _assessment(kb, case),
        *_draft_and_signposts(kb, case, unanswered),
        Reply(
            _(
                "This is a DRAFT from what you have told me so far. I have not sent it "
                "anywhere, and nothing you have told me is lost. Answer the question "
                "below to carry on and make the draft fuller, or type 'stop' to end here."
            )
        ),
        *ask(kb, case),
    ]


# --- answering the open question -------------------------------------------------------


def _record(case: Case, qid: str, value: str) -> None:
    if qid == URGENT:
        case.confirming_no = False  # answered, however: nothing left to confirm
    case.answers[qid] = {"value": value, "how": None, "when": None, "note": None}
    if qid in case.history:
        case.history.remove(qid)
    case.history.append(qid)


def _kept_words(case: Case, text: str, replies: list[Reply]) -> str:
    """The user's own words as they are kept: phone numbers, emails, postcodes,
    dates of birth, addresses and the names the rules find become placeholders
    before the words reach the case, the tracker slot or the store. The first time
    anything is removed, the user is told why."""
    cleaned = redact(text)
    if cleaned.found and not case.told_redaction:
        case.told_redaction = True
        replies.append(
            Reply(
                _(
                    "I have removed details that could identify someone (such as names, "
                    "phone numbers, addresses or dates of birth) from what I keep. Please "
                    "use initials or a case reference instead."
                )
            )
        )
    return cleaned.text


def _took_as(value: str) -> str:
    return _("I took that as \"{answer}\". Type 'back' if that is wrong.").format(
        answer=_answer_word(value)
    )


def _read_not_listed(event: Event) -> bool:
    """Whether the answer is typed words that the model read (a sentence, not a
    button payload nor a whole-message answer word from the reviewed list)."""
    return bool(event.words) and answer_intent(event.words) is None


def _drop_category(kb: Knowledge, case: Case, category: str | None) -> None:
    """A screen changed to "no" takes the answers given to its questions with it;
    what the professional told in their own words stays (remove it by number)."""
    signs = [i.id for i in kb.in_category(category or "")]
    for qid in (*signs, f"{PICK_PREFIX}{category}"):
        if case.answers.get(qid, {}).get("source") == listen.READER:
            continue
        case.answers.pop(qid, None)
        if qid in case.history:
            case.history.remove(qid)


def _mark_urgent(case: Case) -> None:
    """ "urgent" said mid-way answers the opening question yes, in its place, so
    the assessment and the draft show it."""
    if URGENT in case.history:
        case.answers[URGENT]["value"] = "yes"
    else:
        case.answers[URGENT] = {"value": "yes", "how": None, "when": None, "note": None}
        case.history.insert(0, URGENT)


def _not_understood(kb: Knowledge, case: Case) -> list[Reply]:
    return [Reply(_("Sorry, I did not understand that answer.")), *ask(kb, case)]


def _answer_engine_question(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    qid = case.pending
    assert qid is not None
    value = ANSWER_INTENTS.get(event.intent)
    q = question_for(kb, qid)
    if value is None:
        return _not_understood(kb, case)
    if value == "skip" and not q.skippable:
        return [
            Reply(_("This question cannot be skipped, because it is about the child's safety.")),
            *ask(kb, case),
        ]
    if qid == URGENT and value == "no" and not case.confirming_no and _read_not_listed(event):
        # The one misreading that could cost a child: "she's not safe right now"
        # taken as "no". A sentence (not a button, nor a listed answer word such as
        # "nope") read as "no" here is confirmed once with the buttons first.
        case.confirming_no = True
        check = _(
            'I read that as "No". This is the one answer I must not get wrong, so please '
            "choose one of the answers below, or type yes, no or not sure."
        )
        return [Reply(check), *ask(kb, case)]
    before = assess(kb, case.context(), case.engine_answers())
    _record(case, qid, value)
    replies: list[Reply] = []
    if len(event.words.split()) > 1 and not (qid == URGENT and value in ("yes", "not_sure")):
        # A typed sentence was read as yes / no / not sure: say how, so a misreading
        # is seen at once and can be put right with "back". (A yes to the urgent
        # question is shown by the advice itself, which must come first.)
        replies.append(Reply(_took_as(value)))
    if q.kind == "screen" and value in ("no", "skip"):
        _drop_category(kb, case, q.category)  # a changed screen takes its answers with it
    after = assess(kb, case.context(), case.engine_answers())
    if qid == URGENT:
        if value in ("yes", "not_sure"):
            replies += _advice(kb, case)
            replies.append(Reply(_("When you are ready, I will help you write the referral.")))
        replies += _move_on(kb, case)
        return replies
    # Only a "yes" can bring the mid-way advice: "not sure" is an unknown (a gap in
    # the draft), and the engine never raises a level on it.
    rose = value == "yes" and (
        MISSING_LEVELS.index(after.going_missing) > MISSING_LEVELS.index(before.going_missing)
    )
    if rose and after.going_missing == "immediate":
        # Going-missing risk found mid-way: advice first, then back to the questions.
        replies.append(Reply(_("What you have said means the child may go missing soon.")))
        replies += _advice(kb, case)
    elif rose and after.going_missing == "high" and not case.advised:
        replies.append(Reply(_("What you have said is a sign that the child could go missing.")))
        replies += _advice(kb, case)
    if value == "yes" and q.kind == "indicator":
        return _after_yes(kb, case, qid, event, replies)
    return replies + _move_on(kb, case)


def _after_yes(
    kb: Knowledge, case: Case, qid: str, event: Event, replies: list[Reply]
) -> list[Reply]:
    """After a sign's "yes" (answered, or chosen from a list): "how do you know?",
    unless the words said it ("yes, I saw it myself")."""
    said = choices.match("evidence", event.words) if event.words else None
    if said is not None:
        case.answers[qid]["how"] = said.value
        return replies + _move_on(kb, case)
    case.pending = EVIDENCE_PREFIX + qid
    return replies + ask(kb, case)


def _answer_evidence(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    qid = (case.pending or "").removeprefix(EVIDENCE_PREFIX)
    answer = case.answers.get(qid)
    if answer is None:
        return _move_on(kb, case)
    replies: list[Reply] = []
    if event.choice is not None:
        option = choices.match("evidence", "", event.choice)
        if option is None:
            return _not_understood(kb, case)
        answer["how"] = option.value
    elif not is_own_words(case, event) and event.intent in ("skip", "deny", *ANSWER_INTENTS):
        pass  # "skip", "no", a bare "yes": nothing to add
    elif event.text and not event.text.startswith("/"):
        # The user's own words: kept as the note, and they may say how they know.
        answer["note"] = _kept_words(case, event.text, replies)
        option = choices.match("evidence", event.words)
        if option is not None:
            answer["how"] = option.value
        replies.append(Reply(_("Thank you, I have kept that note with your answer.")))
    else:
        return _not_understood(kb, case)
    return replies + _move_on(kb, case)


def _answer_context(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    key = case.pending
    assert key in CONTEXT_QUESTIONS
    option = choices.match(key, event.words, event.choice)
    if option is None:
        return _not_understood(kb, case)
    setattr(case, key, option.value)
    if key in case.history:
        case.history.remove(key)
    case.history.append(key)
    return _move_on(kb, case)


AGE_NUMBER = re.compile(r"\d+")
# A school year is not an age: "year 10", "yr 9", "Y11", Scotland's "S4" and "P7".
SCHOOL_YEAR = re.compile(
    r"\b(?:year|yr|blwyddyn)\s?(?:\d{1,2}|" + "|".join(choices.NUMBER_WORDS) + r")\b"
    r"|(?<!['\u2019])\b[ysp]\d{1,2}\b"
)
# "No one knows" and "anyone" hold the word "one", which is no age.
ONE_AS_PRONOUN = re.compile(r"\b(?:no|any|some|every)\s?one\b")
# A short answer to "how old?" with one number in it is the age: "15", "about 14",
# "she's 16 I think". Longer words are read as a sentence (the spaCy rules' age).
AGE_ANSWER_WORDS = 8


def typed_age(words: str) -> int | None:
    """The age a short answer to "how old is the child?" gives, in digits or words."""
    if not words or len(words.split()) > AGE_ANSWER_WORDS:
        return None
    lowered = ONE_AS_PRONOUN.sub(" ", SCHOOL_YEAR.sub(" ", words.lower()))
    found = [int(n) for n in AGE_NUMBER.findall(lowered)]
    found += [n for w, n in choices.NUMBER_WORDS.items() if re.search(rf"\b{w}\b", lowered)]
    return found[0] if len(found) == 1 and 0 < found[0] < 25 else None


def _answer_age(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    """The child's age: a number typed, or "not known". The model's age entity is
    used only for a sentence longer than a short answer with no school year in it:
    it tags any number ("year 9") and keeps the last of two ("12 or 13")."""
    age = typed_age(event.words)
    words = event.words.lower()
    if age is None and len(words.split()) > AGE_ANSWER_WORDS and not SCHOOL_YEAR.search(words):
        age = event.age
    if age is not None and 0 < age < 25:
        case.age, case.age_unknown = age, False
    elif choices.match(AGE, event.words, event.choice) is not None:
        case.age, case.age_unknown = None, True
    else:
        return [
            Reply(
                _("Please type the child's age as a number, for example 15, or choose 'Not known'.")
            ),
            *ask(kb, case),
        ]
    if AGE in case.history:
        case.history.remove(AGE)
    case.history.append(AGE)
    return _move_on(kb, case)


def _answer_check(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    if event.intent == "affirm":
        case.pending = "share_with"
        return [_assessment(kb, case), *ask(kb, case)]
    if event.intent == "deny":
        case.pending = CHANGE
        return ask(kb, case)
    return _not_understood(kb, case)


def _answer_change(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    digits = "".join(ch for ch in event.words if ch.isdigit())
    listing = _numbered_answers(kb, case)
    if not digits or not 1 <= int(digits) <= len(listing):
        return [Reply(_("Please type a number from 1 to {n}.").format(n=len(listing)))]
    qid = listing[int(digits) - 1][0]
    case.pending = qid
    return ask(kb, case)


def _answer_sharing(kb: Knowledge, case: Case, event: Event) -> list[Reply]:
    key = case.pending
    told: list[Reply] = []  # the one-off note that identifiers were removed
    if key == "share_with":
        # A button gives one of the listed answers; typed words are kept as written.
        option = choices.match("share_with", "", event.choice) if event.choice else None
        if option is not None:
            case.sharing["share_with"] = [option.label]
        elif event.text and not event.text.startswith("/"):
            case.sharing["share_with"] = [_kept_words(case, event.text, told)]
        else:
            return _not_understood(kb, case)
        case.pending = "child_told"
        return told + ask(kb, case)
    if key in ("child_told", "carer_told"):
        if event.intent not in ("affirm", "deny"):
            return _not_understood(kb, case)
        case.sharing[key] = event.intent == "affirm"
        if key == "child_told" and _family_kept_out(kb, case):
            # Not asked: the family must not be told (the next steps say why).
            case.sharing["carer_told"] = False
            if case.sharing["child_told"]:
                risk = next(o for o in choices.WHY_NOT_TOLD if o.value == "raise_risk")
                case.sharing["why_not"] = risk.label
                case.pending = DONE
                return summary_replies(kb, case)
            case.pending = "why_not"
            return ask(kb, case)
        if key == "child_told":
            case.pending = "carer_told"
            return ask(kb, case)
        if case.sharing.get("child_told") is False or case.sharing.get("carer_told") is False:
            case.pending = "why_not"
            return ask(kb, case)
        case.pending = DONE
        return summary_replies(kb, case)
    # why_not: a button's reason, or the user's own words as written
    option = choices.match("why_not", "", event.choice) if event.choice else None
    if option is not None:
        case.sharing["why_not"] = option.label
    elif event.text and not event.text.startswith("/"):
        case.sharing["why_not"] = _kept_words(case, event.text, told)
    else:
        return _not_understood(kb, case)
    case.pending = DONE
    return told + summary_replies(kb, case)


# --- entry points (one per Rasa action) -----------------------------------------------


def opening(now: dt.datetime, language: str = "en_GB") -> Turn:
    case = Case(
        pending=URGENT,
        ref=new_ref(),
        language=language,
        raised_at=now.isoformat(timespec="minutes"),
    )
    return Turn((intro(), *ask_urgent()), case)


def ask_urgent() -> list[Reply]:
    return [
        Reply(
            _("First: is the child in immediate danger, or might they go missing soon?"),
            (
                Choice(_("Yes"), "/affirm"),
                Choice(_("No"), "/deny"),
                Choice(_("Not sure"), "/unsure"),
            ),
            kind="question",
            question=URGENT,
        )
    ]


# The questions whose answer is the user's own words, besides the notes.
WORDS_QUESTIONS = ("share_with", "why_not")


def is_own_words(case: Case, event: Event) -> bool:
    """Whether what the user typed is their answer in their own words to the open
    question: a note ("How do you know?"), who they will share with, or why the
    child or family were not told; and it is a sentence (more than three words),
    not a button or a short reply. Such a sentence is the answer whatever intent it
    reads as, so "Staff say she is a different girl since the spring" cannot start
    again, stop the conversation, and "she asked me to wait until tomorrow" cannot
    pause it. (Read as urgent, it still gets the immediate advice first: that errs
    on the safe side, and the words are kept as the answer all the same.)"""
    pending = case.pending or ""
    return (
        (pending.startswith(EVIDENCE_PREFIX) or pending in WORDS_QUESTIONS)
        and not event.text.startswith("/")
        and len(event.text.split()) > 3
    )


def handle(kb: Knowledge, case: Case, event: Event, now: dt.datetime) -> Turn:
    """An answer (or something that may be one) to the open question."""
    if case.pending is None:
        return opening(now, case.language)
    _note_guidance(kb, case)
    # An age in the words is kept, except where a bare number means something else:
    # the number of the answer to change or of a sign in a list, or any number in a
    # note ("he had 3 phones" is not an age).
    if (
        event.age is not None
        and case.age is None
        and 0 < event.age < 25
        and case.pending not in (CHANGE, AGE)  # the age question reads its own answer
        and not case.pending.startswith(EVIDENCE_PREFIX)
        and not _is_pick(case.pending)  # "2": the second sign listed
    ):
        case.age = event.age
    pending = case.pending
    if _asks_for_draft(case, event):
        return draft(kb, case, event, now)
    if event.intent in UNPLACED_INTENTS and not _takes_words(pending) and not _is_pick(pending):
        return redirect(kb, case, now)  # (at a list, numbers or a sign's words choose)
    if pending in CONTEXT_QUESTIONS:
        replies = _answer_context(kb, case, event)
    elif pending == AGE:
        replies = _answer_age(kb, case, event)
    elif pending.startswith(EVIDENCE_PREFIX):
        replies = _answer_evidence(kb, case, event)
    elif pending in (CHECK, CHANGE) and (row := _row_to_change(kb, case, event.choice)):
        # "Change" beside one answer: its question, at once.
        case.pending = row
        replies = ask(kb, case)
    elif pending == CHECK:
        replies = _answer_check(kb, case, event)
    elif pending == CHANGE:
        replies = _answer_change(kb, case, event)
    elif pending in SHARING_QUESTIONS:
        replies = _answer_sharing(kb, case, event)
    elif pending in (DONE, ENDED):
        replies = [Reply(_("We have finished. Type 'start again' for a new concern, or 'help'."))]
    elif pending == MORE:
        replies = _answer_more(kb, case, event)
    elif pending.startswith(PICK_PREFIX):
        replies = _answer_pick(kb, case, event)
    elif pending == OFFER:
        replies = _answer_offer(kb, case, event)
    else:
        replies = _answer_engine_question(kb, case, event)
    return Turn(tuple(replies), case)


def _asks_for_draft(case: Case, event: Event) -> bool:
    """Words the model read as no answer ("can you pull that together into a note
    for me") that ask for the draft: the draft, not "did not understand". A draft
    costs nothing: the same question follows. A phrase that can only be a request
    for the write-up counts at any question; a looser cue ("finish", "have to go")
    only where the open question is answered by a choice, not at the opening danger
    question, whose answer could hold it ("he has to go back to them tonight"), nor
    where it takes the user's own words."""
    if not event.words or event.intent in ANSWER_INTENTS or case.pending in (None, DONE, ENDED):
        return False
    if asks_for_the_write_up(event.words):
        # Where the words themselves are kept as the answer (a note, a reason, a
        # role, an age), only a request that says nothing about anyone: "I saw him
        # collect her. Please write this up" is the note.
        return not _keeps_words(case.pending) or not _ABOUT_SOMEONE.search(event.words)
    return case.pending != URGENT and not _takes_words(case.pending) and says_draft(event.words)


# Words that speak of a person: a message with them is about the case, not only a
# request to the assistant.
_ABOUT_SOMEONE = re.compile(
    r"\b(?:she|he|her|him|his|hers|they|them|their|child|boy|girl|son|daughter|kid|"
    r"pupil|patient|man|woman|men|adult|uncle|aunt|auntie|mum|dad|mother|father|"
    r"brother|sister|cousin|friend|boyfriend|girlfriend)\b",
    re.IGNORECASE,
)


def _keeps_words(pending: str | None) -> bool:
    """Whether the open question keeps the user's words as its answer (the
    questions that take words, but for "anything else?" and the offer, whose words
    are read for facts whatever the turn does)."""
    return _takes_words(pending) and pending not in (MORE, OFFER)


def _is_pick(pending: str | None) -> bool:
    return pending is not None and pending.startswith(PICK_PREFIX)


def leaving_asks_for_draft(event: Event) -> bool:
    """Read as "pause", words that ask for the draft now ("I have to go, write this
    up") get it, and the case stays open; with any word of carrying on later or
    keeping the place ("later", "save", "tomorrow", "oedi") they are a pause."""
    return says_draft(event.text) and not says_later(event.text)


def _takes_words(pending: str | None) -> bool:
    """Whether the open question accepts the user's own words as its answer."""
    return pending is not None and (
        pending in (*CONTEXT_QUESTIONS, AGE)
        or pending.startswith(EVIDENCE_PREFIX)
        or pending in (CHANGE, "share_with", "why_not", MORE, OFFER)
    )


def urgent(kb: Knowledge, case: Case, now: dt.datetime, event: Event | None = None) -> Turn:
    """Immediate-action advice from any point, then back to where we were. If the
    open question takes the user's own words (a note, a reason), the words that
    sounded urgent are also kept as its answer, so nothing typed is lost."""
    replies: list[Reply] = []
    if case.pending is None:
        case = Case(
            pending=URGENT,
            ref=new_ref(),
            raised_at=now.isoformat(timespec="minutes"),
            language=case.language,
        )
        replies.append(Reply(_("I'm Golden Hour, a guidance assistant, not an emergency service.")))
    _note_guidance(kb, case)
    if case.pending == URGENT:
        _record(case, URGENT, "yes")
        replies += _advice(kb, case)
        replies.append(Reply(_("When you are ready, I will help you write the referral.")))
        replies += _move_on(kb, case)
        return Turn(tuple(replies), case)
    _mark_urgent(case)
    replies += _advice(kb, case)
    pending = case.pending or ""
    takes_a_note = pending.startswith(EVIDENCE_PREFIX) or pending in ("share_with", "why_not")
    if event is not None and takes_a_note and _worth_keeping(event.text):
        replies.append(Reply(_("I have also kept what you wrote as your answer.")))
        turn = handle(kb, case, Event("inform", event.text, None, event.age), now)
        return Turn((*replies, *turn.replies), turn.case)
    if case.pending not in (DONE, ENDED):
        if event is not None and asks_for_the_write_up(event.words):
            # "...give me whatever you've got now": after the advice, the draft.
            return Turn((*replies, *draft_so_far(kb, case)), case)
        replies.append(Reply(_("When you are ready, let's carry on where we were.")))
        replies += ask(kb, case)
    return Turn(tuple(replies), case)


def _worth_keeping(text: str) -> bool:
    """Whether words that sounded urgent are also an answer: a sentence ("she's
    leaving with him now"), not a bare command ("urgent", "help now") or a payload."""
    return not text.startswith("/") and len(text.split()) >= 3


def back(kb: Knowledge, case: Case) -> Turn:
    """Change the last answer: re-ask the most recently answered question."""
    if not case.history:
        return Turn((Reply(_("There is no earlier answer to change.")), *ask(kb, case)), case)
    last = case.history.pop()
    case.answers.pop(last, None)
    if last in CONTEXT_QUESTIONS:
        setattr(case, last, None)
    if last == AGE:
        case.age, case.age_unknown = None, False
    case.pending = last
    return Turn((Reply(_("Let's change your last answer.")), *ask(kb, case)), case)


def why(kb: Knowledge, case: Case) -> Turn:
    pending = (case.pending or "").removeprefix(EVIDENCE_PREFIX)
    if pending in CONTEXT_QUESTIONS:
        text = _(
            "The advice and next steps differ by role and by nation, and where you met "
            "the child decides which questions come first."
        )
    elif pending == AGE:
        text = _(
            "The child's age changes the advice and the next steps, and the draft must "
            "give it. If the age is not known or is disputed, I treat them as a child."
        )
    elif pending and (
        pending == URGENT
        or pending.startswith(("screen:", PICK_PREFIX))
        or pending in kb.indicators
    ):
        q = question_for(kb, pending)
        also = _is_pick(pending) and found_in(kb, case.engine_answers(), q.category or "")
        titles = "; ".join(kb.sources[s].title for s in q.sources if s in kb.sources)
        text = _(ALSO_WHY if also else q.why) + "\n" + _("Sources: {titles}").format(titles=titles)
    else:
        text = _("I ask only what I need to give advice and write the draft summary.")
    return Turn((Reply(text, kind="why"), *ask(kb, case)), case)


def help_turn(kb: Knowledge, case: Case, now: dt.datetime) -> Turn:
    lines = [
        _(
            "I ask about what you have noticed, one question at a time, give immediate-"
            "action advice when a child may go missing, and write a draft summary and "
            "next steps for you to check and send."
        ),
        _(
            "At any time: 'urgent' for immediate-action advice, 'draft' for the draft "
            "summary so far, 'back' to change your last answer, 'why' to see why I ask, "
            "'start again', or 'stop'."
        ),
        _("In an emergency call {police}.").format(police=kb.contact("police_emergency").phone),
    ]
    replies = [Reply("\n".join(lines))]
    if case.pending is None:
        turn = opening(now, case.language)
        return Turn((turn.replies[0], *replies, *turn.replies[1:]), turn.case)
    return Turn((*replies, *ask(kb, case)), case)


def draft(kb: Knowledge, case: Case, event: Event | None, now: dt.datetime) -> Turn:
    """ "Draft", "summary", "finish", "I have to go" or the "Draft now" button: the
    assessment and the DRAFT summary so far, then the same question (the case stays
    open). Before the conversation has started, the opening; once it is finished,
    the full draft again. Where the open question takes the user's own words, a
    message without a draft word is taken as the answer (a note is never lost to a
    misreading)."""
    if case.pending is None:
        return opening(now, case.language)
    _note_guidance(kb, case)
    if case.pending in (DONE, ENDED):
        return Turn(tuple(summary_replies(kb, case)), case)
    if event is not None and _takes_words(case.pending):
        # Words that are the answer where the answer is words: those without a draft
        # word, and those that speak of someone ("she has to go back tonight").
        about = _keeps_words(case.pending) and _ABOUT_SOMEONE.search(event.words)
        if about or not says_draft(event.text):
            return handle(kb, case, event, now)
    if case.pending == OFFER:
        # Offered the assessment and the draft, they ask for the draft: the way
        # to it is the check of their answers.
        case.pending = CHECK
        return Turn(tuple(ask(kb, case)), case)
    return Turn(tuple(draft_so_far(kb, case)), case)


def stop(
    kb: Knowledge, case: Case, event: Event | None = None, now: dt.datetime | None = None
) -> Turn:
    """End the conversation, but only when the user said stop: the model reads
    other words as stop too ("continue"), and ending loses the case's place. A
    message without a stop word is taken as an answer where the open question takes
    words, else the same question is asked again. A request for the draft ("I'm
    done, give me the summary") gives the draft and keeps the case open."""
    if (
        event is not None
        and now is not None
        and case.pending not in (None, DONE, ENDED)
        and says_draft(event.text)
    ):
        return draft(kb, case, event, now)
    if event is not None and case.pending not in (None, DONE, ENDED) and not says_stop(event.text):
        if _takes_words(case.pending) and now is not None:
            return handle(kb, case, event, now)
        note = Reply(_("Carrying on. To end the conversation, type 'stop'."))
        return Turn((note, *ask(kb, case)), case)
    contacts = "\n".join(
        f"- {format_contact(kb, cid)}"
        for cid in ("police_emergency", "nspcc_helpline", "modern_slavery_helpline")
    )
    case.pending = ENDED
    text = _("Thank you. I've stopped here. If you need them:") + "\n" + contacts
    return Turn((Reply(text, kind="safety"),), case)


def redirect(kb: Knowledge, case: Case, now: dt.datetime, event: Event | None = None) -> Turn:
    """Out of scope or not understood: a short redirect, never a guess; but words
    that ask for the draft get it (_asks_for_draft)."""
    if case.pending is None:
        return opening(now, case.language)
    if event is not None and _asks_for_draft(case, event):
        return draft(kb, case, event, now)
    return Turn((Reply(_redirect_text()), *ask(kb, case)), case)


def _redirect_text() -> str:
    return _(
        "Sorry, I can only help with worries that a child is being trafficked or "
        "exploited. Type 'urgent' for immediate-action advice or 'help'."
    )


def switch_language(kb: Knowledge, case: Case, now: dt.datetime) -> Turn:
    """Switch between English and Welsh; everything after is in the new language."""
    case.language = "en_GB" if case.language == "cy" else "cy"
    with use(case.language):
        if case.pending is None:
            return opening(now, case.language)
        said = (
            _("I'll carry on in English.")
            if case.language == "en_GB"
            else _("I'll carry on in Welsh.")
        )
        return Turn((Reply(said), *ask(kb, case)), case)


def carry_on(kb: Knowledge, case: Case) -> Turn:
    """A greeting mid-way: pick up where we were, never start a new case."""
    return Turn((Reply(_("Hello again. Let's carry on.")), *ask(kb, case)), case)


def can_pause(case: Case) -> bool:
    return case.pending not in (None, DONE, ENDED)


def paused(kb: Knowledge, case: Case, code: str | None) -> Turn:
    """After "pause": the resume code (the action stored the case under it)."""
    if code is None:
        return Turn((Reply(_("There is nothing to pause yet.")), *ask(kb, case)), case)
    text = _(
        "Paused. Your resume code is {code}. Type 'resume {code}' here or in another "
        "channel within {days} days to carry on from this question. Keep the code "
        "safe: anyone with it can see this case."
    ).format(code=code, days=resume_days())
    return Turn((Reply(text, kind="resume_code"),), Case(language=case.language))


def resumed(kb: Knowledge, case: Case | None, current: Case) -> Turn:
    """After "resume CODE": back at the question the case was on, or the same
    answer for a wrong, expired or rate-limited code."""
    if case is None:
        text = _(
            "That code is not valid or has expired. Check it and try again, or type 'start again'."
        )
        return Turn((Reply(text), *ask(kb, current)), current)
    with use(case.language):  # the resumed case's language, not this conversation's
        return Turn(
            (Reply(_("Welcome back. Let's carry on where you left off.")), *ask(kb, case)), case
        )


def resume_days() -> int:
    return settings().resume_days


# --- listening: facts from every typed message (issue 18; bot/listen.py) ----------------


def listened(
    kb: Knowledge, case: Case, event: Event, now: dt.datetime, run: Callable[[Case], Turn]
) -> Turn:
    """One turn with listening: a correction of what was just noted ("remove 2") is
    made here; otherwise ``run`` plays the turn as Rasa chose it, then what the
    user's words state is taken into the case where it is not known yet and shown
    back once, and the open question moves on if it is now answered. Stated present
    danger counts like "urgent" (the advice, first); the reader's "not in danger"
    answers nothing. Button payloads are not read."""
    words = event.words
    if case.heard and words and case.pending != CHANGE:
        numbers = listen.corrections(words)
        if numbers:
            return _correct(kb, case, numbers)
    open_before = case.pending or ""  # the turn changes the case in place
    turn = run(case)
    new = turn.case
    new.heard = []
    if not words or open_before == CHANGE or new.pending in (None, DONE, ENDED):
        return turn
    if _is_pick(open_before) and listed_numbers(words):
        return turn  # numbers from the list: nothing else to read in them
    reading = listen.without_requests(read(words, kb), words)
    sign = open_before.removeprefix(EVIDENCE_PREFIX)
    if sign in kb.indicators:
        reading = listen.about_one_sign(reading, words, sign)
    told: list[Reply] = []
    level_before = assess(kb, new.context(), new.engine_answers()).going_missing
    noted = listen.merge(kb, new, reading, words, lambda said: _kept_words(new, said, told))
    for item in noted:  # "no, but he answers every question for her": the sign wins
        if item.key in kb.indicators and new.answers.get(item.key, {}).get("value") == "yes":
            pid = f"{PICK_PREFIX}{kb.indicators[item.key].category}"
            new.answers.pop(pid, None)
            if pid in new.history:
                new.history.remove(pid)
    danger = reading.present_danger and not any(r.kind == "advice" for r in turn.replies)
    if not noted and not danger:
        return turn
    head = list(turn.replies)
    asked: list[Reply] = []
    while head and head[-1].kind in ("question", "check"):
        asked.insert(0, head.pop())
    if noted:
        # The words were understood after all: no "did not understand" for them.
        unplaced = {_("Sorry, I did not understand that answer."), _redirect_text()}
        head = [r for r in head if str(r.text) not in unplaced]
    advice: list[Reply] = []
    before = new.pending
    if danger and new.pending == URGENT:
        _record(new, URGENT, "yes")
        advice = [
            *_advice(kb, new),
            Reply(_("When you are ready, I will help you write the referral.")),
        ]
    elif danger:
        _mark_urgent(new)
        advice = _advice(kb, new)
    elif noted and not any(r.kind == "advice" for r in turn.replies):
        advice = _advice_if_raised(kb, new, level_before)
    if _is_known(kb, new, new.pending):
        new.pending = _next_pending(kb, new)
    heard = [_heard_reply(kb, new, noted)] if noted else []
    new.heard = [n.key for n in noted]
    again = asked if new.pending == before == URGENT and asked else ask(kb, new)
    return Turn((*head, *advice, *told, *heard, *again), new)


def _advice_if_raised(kb: Knowledge, case: Case, before: str) -> list[Reply]:
    """Signs noted or chosen from a list that raise the going-missing risk bring the
    mid-way advice, as the same answers given one by one would (see
    _answer_engine_question)."""
    after = assess(kb, case.context(), case.engine_answers()).going_missing
    if MISSING_LEVELS.index(after) <= MISSING_LEVELS.index(before):
        return []
    if after == "immediate":
        said = _("What you have said means the child may go missing soon.")
        return [Reply(said), *_advice(kb, case)]
    if after == "high" and not case.advised:
        said = _("What you have said is a sign that the child could go missing.")
        return [Reply(said), *_advice(kb, case)]
    return []


def _is_known(kb: Knowledge, case: Case, pending: str | None) -> bool:
    """Whether the open question (a context choice or an engine question) is
    answered now: "which of these is it?" once a sign of its category is "yes"."""
    if pending in CONTEXT_QUESTIONS:
        return getattr(case, pending) is not None
    if _is_pick(pending):
        category = (pending or "").removeprefix(PICK_PREFIX)
        return any(
            case.answers.get(i.id, {}).get("value") == "yes" for i in kb.in_category(category)
        )
    return pending is not None and pending in case.answers


def _heard_line(kb: Knowledge, case: Case, key: str) -> str:
    """One noted fact as the list shows it, from the case."""
    if key in CONTEXT_QUESTIONS:
        option = choices.by_value(key, getattr(case, key))
        label = {"role": _("Your role"), "nation": _("Nation"), "setting": _("Setting")}[key]
        return f"{label}: {_(option.label) if option else '-'}"
    if key == listen.AGE:
        return _("Age: {age}").format(age=case.age)
    if key == listen.NATIONALITY:
        return _("Nationality: {nationality}").format(nationality=(case.nationality or "").title())
    if key == listen.HOURS:
        return (
            _("Outside office hours now") if case.office_hours is False else _("Office hours now")
        )
    answer = case.answers.get(key, {})
    # The note is the clause that stated it, negation and all ("no sign of
    # injuries"); without one, the question and the answer.
    line = answer.get("note") or (
        f"{_(question_for(kb, key).text)} {_answer_word(answer.get('value', 'skip'))}"
    )
    how = choices.by_value("evidence", answer.get("how"))
    return f"{line} ({_(how.label)})" if how else line


def _heard_reply(kb: Knowledge, case: Case, noted: tuple[Noted, ...]) -> Reply:
    lines = "\n".join(
        f"{n}. {_heard_line(kb, case, item.key)}" for n, item in enumerate(noted, start=1)
    )
    text = (
        _("Here is what I have noted:")
        + "\n"
        + lines
        + "\n"
        + _("Correct any by number (for example 'remove 2'), or carry on.")
    )
    return Reply(text, kind="heard", heard=noted)


def _correct(kb: Knowledge, case: Case, numbers: tuple[int, ...]) -> Turn:
    """Remove noted facts by their number: each question is asked again in its turn."""
    keys = [case.heard[n - 1] for n in numbers if 1 <= n <= len(case.heard)]
    keys = [k for k in keys if k]
    if not keys:
        listed = len(case.heard)
        text = _("Please type a number from 1 to {n}.").format(n=listed)
        return Turn((Reply(text), *ask(kb, case)), case)
    lines = "\n".join(f"- {_heard_line(kb, case, key)}" for key in keys)
    for key in keys:
        listen.forget(kb, case, key)
    case.heard = ["" if k in keys else k for k in case.heard]
    text = _("I have removed this from what I noted, and I will ask about it instead:")
    return Turn((Reply(text + "\n" + lines), *ask(kb, case)), case)
