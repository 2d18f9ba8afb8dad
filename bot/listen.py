"""Listen first (issue 18): take into the case what the reader found in one message
(bot/reader), only where that part is not known yet, and drop a noted fact again
when the professional says it is wrong. Pure: the case is changed in place, the
caller says how the user's words are kept (redacted) and shows what was noted.

Never overwritten: a context choice, the age or an answer already in the case,
whoever gave it. Never taken from the reader: the opening danger question (its
"not in danger" is missed too often to be trusted: the question is always asked),
and indicators behind a screen the professional answered "no" or skipped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot import choices
from bot.knowledge import Knowledge
from bot.nlp.answer_lexicon import normalise
from bot.nlp.command_cues import draft_phrases_in
from bot.reader import Reading
from bot.replies import Noted

if TYPE_CHECKING:
    from bot.conversation import Case

CONTEXT_KEYS = ("role", "nation", "setting")
AGE = "age"
NATIONALITY = "nationality"
HOURS = "out_of_hours"  # noted when the professional says what time it is now
NATIONALITY_PATTERN = re.compile(r"^[a-z][a-z' -]{1,40}$")
# The source of an answer the reader took from the professional's words (not asked).
READER = "reader"
# A sign heard of at least this weight answers its category's screening question
# "yes" (its category's questions follow); a lighter one (a vulnerability such as
# low mood) is noted and counted, and its category is screened as usual.
INFER_MIN_WEIGHT = 2
MAX_WORDS = 200  # the longest quote kept as a note
_CLAUSE_END = re.compile(r"(?<=[.!?;])\s+|\n+|,\s+|\s+and\s+")
_REMOVE_WORD = (
    r"(?:remove|delete|drop|not|wrong|take\s+out|cross\s+out|dileu|tynnu)"  # Welsh: dileu, tynnu
)
_NUMBERS = r"(\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})*)"
_CORRECTION = re.compile(
    rf"^\s*(?:{_REMOVE_WORD}\s+(?:number\s+|no\.?\s*|item\s+)?{_NUMBERS}"
    rf"|(?:number\s+)?{_NUMBERS}\s+(?:is|are)\s+(?:wrong|not\s+right|incorrect|not\s+true))"
    r"\s*[.!]?\s*$",
    re.IGNORECASE,
)


def clause_of(text: str, words: str) -> str:
    """The clause of ``text`` that holds ``words`` (the reader's span), as typed, so
    the note keeps the professional's own words ("works long hours at a nail bar")
    rather than the bare phrase; the span itself if it is not found."""
    lowered = words.lower().strip()
    for clause in _CLAUSE_END.split(text):
        if lowered and lowered in clause.lower():
            return clause.strip()[:MAX_WORDS]
    return words.strip()[:MAX_WORDS]


def corrections(text: str) -> tuple[int, ...]:
    """The item numbers a correction names ("remove 2", "2 is wrong", "not 3",
    "remove 2 and 4"); () when the text is not a correction."""
    m = _CORRECTION.match(text)
    if m is None:
        return ()
    numbers = next(g for g in m.groups() if g)
    return tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", numbers)))


# The professional leaving, at the start of a message, in the first person or with
# no subject as people type in a hurry: "sorry, got to get back to class - ...",
# "I have to head off now". Only the leaving phrase itself, up to four more words,
# and never past a word that starts talk about someone else ("...but she told me",
# "...back to them tonight"): "She's got to get back to him" has a subject and is
# the child's.
_LEAVING = re.compile(
    r"^\s*(?:(?:sorry|right|ok|okay|so)\W+)*(?:i\s*(?:'?ve|'?m|have|am)?\s*)?"
    r"(?:got to|gotta|have to|need to|must|going to have to|gonna have to|being|getting)\s+"
    r"(?:go(?!\s+back)|get back|head off|dash|run|leave|called away|pulled away)\b"
    r"(?:\s+(?!(?:but|and|or|she|he|they|them|him|her|his|their|because|cos|as|so)\b)"
    r"[a-z0-9']+){0,4}",
    re.IGNORECASE,
)


# Words that report what someone else said: then a first-person "I have to go" may
# be the child's words quoted, so it is not taken as the professional leaving.
_REPORTED = re.compile(r"\b(?:told me|told us|said|says|saying|tells me)\b", re.IGNORECASE)


def without_requests(reading: Reading, text: str) -> Reading:
    """The reading without the signs whose words are a request for the draft or the
    professional saying they must leave: "I have to go" asks for the draft, and "got
    to get back to class" is the professional's class; neither says the child talks
    of leaving."""
    cues = list(draft_phrases_in(text))
    leaving = _LEAVING.match(text)
    if leaving and not _REPORTED.search(text):
        cues.append(normalise(leaving.group(0)))
    if not cues:
        return reading
    kept = tuple(
        f for f in reading.indicators if not any(normalise(f.words) in cue for cue in cues)
    )
    return dataclasses.replace(reading, indicators=kept)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _sentence_of(sentences: list[str], words: str) -> int | None:
    lowered = words.lower().strip()
    return next((i for i, s in enumerate(sentences) if lowered and lowered in s.lower()), None)


def about_one_sign(reading: Reading, text: str, sign: str) -> Reading:
    """The reading of words typed about one sign (its answer or its "how do you
    know?" note): other signs are taken only from a sentence of their own, after
    the sentence that states this one. The words describe the sign asked about, so
    "she has become withdrawn and tearful", typed for "withdrawn or fearful", does
    not also answer "signs of emotional distress"; "I saw it. She also told me her
    uncle has her passport" still notes the passport."""
    sentences = _SENTENCE_END.split(text)
    own = next((f for f in reading.indicators if f.id == sign), None)
    where = _sentence_of(sentences, own.words) if own else None
    kept = tuple(
        f
        for f in reading.indicators
        if f.id == sign
        or (
            where is not None
            and (other := _sentence_of(sentences, f.words)) is not None
            and other != where
        )
    )
    return dataclasses.replace(reading, indicators=kept)


def _note_history(case: Case, key: str) -> None:
    if key in case.history:
        case.history.remove(key)
    case.history.append(key)


def merge(
    kb: Knowledge, case: Case, reading: Reading, text: str, keep: Callable[[str], str]
) -> tuple[Noted, ...]:
    """Take what ``reading`` states into ``case`` where that part is unknown; the
    facts taken, in the order they are shown back. ``keep`` turns the user's words
    into the words kept (redacted)."""
    noted: list[Noted] = []
    for key in CONTEXT_KEYS:
        value = getattr(reading, key)
        if value is not None and getattr(case, key) is None and choices.by_value(key, value):
            setattr(case, key, value)
            _note_history(case, key)
            noted.append(Noted(key, value))
    if reading.age is not None and case.age is None and 0 < reading.age < 25:
        case.age = reading.age
        noted.append(Noted(AGE, reading.age))
    nationality = (reading.nationality or "").lower()
    if nationality and case.nationality is None and NATIONALITY_PATTERN.match(nationality):
        case.nationality = nationality
        noted.append(Noted(NATIONALITY, nationality))
    if reading.out_of_hours is not None and case.office_hours is None:
        case.office_hours = not reading.out_of_hours
        noted.append(Noted(HOURS, "yes" if reading.out_of_hours else "no"))
    for fact in reading.indicators:
        indicator = kb.indicators.get(fact.id)
        if indicator is None or fact.id in case.answers or fact.value not in ("yes", "no"):
            continue
        screen = f"screen:{indicator.category}"
        screen_answer = case.answers.get(screen, {}).get("value")
        if screen_answer in ("no", "skip"):
            continue  # the professional closed this category: their answer stands
        if fact.value == "yes" and screen_answer is None and indicator.weight >= INFER_MIN_WEIGHT:
            # A sign of the category is there, so its screening question is answered;
            # left open, a later "no" to it would take this answer away.
            case.answers[screen] = {
                "value": "yes",
                "how": None,
                "when": None,
                "note": None,
                "source": READER,
            }
            _note_history(case, screen)
            case.inferred.append(screen)
        how = fact.how if choices.by_value("evidence", fact.how) else None
        case.answers[fact.id] = {
            "value": fact.value,
            "how": how,
            "when": None,
            "note": keep(clause_of(text, fact.words)),
            "source": READER,
        }
        _note_history(case, fact.id)
        noted.append(Noted(fact.id, fact.value, indicator=True, how=how))
    return tuple(noted)


def forget(kb: Knowledge, case: Case, key: str) -> None:
    """Drop a noted fact (the professional said it is wrong): its question is asked
    again in its turn. A screen answered only because of it goes with it."""
    if key in CONTEXT_KEYS:
        setattr(case, key, None)
    elif key == AGE:
        case.age = None
    elif key == NATIONALITY:
        case.nationality = None
    elif key == HOURS:
        case.office_hours = None
    elif key in kb.indicators:
        case.answers.pop(key, None)
        category = kb.indicators[key].category
        screen = f"screen:{category}"
        still_yes = any(
            a.get("value") == "yes"
            for qid, a in case.answers.items()
            if qid in kb.indicators and kb.indicators[qid].category == category
        )
        if screen in case.inferred and not still_yes:
            case.inferred.remove(screen)
            case.answers.pop(screen, None)
            if screen in case.history:
                case.history.remove(screen)
    if key in case.history:
        case.history.remove(key)
