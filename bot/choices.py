"""The quick choices the conversation offers (role, nation, setting, evidence,
sharing), with the words people use for each so free text works as well as the
buttons. Matching is whole-word and case-insensitive.

A button's value names its question as well as its option ("setting.health"),
so a button pressed under an earlier question (or typed as a payload) can never
answer a later one that happens to share an option name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.i18n import N_, _

_NOT_WORD = re.compile(r"[^a-z0-9&' ]+")


@dataclass(frozen=True)
class Option:
    value: str
    label: str  # source text; translated when shown
    words: tuple[str, ...] = ()


ROLE = (
    Option(
        "teacher",
        N_("Teacher or school staff"),
        ("teacher", "school", "dsl", "teaching", "tutor", "college", "headteacher", "senco"),
    ),
    Option(
        "health",
        N_("Health"),
        (
            "nurse",
            "doctor",
            "gp",
            "midwife",
            "health",
            "nhs",
            "paramedic",
            "health visitor",
            "clinician",
            "a&e",
            "hospital",
        ),
    ),
    Option(
        "social_care",
        N_("Social care"),
        (
            "social worker",
            "social care",
            "social work",
            "children's services",
            "foster",
            "residential",
        ),
    ),
    Option("police", N_("Police"), ("police", "officer", "pc", "detective", "constable", "pcso")),
    Option(
        "other", N_("Other"), ("other", "volunteer", "youth worker", "charity", "something else")
    ),
)
NATION = (
    Option("england", N_("England"), ("england", "english", "london", "manchester", "birmingham")),
    Option("wales", N_("Wales"), ("wales", "welsh", "cymru", "cardiff", "swansea", "newport")),
    Option(
        "scotland", N_("Scotland"), ("scotland", "scottish", "glasgow", "edinburgh", "aberdeen")
    ),
    Option(
        "northern_ireland", N_("Northern Ireland"), ("northern ireland", "ni", "belfast", "derry")
    ),
)
SETTING = (
    Option(
        "school", N_("School or college"), ("school", "college", "class", "classroom", "nursery")
    ),
    Option(
        "health",
        N_("Health setting"),
        ("hospital", "clinic", "surgery", "gp", "a&e", "ward", "health"),
    ),
    Option("home_visit", N_("Home visit"), ("home", "house", "visit", "flat")),
    Option("police_contact", N_("Police contact"), ("police", "custody", "arrest", "station")),
    Option(
        "port_or_border", N_("Port or border"), ("port", "border", "airport", "ferry", "arrivals")
    ),
    Option(
        "other", N_("Somewhere else"), ("other", "somewhere else", "elsewhere", "street", "shop")
    ),
)
EVIDENCE = (
    Option("observed", N_("I saw it"), ("saw", "seen", "see", "observed", "noticed", "witnessed")),
    Option("disclosed", N_("The child told me"), ("told me", "said", "disclosed", "child told")),
    Option("reported", N_("Someone else told me"), ("someone", "colleague", "reported", "heard")),
    Option("suspected", N_("I suspect it"), ("suspect", "think", "feel", "guess", "suspicion")),
)
SHARE_WITH = (
    Option("safeguarding_lead", N_("My safeguarding lead"), ("lead", "dsl", "safeguarding lead")),
    Option(
        "childrens_social_care",
        # Neutral: right in every nation (NI's Gateway is an HSC Trust's social services).
        N_("Social services or social work"),
        ("social care", "mash", "social services", "social work", "gateway"),
    ),
    Option("police", N_("The police"), ("police",)),
    Option("all", N_("All of these"), ("all", "everyone", "all of them")),
)
WHY_NOT_TOLD = (
    Option(
        "raise_risk",
        N_("Telling them could raise the risk to the child"),
        ("risk", "danger", "involved", "unsafe"),
    ),
    Option("no_chance_yet", N_("Not had the chance yet"), ("chance", "not yet")),
)

# Asked "how old is the child?": the one button, for an age nobody knows.
AGE_UNKNOWN = (
    Option(
        "unknown",
        N_("Not known"),
        (
            "not known",
            "don't know",
            "dont know",
            "do not know",
            "unknown",
            "no idea",
            "not sure",
            "no one knows",
            "nobody knows",
            # Welsh: "don't know", "no idea", "unknown"
            "ddim yn gwybod",
            "dim syniad",
            "anhysbys",
        ),
    ),
)
# Ages written in words ("she's fifteen"): the answer to "how old?", the action
# server's age and the reader's all read them from here.
NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        (
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
            *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
            *("seventeen", "eighteen", "nineteen", "twenty"),
        )
    )
}


GROUPS: dict[str, tuple[Option, ...]] = {
    "role": ROLE,
    "nation": NATION,
    "setting": SETTING,
    "evidence": EVIDENCE,
    "share_with": SHARE_WITH,
    "why_not": WHY_NOT_TOLD,
    "age": AGE_UNKNOWN,
}


def letters(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa": a number as a choice value, which may only
    hold letters."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def from_letters(text: str) -> int | None:
    """The number ``letters`` wrote, or None for anything else."""
    if not text or not text.isascii() or not text.isalpha() or not text.islower():
        return None
    index = 0
    for ch in text:
        index = index * 26 + (ord(ch) - ord("a") + 1)
    return index - 1


def button_value(group: str, option: Option) -> str:
    """The value a button for this option sends: question and option."""
    return f"{group}.{option.value}"


def by_value(group: str, value: str | None) -> Option | None:
    """The option with this stored value (without the question part)."""
    return next((o for o in GROUPS[group] if o.value == value), None)


def _plain(text: str) -> str:
    """Lower case, accents dropped (Welsh labels: "Cymru" and "cymru" alike,
    "â" typed as "a"), punctuation made spaces, single spaces, padded."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return f" {' '.join(_NOT_WORD.sub(' ', bare).split())} "


def match(group: str, text: str, choice: str | None = None) -> Option | None:
    """The option a button payload or the user's words name; None if unclear or if
    the payload belongs to another question."""
    options = GROUPS[group]
    if choice is not None:
        return next((o for o in options if button_value(group, o) == choice), None)
    lowered = _plain(text)
    # A whole label wins over single words: "Someone else told me" is the
    # "reported" option even though "told me" is one of the "disclosed" words.
    by_label = [o for o in options if _plain(_(o.label)) in lowered]
    if len(by_label) == 1:
        return by_label[0]
    hits = [o for o in options if any(_plain(w) in lowered for w in o.words)]
    return hits[0] if len(hits) == 1 else None
