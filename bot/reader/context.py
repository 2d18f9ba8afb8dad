"""The case's context read from free text: role, nation, setting, age (and whether it
is disputed), nationality and whether the time stated is out of hours.

Each reader returns None when the text does not say it clearly. Word lists are in
bot/reader/data/context.yml; the rules are here, each said in its docstring.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.choices import NUMBER_WORDS as _NUMBER_WORDS
from bot.reader.data import load
from bot.reader.match import Hit, PhraseMatcher, longest_first
from bot.reader.text import Word


def _data() -> dict:
    return load("context")


def about_no_real_child(words: Sequence[Word]) -> bool:
    """The message asks about a case that is not real ("what if ...", "hypothetically",
    "no actual child, just asking"): nothing it says of a child is taken."""
    joined = " " + " ".join(w.text for w in words) + " "
    return any(f" {cue} " in joined for cue in _data()["not_real"])


@lru_cache(maxsize=1)
def _role_matchers() -> tuple[PhraseMatcher, PhraseMatcher, PhraseMatcher]:
    data = _data()
    return (
        PhraseMatcher({**data["roles"], BY_SETTING: data["by_setting"]}),
        PhraseMatcher({"frame": data["role_frames"]}),
        PhraseMatcher(data["self_roles"]),
    )


BY_SETTING = "by_setting"  # a role word whose service the setting tells (context.yml)


def _skippable(word: str) -> bool:
    return word.isdigit() or word in _data()["role_modifiers"]


def _plain_word(text: str) -> bool:
    """A word of letters ("children's" and "a&e" included), not a number or a sign."""
    return text.replace("&", "").replace("'", "").isalpha()


def _signs_off(words: Sequence[Word], start: int, after: str) -> bool:
    """The role word signs the message off: it starts the last sentence, or a bracket
    in it, and only a comma, a full stop or "btw" follows ("... Community midwife
    btw.", "(football coach, under 15s, Paisley)", "Foster carer, County Antrim.")."""
    sentence = words[start].sentence
    last = max(w.sentence for w in words if _plain_word(w.text) or w.text.isdigit())
    if sentence != last:
        return False
    before = words[start - 1] if start > 0 else None
    opens = before is None or before.sentence != sentence or before.text == "("
    return opens and (after == "" or after in _data()["role_signoff_followers"])


def _signs_off_with_place(
    words: Sequence[Word], start: int, end: int, places: dict[int, int]
) -> bool:
    """The role word signs the message off with where the writer works, and the place
    ends it ("... Youth worker in Hull.", "... Nurse at Ninewells"): "His social worker
    in Leeds has been told." is someone else's, and "Social worker in Leeds said ..."
    goes on past the place."""
    if end + 1 >= len(words) or words[end].text not in ("in", "at"):
        return False
    place_end = places.get(end + 1)
    if place_end is None:
        return False
    after = words[place_end].text if place_end < len(words) else ""
    return _signs_off(words, start, after)


OPENING_SENTENCES = 2  # "It's 10am on a Wednesday. DC in Bristol, ...": the second may open


def _opens_message(words: Sequence[Word], start: int) -> bool:
    """The role word opens the message (or its second sentence, after a line such as
    the time): after greetings, at most 3 plain words or numbers naming the service
    ("Custody sergeant", "Year 5 teacher", "sexual health clinic nurse")."""
    greetings = _data()["greetings"]
    sentence = words[start].sentence
    if sentence >= OPENING_SENTENCES:
        return False
    lead = [w for w in words[:start] if w.text not in greetings and w.sentence == sentence]
    stop = set(_data()["role_lead_stop"])
    return len(lead) <= 3 and all(
        (_plain_word(w.text) or w.text.isdigit()) and w.text not in stop for w in lead
    )


def role(words: Sequence[Word], setting_id: str | None = None) -> str | None:
    """The professional's role, only where they say it of themselves: a role word
    right after a first-person frame ("I'm a", "as her"; a few modifiers such as
    "year 9" may stand between), a role word before "here", a role word opening the
    message ("DSL at a school in Leeds") or signing it off ("... Foster carer, Antrim."),
    or a self-describing phrase ("my pupil").
    The first such statement wins. A word such as "receptionist" names a role whose
    service the setting tells (``setting_id``: at a school, school staff)."""
    roles, frames, selves = _role_matchers()
    data = _data()
    frame_ends = {h.end for h in frames.hits(words)}
    # "GP Leeds", "PCSO Southampton": a place right after an opening role word
    places = {h.start: h.end for h in _nation_matcher().hits(words)}
    place_starts = set(places)
    found: list[tuple[int, int, str]] = []  # (start, -length, role)
    for hit in roles.hits(words):  # every hit: "designated safeguarding lead" inside a longer one
        start = hit.start
        while start > 0 and start not in frame_ends and _skippable(words[start - 1].text):
            start -= 1
        after = words[hit.end].text if hit.end < len(words) else ""
        if (
            start in frame_ends
            or after == "here"
            or (
                _opens_message(words, hit.start)
                and (
                    after in data["role_start_followers"] or after == "" or hit.end in place_starts
                )
            )
            or _signs_off(words, start, after)
            or _signs_off_with_place(words, start, hit.end, places)
        ):
            found.append((hit.start, hit.start - hit.end, hit.label))
    found += [(h.start, h.start - h.end, h.label) for h in selves.hits(words)]
    if not found:
        return None
    label = min(found)[2]  # the first; at one start, the longest
    if label == BY_SETTING:
        return data["role_by_setting"].get(setting_id or "", "other")
    return label


@lru_cache(maxsize=1)
def _nation_matcher() -> PhraseMatcher:
    return PhraseMatcher(_data()["nations"])


def nation_hits(words: Sequence[Word]) -> list[Hit]:
    """The places, agencies and procedures of the gazetteer named in the words, the
    longest where two overlap, in order."""
    return longest_first(_nation_matcher().hits(words))


def nation(words: Sequence[Word]) -> str | None:
    """The nation named by a place, agency or procedure (context.yml) where the
    professional or the child is. A place soon after "from", "taken", "sent", "found"
    (where the child came from or was taken) does not count, unless "us", "I",
    "based", "lives" stands nearer to it: then it counts double. A place in the first
    sentence (where the professional says who and where they are) counts one more.
    The nation with most weight wins; on a tie, the last named (a message tends to end
    where the child is now)."""
    data = _data()
    weights: dict[str, int] = {}
    last: dict[str, int] = {}
    previous_end = 0
    for hit in longest_first(_nation_matcher().hits(words)):
        # The words before this place in its clause, back to the place named before
        # it: in "from Liverpool on a train into Aberystwyth" the "from" is Liverpool's.
        clause = words[hit.start].clause
        window = words[max(0, hit.start - 6, previous_end) : hit.start]
        before = [w.text for w in window if w.clause == clause]
        previous_end = hit.end
        if hit.end < len(words) and words[hit.end].text in data["nation_not_before"]:
            continue
        # the cue nearest the place decides: "new to our school from Hereford" is
        # where she came from, "from Liverpool, placed in Cardiff" where she is
        # ("go to school in London": a school word is no cue against "go")
        strong = set(data["nation_here"]) - set(data["nation_here_weak"])
        cue = next(
            (w for w in reversed(before) if w in strong or w in data["nation_elsewhere"]),
            None,
        )
        if cue in data["nation_elsewhere"]:
            continue
        here = any(w in data["nation_here"] for w in before)
        weight = 2 if here else 1
        # where the professional says who they are ("Social worker in Y Barri.")
        if words[hit.start].sentence == 0:
            weight += 1
        weights[hit.label] = weights.get(hit.label, 0) + weight
        last[hit.label] = hit.start
    if not weights:
        return None
    return max(weights, key=lambda n: (weights[n], last[n]))


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
    """The first nationality word (context.yml) that does not name a language (not
    after "speaks" / "in", not before "interpreter" / "speaker"), or the demonym of a
    country the child is from ("from Eritrea", "born in Nigeria")."""
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
    for cue in data["country_cues"]:
        cue_words = tuple(cue.split())
        for i in range(len(texts) - len(cue_words)):
            country = texts[i + len(cue_words)]
            if tuple(texts[i : i + len(cue_words)]) == cue_words and country in data["countries"]:
                hits.append((i, data["countries"][country]))
    return min(hits)[1] if hits else None


# --- age -------------------------------------------------------------------------

_NUM = r"(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_NOT_AN_AGE = (
    r"(?!\s*(?:%|am|pm|o'clock|minutes|mins|hours|hrs|times|phones|days|weeks|months|men|"
    r"adults|people|others|other|children|kids|boys|girls|of them|miles|quid|pounds|"
    r"years|yrs|year|wks|weeks|months))"
)
_CHILD = (
    r"(?:boy|girl|lad|lass|child|kid|yp|young person|son|daughter|teen|teenager|pupil|student|"
    r"patient|care leaver|young man|young woman)"
)
_ABOUT = r"(?:about|bout|abt|around|approx\.?|roughly|maybe|like)"
_AGE_PATTERNS = (
    re.compile(rf"\b{_NUM}\s*(?:-|\s)?\s*(?:years?|yrs?|yr)\s*(?:-|\s)?\s*olds?\b"),
    re.compile(rf"\b{_NUM}\s*(?:yo|y/o|y\.o\.?)(?![a-z])"),
    re.compile(rf"\b(?:aged?|age:)\s*(?:is\s+)?(?:about|around|approx\.?|roughly)?\s*{_NUM}\b"),
    re.compile(
        rf"\b(?:she|he|they|{_CHILD})\s*(?:is|'s|s|was|are|"
        rf"has just turned|just turned|turned|turns)\s+(?:only\s+|just\s+|about\s+|around\s+)?"
        rf"{_NUM}\b{_NOT_AN_AGE}"
    ),
    # "a lad about 14", "boy of 15", "girl, 13", "kid of about 8"
    re.compile(
        rf"\b{_CHILD}\s*(?:,\s*|of\s+|aged\s+)?(?:now\s+)?(?:{_ABOUT}\s+)?{_NUM}\b"
        rf"{_NOT_AN_AGE}"
    ),
    # "her son who is 14"
    re.compile(rf"\b{_CHILD}\s+who\s*(?:is|'s)\s+(?:only\s+|just\s+)?{_NUM}\b{_NOT_AN_AGE}"),
    # "two lads, both 16": one age for all of them
    re.compile(rf"\b(?:both|all)\s+(?:aged\s+)?{_NUM}(?=\s*(?:[,.;:)!?]|$|and\b))"),
    re.compile(rf"\((?:age\s*)?{_NUM}\s*(?:y|yo|yrs)?\)"),
    re.compile(rf"\([a-z ]+,\s*{_NUM}\)"),  # "(LAC, 15)"
    re.compile(rf"\b{_NUM}\s*(?:yrs?|years?)\b(?!\s*(?:ago|later|before|since|in|of|on|with))"),
    # a message or sentence that opens with the age: "15, known to YOT, says he's fine"
    re.compile(rf"(?:^|(?<=[.!?] )|(?<=[.!?]\n)){_NUM}\s*,(?!\s*\d)"),
    # ... or that names the child in a word or two first: "UASC, 16, from Eritrea"
    re.compile(rf"^[a-z]+(?: [a-z]+)?,\s*{_NUM}\s*,(?!\s*\d)"),
)
# "looks about 14": used only when no other age is stated (the stated age is the one
# recorded when it is disputed).
_LOOKS = re.compile(
    rf"\b(?:(?:looks?|looked|appears?|appeared|seems?|seemed)\s+(?:{_ABOUT}|only)?\s*|"
    rf"(?:can'?t|cannot|can not|couldn'?t|could not|not|no)\s+(?:be\s+)?(?:more|older)\s+than\s+)"
    rf"{_NUM}\b{_NOT_AN_AGE}"
)
_CLAIM = re.compile(
    rf"\b(?:claims?|claiming|says?|said|saying|insists?|states?)\s+(?:that\s+)?(?:to\s+be|"
    rf"(?:she|he|they)\s*(?:is|'s|s|are|was))\s+(?:only\s+)?{_NUM}\b{_NOT_AN_AGE}"
)
_GIVEN = re.compile(
    rf"\b(?:gave|gives|giving|give|given) (?:her|his|their|an|the)? ?age as\s+{_NUM}\b"
)
_AGE_UNIT = r"^\s*(?:-|\s)?(?:years?|yrs?|yr|yo|y/o)?\s*(?:-|\s)?\s*(?:olds?)?\s*"
_ADULT_AFTER = re.compile(
    _AGE_UNIT + r"(?:man|men|woman|women|adult|adults|bloke|guy|boyfriend|girlfriend|partner|"
    r"husband|wife|brother|sister|cousin|uncle|aunt|fianc|bf|gf)"
)
_SEX_AFTER = re.compile(_AGE_UNIT + r"(?:male|female)s?\b")
ADULT_AGE = 18
# An age of someone else, or of another time: "(21)" after "bf", "when he was 6".
_NOT_CHILD_BEFORE = re.compile(
    r"(?:\b(?:bf|gf|boyfriend|girlfriend|partner|man|men|woman|adult|husband|wife)\s*[,(]?|"
    r"\bwhen (?:she|he|they) (?:was|were)|\bwhen|\bsince|\bfrom age|\bat age|\bfor|\bbeen|\bover|"
    r"(?<!-)\bin|\bpast|\blast|\bwithin|(?<!looked )\bafter|"
    # how long someone has had the child ("we've had him 3 yrs"), an age acted
    r"\bhad\s+(?:him|her|them|(?:our|my|the|this)\s+\w+)|\blike|\bas if|\bas though)\s*$"
)
_DISPUTED = re.compile(
    r"\bage[- ]?(?:is\s+)?(?:disputed|dispute|assess(?:ment|ed)?|unclear|in doubt|contested|"
    r"not (?:known|clear|verified))\b|\bdisputed age\b|\bmerton\b|"
    r"\bdoubts? about (?:her|his|their|the) age\b|\bclaims? to be\b|\bclaiming to be\b|"
    r"\b(?:looks?|looked) (?:much )?(?:younger|older)\b|"
    r"\b(?:not sure|unsure|unclear) (?:of|about|how old) (?:her|his|their)? ?(?:age|she|he|they)\b|"
    r"\bsays? (?:she|he|they)(?:'s|s| is| are| was)? (?:1[89]|2\d|an adult|over 18)\b|"
    r"\b(?:dob|date of birth) (?:doesn't|does not|don't|do not) match\b"
)
_NOT_DISPUTED = re.compile(
    r"\bno (?:doubt|dispute) about (?:her|his|their|the) age\b|\bage (?:is )?not disputed\b"
)


def _value(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def _ages(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    found = []
    for m in pattern.finditer(text):
        after = (text[m.end(1) : m.end(1) + 40], text[m.end() : m.end() + 30])
        if any(_ADULT_AFTER.match(a) for a in after):
            continue
        # "a 17yo female" is a child; "a 24yo male" an adult
        if _value(m.group(1)) >= ADULT_AGE and any(_SEX_AFTER.match(a) for a in after):
            continue
        if _NOT_CHILD_BEFORE.search(text[max(0, m.start() - 30) : m.start()]):
            continue
        if _RANGE_AFTER.match(text[m.end(1) :]):
            continue  # "aged 6 to 14", "about 10-12": several children or a guess
        value = _value(m.group(1))
        if 0 < value <= 25:
            found.append((m.start(), value))
    return found


def _claimed(text: str) -> list[tuple[int, int]]:
    """(position, age) for every age the young person or their papers give."""
    return sorted(_ages(_CLAIM, text) + _ages(_GIVEN, text))


def _candidates(text: str) -> list[tuple[int, int]]:
    """(position, age) for every age the text states of the child, adults excluded."""
    return sorted(a for pattern in _AGE_PATTERNS for a in _ages(pattern, text))


def age(plain_text: str, nation_id: str | None = None) -> int | None:
    """The child's age, in whole years, as stated: the age the young person (or their
    papers) give when they claim one ("says she's 17 but looks 13" is 17, with
    age_disputed), else the first age stated that is not an adult's ("a 24-year-old
    man") or of another time ("when he was 6"), else an apparent age ("looks about
    14"). A school year ("year 9", "S3") spans two ages, so it gives none (design
    decision): the age question is asked. ``nation_id`` is unused today."""
    claimed = _claimed(plain_text)
    if claimed and age_disputed(plain_text):  # else the claim may be someone else's
        return claimed[0][1]
    found = _candidates(plain_text)
    if found:
        return found[0][1]
    labelled = _ages(_LABEL_AGE, plain_text)
    if labelled:
        return labelled[0][1]
    if _SEVERAL_CHILDREN.search(plain_text):
        return None  # "2 lads who looked about 15": whose age?
    looks = _ages(_LOOKS, plain_text)
    return looks[0][1] if looks else None


# "aged 6 to 14", "about 10-12"
_RANGE_AFTER = re.compile(r"^\s*(?:-|to|and|or)\s*\d")
# An age set off by commas mid-sentence, as in a note: "met online, 15, police on
# the way", "my young person S, 17, moved in": used only when no other age is stated.
_LABEL_AGE = re.compile(r"[a-z'],\s*(1[0-7]|[1-9])\s*,\s*(?=[a-z])")
_SEVERAL_CHILDREN = re.compile(
    r"\b(?:[2-9]|two|three|four|five|six|several)\s+(?:\w+\s+)?"
    r"(?:lads|boys|girls|kids|children|teenagers|teens|young people)\b"
)


def age_dispute_words(plain_text: str) -> tuple[int, int] | None:
    """Where the text says the age is in doubt (start, end in the plain text), or None
    (the rule: ``age_disputed``)."""
    if _NOT_DISPUTED.search(plain_text):
        return None
    stated = _DISPUTED.search(plain_text)
    if stated:
        return stated.span()
    claimed = _claimed(plain_text)
    looks = _ages(_LOOKS, plain_text)
    if claimed and looks and {v for _, v in claimed} != {v for _, v in looks}:
        first = min(claimed[0][0], looks[0][0])
        last = max(m.end() for p in (_CLAIM, _GIVEN, _LOOKS) for m in p.finditer(plain_text))
        return first, last
    return None


def age_disputed(plain_text: str) -> bool:
    """True when the text says the age is in doubt ("age disputed", "claims to be 17",
    "looks younger", "says he's 19"), or gives a claimed and a different apparent age."""
    return age_dispute_words(plain_text) is not None


# --- time ------------------------------------------------------------------------

OFFICE_START, OFFICE_END = 9, 17  # design decision: weekday 09:00-17:00 is office hours
_WEEKEND = re.compile(
    r"\b(?:saturday|sunday|sat|sun|weekend|bank holiday|christmas day|boxing day|new year'?s day)\b"
)
_WEEKDAY = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|mon|tues?|wed|thurs?|fri)\b")
_ALWAYS_OOH = re.compile(
    r"\b(?:out of hours|ooh|edt|emergency duty team|middle of the night|bank holiday|"
    r"after hours|out-of-hours|the early hours|early hours of)\b"
)
_IN_HOURS = re.compile(
    r"\b(?:office hours|working hours|school hours|the school day|during school|lunchtime|"
    r"lunch time|in hours)\b"
)
_CLOCK = re.compile(
    r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b|\b([01]?\d|2[0-3])[:.]([0-5]\d)\b|\bmidnight\b|\bmidday\b|\bnoon\b"
)
_GONE = re.compile(
    r"\b(?:gone|just gone|just after|after|nearly|almost|past|half|half past|quarter past|"
    r"quarter to|about|around)\s+(\d{1,2})\b(?!\s*(?:%|mins|minutes|hours|hrs|days|weeks|yo|year))"
)
_NOW_FRAME = re.compile(
    r"\b(?:it'?s|it is|its|now|right now|currently|at the moment|just gone|tonight|"
    r"this evening|this morning|this afternoon)\b"
)
_HABIT_OR_PAST = re.compile(
    r"\b(?:usually|often|always|every|sometimes|regularly|last|ago|yesterday|until|till|"
    r"most nights|comes (?:back|home|in)|came (?:back|home|in)|gets (?:back|home|in))\b"
)
_NIGHT = re.compile(r"\b(?:night|evening|late)\b")


_OTHER_DAY = re.compile(r"\b(?:on|next|this|last|by|until|till|from|before|after|every)\s*$")


def _now_day(sentence: str, day: re.Match[str]) -> bool:
    """A weekend day named as today, not as another day ("meet him on Saturday",
    "next Sunday"); "on a Sunday night" is how people say today."""
    return not _OTHER_DAY.search(sentence[: day.start()])


def _clauses(plain_text: str) -> list[str]:
    """Sentences cut at , ; and "but": a time counts with a "now" in its own clause."""
    parts = re.split(r"[!?\n,;]+|\.(?=\s|$)|\bbut\b", plain_text)
    return [p for p in parts if p.strip()]


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

    Rule (a design decision, see bot/reader/README.md): office hours are 09:00 to
    17:00, Monday to Friday. A time or day counts only when its clause says it is now
    ("it's gone 11 on a Sunday night", "it's 3am", "at 2am tonight"), and not with a
    word of habit or of the past ("usually", "last"): the time of another event ("found
    at 4am in a hotel", "coming for her at midnight") says nothing about now. "Out of
    hours", "EDT", "middle of the night", a bank holiday or a weekend day stated as
    now are out of hours; a weekday or a time 09:00-17:00 stated as now is not."""
    if _ALWAYS_OOH.search(plain_text):
        return True
    if _IN_HOURS.search(plain_text):
        return False
    for sentence in _clauses(plain_text):
        if not _NOW_FRAME.search(sentence) or _HABIT_OR_PAST.search(sentence):
            continue
        framed = True
        weekend = any(_now_day(sentence, m) for m in _WEEKEND.finditer(sentence))
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
