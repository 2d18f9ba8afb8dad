"""Found out of area, read from places: the child is said to be from one place of the
gazetteer (context.yml `nations`) and was found, stopped or held in another.

The indicator's phrases (bot/knowledge/data/indicators.yml) catch the words that say
it ("out of area", "miles from home"); this rule catches the two places ("a lad from
Liverpool, picked up at Wrexham station"). Both places must be named and different,
and the professional must tell a police-like encounter (context.yml `out_of_area`
`encounter`); a child who moved or was placed here ("moved here from Leeds") says
nothing, nor do agencies and forces (a "Met Police" officer and a boy "from Croydon"
are in one place).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.reader.context import nation_hits
from bot.reader.data import load
from bot.reader.match import Hit, span_text
from bot.reader.model import IndicatorFact
from bot.reader.text import Word

INDICATOR = "found_out_of_area"
FROM_WINDOW = 3  # words between the child and "from": "a 15 yo lad from Liverpool"


def _rules() -> dict:
    return load("context")["out_of_area"]


def _name(words: Sequence[Word], hit: Hit) -> str:
    return " ".join(w.text for w in words[hit.start : hit.end])


def _childs_home(words: Sequence[Word], hit: Hit) -> bool:
    """ "lad from Liverpool", "he's from London", "15yo from Toxteth": "from" right
    before the place, and a word for the child (or "is") right before "from"."""
    if hit.start < 2 or words[hit.start - 1].text != "from":
        return False
    before = words[hit.start - 2].text
    return before in _rules()["child_before_from"] or before.endswith("yo")


PASSIVE_WINDOW = 5  # "was reported missing and found": someone else's account


def _own_encounter(words: Sequence[Word]) -> bool:
    """An encounter told as the professional's own ("Stopped a lad", "in custody",
    "found in a trap house"), not a passive report of an earlier one ("was reported
    missing and found in Belfast")."""
    rules = _rules()
    for i, word in enumerate(words):
        if word.text in rules["encounter"]:
            before = {w.text for w in words[max(0, i - PASSIVE_WINDOW) : i]}
            if not before & set(rules["passive"]):
                return True
    return False


def _agency(name: str) -> bool:
    return any(word in _rules()["agency_words"] for word in name.split())


def out_of_area(text: str, words: Sequence[Word]) -> IndicatorFact | None:
    """The fact, or None when the text does not name both places with an encounter."""
    rules = _rules()
    if not _own_encounter(words) or {w.text for w in words} & set(rules["settled"]):
        return None
    hits = nation_hits(words)
    homes = [h for h in hits if _childs_home(words, h)]
    if not homes:
        return None
    home = homes[0]
    for hit in hits:
        name = _name(words, hit)
        if hit is home or _agency(name) or name == _name(words, home):
            continue
        before = words[hit.start - 1].text if hit.start else ""
        # where the professional is (the first sentence) or where the child was held
        if words[hit.start].sentence == 0 or before in rules["here_before"]:
            start, end = min(home.start, hit.start), max(home.end, hit.end)
            return IndicatorFact(INDICATOR, "yes", None, span_text(text, words, start, end))
    return None
