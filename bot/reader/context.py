"""The case's context read from free text: role, nation, setting, age (and whether it
is disputed), nationality and whether the time stated is out of hours.

Each reader returns None when the text does not say it clearly. Word lists are in
bot/reader/data/context.yml; the rules are here, each said in its docstring.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.reader.data import load
from bot.reader.match import PhraseMatcher, longest_first
from bot.reader.text import Word


def _data() -> dict:
    return load("context")


@lru_cache(maxsize=1)
def _role_matchers() -> tuple[PhraseMatcher, PhraseMatcher, PhraseMatcher]:
    data = _data()
    return (
        PhraseMatcher(data["roles"]),
        PhraseMatcher({"frame": data["role_frames"]}),
        PhraseMatcher(data["self_roles"]),
    )


def _skippable_modifier(word: str) -> bool:
    return word.isdigit() or word in _data()["role_modifiers"]


def role(words: Sequence[Word]) -> str | None:
    """The professional's role, only where they say it of themselves: a role word
    right after a first-person frame ("I'm a", "as her"; a few modifiers such as
    "year 9" may stand between), a role word before "here", a role word opening the
    message ("DSL at a school in Leeds"), or a self-describing phrase ("my pupil").
    The first such statement wins."""
    roles, frames, selves = _role_matchers()
    data = _data()
    frame_ends = {h.end for h in frames.hits(words)}
    found: list[tuple[int, int, str]] = []  # (start, -length, role)
    for hit in roles.hits(words):  # every hit: "designated safeguarding lead" inside a longer one
        start = hit.start
        while (
            start > 0 and start - 1 not in frame_ends and _skippable_modifier(words[start - 1].text)
        ):
            start -= 1
        after = words[hit.end].text if hit.end < len(words) else ""
        opening = all(w.text in data["greetings"] for w in words[: hit.start])
        if (
            start in frame_ends
            or after == "here"
            or (opening and (after in data["role_start_followers"] or after == ""))
        ):
            found.append((hit.start, hit.start - hit.end, hit.label))
    found += [(h.start, h.start - h.end, h.label) for h in selves.hits(words)]
    return min(found)[2] if found else None  # the first; at one start, the longest


@lru_cache(maxsize=1)
def _nation_matcher() -> PhraseMatcher:
    return PhraseMatcher(_data()["nations"])


def nation(words: Sequence[Word]) -> str | None:
    """The nation named by a place, agency or procedure (context.yml). When several
    nations are named, the one named most often wins; on a tie, the first named."""
    hits = longest_first(_nation_matcher().hits(words))
    if not hits:
        return None
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.label] = counts.get(hit.label, 0) + 1
    best = max(counts.values())
    return next(h.label for h in hits if counts[h.label] == best)


@lru_cache(maxsize=1)
def _setting_matcher() -> PhraseMatcher:
    return PhraseMatcher(_data()["settings"])


def setting(words: Sequence[Word]) -> str | None:
    """Where the child was met: the first setting phrase in the text."""
    hits = longest_first(_setting_matcher().hits(words))
    return hits[0].label if hits else None


@lru_cache(maxsize=1)
def _nationality_words() -> dict[tuple[str, ...], str]:
    table = {tuple(n.lower().split()): n for n in _data()["nationalities"]}
    return table


@lru_cache(maxsize=1)
def _nationality_phrases() -> PhraseMatcher:
    return PhraseMatcher(_data()["nationality_phrases"])


def nationality(words: Sequence[Word]) -> str | None:
    """The first nationality word (context.yml) that does not name a language:
    not after "speaks" / "in", not before "interpreter" / "speaker"."""
    data = _data()
    hits = [(h.start, h.label) for h in _nationality_phrases().hits(words)]
    texts = [w.text for w in words]
    for key, name in _nationality_words().items():
        for i in range(len(texts) - len(key) + 1):
            if tuple(texts[i : i + len(key)]) != key:
                continue
            before = texts[i - 1] if i else ""
            after = texts[i + len(key)] if i + len(key) < len(texts) else ""
            if before in data["nationality_not_after"] or after in data["nationality_not_before"]:
                continue
            hits.append((i, name))
    return min(hits)[1] if hits else None


# --- age -------------------------------------------------------------------------

_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        (
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
            *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
            *("seventeen", "eighteen", "nineteen", "twenty"),
        )
    )
}
_NUM = r"(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_AGE_PATTERNS = (
    re.compile(rf"\b{_NUM}\s*(?:-|\s)?\s*(?:years?|yrs?|yr)\s*(?:-|\s)?\s*olds?\b"),
    re.compile(rf"\b{_NUM}\s*(?:yo|y/o|y\.o\.?)(?![a-z])"),
    re.compile(rf"\b(?:aged?|age:)\s*(?:is\s+)?(?:about|around|approx\.?|roughly)?\s*{_NUM}\b"),
    re.compile(
        rf"\b(?:she|he|they|child|boy|girl|pupil|student|yp|son|daughter)\s*(?:is|'s|s|was|are|"
        rf"has just turned|just turned|turned|turns)\s+(?:only\s+|just\s+|about\s+|around\s+)?"
        rf"{_NUM}\b(?!\s*(?:%|am|pm|o'clock|minutes|mins|hours|times|phones|days|weeks|months))"
    ),
    re.compile(rf"\((?:age\s*)?{_NUM}\s*(?:y|yo|yrs)?\)"),
    re.compile(rf"\b(?:looks?|appears?|seems?)\s+(?:about|around|like|maybe|only)?\s*{_NUM}\b"),
)
_CLAIM = re.compile(
    rf"\b(?:claims?|claiming|says?|said|saying|insists?|states?)\s+(?:that\s+)?(?:to\s+be|"
    rf"(?:she|he|they)\s*(?:is|'s|s|are|was))\s+(?:only\s+)?{_NUM}\b"
)
_ADULT_AFTER = re.compile(
    r"^\s*(?:-|\s)?(?:years?|yrs?|yr)?\s*(?:-|\s)?\s*(?:olds?)?\s*(?:man|men|male|woman|women|"
    r"female|adult|adults|bloke|guy|boyfriend|girlfriend|partner|husband|wife|brother|sister|"
    r"cousin|uncle|aunt|fianc)"
)
_SCHOOL_YEAR = re.compile(r"\b(?:year|yr|y)\s*(\d{1,2})\b(?!\s*(?:olds?|old|ago|s\b))")
_NOT_SCHOOL_YEAR = [
    [w] for w in ("this", "last", "next", "a", "per", "each", "every", "that", "one")
]
_SCOTTISH_YEAR = re.compile(r"\b([sp])([1-7])\b")
_DISPUTED = re.compile(
    r"\bage[- ]?(?:is\s+)?(?:disputed|dispute|assess(?:ment|ed)?|unclear|in doubt|contested|"
    r"not (?:known|clear|verified))\b|\bdisputed age\b|\bmerton\b|"
    r"\bdoubts? about (?:her|his|their|the) age\b|\bclaims? to be\b|\bclaiming to be\b|"
    r"\blooks? (?:much )?(?:younger|older)\b|"
    r"\b(?:not sure|unsure|unclear) (?:of|about|how old) (?:her|his|their)? ?(?:age|she|he|they)\b|"
    r"\bsays? (?:she|he|they)(?:'s| is| are| was)? (?:1[89]|2\d|an adult|over 18)\b|"
    r"\b(?:dob|date of birth) (?:doesn't|does not|don't|do not) match\b"
)
_NOT_DISPUTED = re.compile(
    r"\bno (?:doubt|dispute) about (?:her|his|their|the) age\b|\bage (?:is )?not disputed\b"
)


def _value(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def _candidates(text: str) -> list[tuple[int, int]]:
    """(position, age) for every age the text states of someone, adults excluded."""
    found: list[tuple[int, int]] = []
    for pattern in (*_AGE_PATTERNS, _CLAIM):
        for m in pattern.finditer(text):
            if _ADULT_AFTER.match(text[m.end(1) : m.end(1) + 40]) or _ADULT_AFTER.match(
                text[m.end() : m.end() + 30]
            ):
                continue
            value = _value(m.group(1))
            if 0 < value <= 25:
                found.append((m.start(), value))
    return found


def school_year_age(year: int, nation_id: str | None) -> int:
    """The age a pupil in school year ``year`` is at the start of that school year, the
    younger of the two ages in the year (design decision: the safer reading, as the
    lower age keeps every child-protection threshold that applies). England and Wales:
    year 9 is 13 going on 14. Northern Ireland numbers its years one higher (NI year 9
    is 12 going on 13)."""
    return year + (3 if nation_id == "northern_ireland" else 4)


def age(plain_text: str, nation_id: str | None) -> int | None:
    """The child's age: the youngest stated age up to 25 that is not an adult's ("a
    24-year-old man"), else one from a school year ("year 9", "S3", "P7"). The
    youngest, because when a claimed and an apparent age differ the younger is the
    one that protects."""
    found = _candidates(plain_text)
    if found:
        return min(v for _, v in found)
    for m in _SCHOOL_YEAR.finditer(plain_text):
        before = plain_text[: m.start()].split()[-1:]
        if 1 <= int(m.group(1)) <= 13 and before not in _NOT_SCHOOL_YEAR:
            return school_year_age(int(m.group(1)), nation_id)
    m = _SCOTTISH_YEAR.search(plain_text)
    if m:
        n = int(m.group(2))
        return n + 11 if m.group(1) == "s" else n + 4
    return None


def age_disputed(plain_text: str) -> bool:
    """True when the text says the age is in doubt ("age disputed", "claims to be 17",
    "looks younger", "says he's 19"), or states two different ages of the child."""
    if _NOT_DISPUTED.search(plain_text):
        return False
    if _DISPUTED.search(plain_text):
        return True
    return len({v for _, v in _candidates(plain_text)}) > 1


# --- time ------------------------------------------------------------------------

OFFICE_START, OFFICE_END = 9, 17  # design decision: weekday 09:00-17:00 is office hours
_WEEKEND = re.compile(
    r"\b(?:saturday|sunday|sat|sun|weekend|bank holiday|christmas day|boxing day|new year'?s day)\b"
)
_WEEKDAY = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|mon|tues?|wed|thurs?|fri)\b")
_ALWAYS_OOH = re.compile(
    r"\b(?:out of hours|ooh|edt|emergency duty team|middle of the night|overnight|bank holiday|"
    r"after hours|out-of-hours|the early hours|early hours of)\b"
)
_IN_HOURS = re.compile(
    r"\b(?:office hours|working hours|school hours|the school day|during school|lunchtime|"
    r"lunch time|in hours)\b"
)
_CLOCK = re.compile(
    r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b|\b([01]?\d|2[0-3])[:.]([0-5]\d)\b|\bmidnight\b|\bmidday\b|\bnoon\b"
)
_GONE = re.compile(r"\b(?:gone|just gone|just after|after|nearly|almost|past)\s+(\d{1,2})\b")
_NOW_FRAME = re.compile(
    r"\b(?:it'?s|it is|now|right now|currently|at the moment|just gone|tonight|this evening|"
    r"this morning|today|on a|i'?m|i am|we'?re)\b"
)
_HABIT_OR_PAST = re.compile(
    r"\b(?:usually|often|always|every|sometimes|regularly|last|ago|yesterday|until|till|"
    r"most nights|comes (?:back|home|in)|came (?:back|home|in)|gets (?:back|home|in))\b"
)
_NIGHT = re.compile(r"\b(?:night|evening|late)\b")


def _sentences(plain_text: str) -> list[str]:
    return [s for s in re.split(r"[!?\n]+|\.(?=\s|$)", plain_text) if s.strip()]


def _hour(sentence: str) -> int | None:
    m = _CLOCK.search(sentence)
    if m:
        if m.group(0) == "midnight":
            return 0
        if m.group(0) in ("midday", "noon"):
            return 12
        if m.group(3):
            hour = int(m.group(1)) % 12
            return hour + 12 if m.group(3) == "pm" else hour
        return int(m.group(4))
    m = _GONE.search(sentence)
    if m and int(m.group(1)) <= 12:
        hour = int(m.group(1))
        # "gone 11" with "night"/"evening", or an hour before 8 (nobody means 7 am as
        # "gone 7" at work), is in the evening.
        return hour + 12 if (_NIGHT.search(sentence) or hour < 8) and hour < 12 else hour
    return None


def out_of_hours(plain_text: str) -> bool | None:
    """True / False when the text says what time it is now, else None.

    Rule (a design decision, documented in the README of the reader): office hours are
    09:00 to 17:00, Monday to Friday. A time counts when its sentence says it is now
    ("it's", "now", "tonight", "on a Sunday night") or gives a clock time without a
    word of habit or of the past ("usually", "last", "came back at 3am"). "Out of
    hours", "EDT", "middle of the night", a bank holiday or a weekend day stated as
    now are out of hours; a weekday or a time 09:00-17:00 stated as now is not."""
    if _ALWAYS_OOH.search(plain_text):
        return True
    if _IN_HOURS.search(plain_text):
        return False
    for sentence in _sentences(plain_text):
        framed = bool(_NOW_FRAME.search(sentence))
        habitual = bool(_HABIT_OR_PAST.search(sentence))
        if habitual and not framed:
            continue
        weekend = bool(_WEEKEND.search(sentence))
        hour = _hour(sentence)
        if weekend and framed:
            return True
        if hour is not None:
            if hour < OFFICE_START or hour >= OFFICE_END:
                return True
            return weekend  # office hours on a weekday (or no day said)
        if framed and _WEEKDAY.search(sentence) and re.search(r"\b(?:night|evening)\b", sentence):
            return True
        if re.search(r"\b(?:it'?s|it is)\s+(?:late|night|the evening|evening)\b", sentence):
            return True
    return None
