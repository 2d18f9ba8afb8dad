"""The quick choices the conversation offers (role, nation, setting, evidence,
sharing), with the words people use for each so free text works as well as the
buttons. Matching is whole-word and case-insensitive."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import _

_NOT_WORD = re.compile(r"[^a-z0-9&' ]+")


@dataclass(frozen=True)
class Option:
    value: str
    label: str  # source text; translated when shown
    words: tuple[str, ...] = ()


ROLE = (
    Option(
        "teacher",
        "Teacher or school staff",
        ("teacher", "school", "dsl", "teaching", "tutor", "college", "headteacher", "senco"),
    ),
    Option(
        "health",
        "Health",
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
        "Social care",
        (
            "social worker",
            "social care",
            "social work",
            "children's services",
            "foster",
            "residential",
        ),
    ),
    Option("police", "Police", ("police", "officer", "pc", "detective", "constable", "pcso")),
    Option("other", "Other", ("other", "volunteer", "youth worker", "charity", "something else")),
)
NATION = (
    Option("england", "England", ("england", "english", "london", "manchester", "birmingham")),
    Option("wales", "Wales", ("wales", "welsh", "cymru", "cardiff", "swansea", "newport")),
    Option("scotland", "Scotland", ("scotland", "scottish", "glasgow", "edinburgh", "aberdeen")),
    Option("northern_ireland", "Northern Ireland", ("northern ireland", "ni", "belfast", "derry")),
)
SETTING = (
    Option("school", "School or college", ("school", "college", "class", "classroom", "nursery")),
    Option(
        "health", "Health setting", ("hospital", "clinic", "surgery", "gp", "a&e", "ward", "health")
    ),
    Option("home_visit", "Home visit", ("home", "house", "visit", "flat")),
    Option("police_contact", "Police contact", ("police", "custody", "arrest", "station")),
    Option("port_or_border", "Port or border", ("port", "border", "airport", "ferry", "arrivals")),
    Option("other", "Somewhere else", ("other", "somewhere else", "elsewhere", "street", "shop")),
)
EVIDENCE = (
    Option("observed", "I saw it", ("saw", "seen", "see", "observed", "noticed", "witnessed")),
    Option("disclosed", "The child told me", ("told me", "said", "disclosed", "child told")),
    Option("reported", "Someone else told me", ("someone", "colleague", "reported", "heard")),
    Option("suspected", "I suspect it", ("suspect", "think", "feel", "guess", "suspicion")),
)
SHARE_WITH = (
    Option("safeguarding_lead", "My safeguarding lead", ("lead", "dsl", "safeguarding lead")),
    Option(
        "childrens_social_care",
        "Children's social care",
        ("social care", "mash", "social services"),
    ),
    Option("police", "The police", ("police",)),
    Option("all", "All of these", ("all", "everyone", "all of them")),
)
WHY_NOT_TOLD = (
    Option(
        "raise_risk",
        "Telling them could raise the risk to the child",
        ("risk", "danger", "involved", "unsafe"),
    ),
    Option("no_chance_yet", "Not had the chance yet", ("chance", "not yet")),
)


def match(options: tuple[Option, ...], text: str, choice: str | None = None) -> Option | None:
    """The option a button payload or the user's words name; None if unclear."""
    if choice is not None:
        return next((o for o in options if o.value == choice), None)
    words_only = _NOT_WORD.sub(" ", text.lower())
    lowered = f" {' '.join(words_only.split())} "
    hits = [
        o
        for o in options
        if any(f" {w} " in lowered for w in o.words) or f" {_(o.label).lower()} " in lowered
    ]
    return hits[0] if len(hits) == 1 else None
