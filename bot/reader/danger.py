"""Present danger: does the text say the child is in danger, or is missing or about
to go missing, now? The rule and its word lists are in bot/reader/data/danger.yml.

A missed danger costs more than a false alarm, so the phrases are generous; what
keeps past ("went missing last year"), resolved ("she's safe now"), negated ("no
immediate danger") and hypothetical ("if she goes missing") statements out is the
cancelling rule, applied to the clause the phrase is in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.reader.data import load
from bot.reader.match import Hit, PhraseMatcher
from bot.reader.text import Word

NEGATION_WINDOW = 5


@lru_cache(maxsize=1)
def _matcher() -> PhraseMatcher:
    data = load("danger")
    keys = ("current", "needs_time", "soon", "past", "later", "resolved", "negation")
    return PhraseMatcher({k: data[k] for k in keys})


def _hypothetical(words: Sequence[Word], hit: Hit) -> bool:
    cues = load("danger")["hypothetical"]
    clause = words[hit.start].clause
    before = [w.text for w in words[: hit.start] if w.clause == clause]
    joined = " " + " ".join(before) + " "
    return any(f" {cue} " in joined for cue in cues)


def _negated(
    words: Sequence[Word], hit: Hit, negations: list[Hit], window: int = NEGATION_WINDOW
) -> bool:
    clause = words[hit.start].clause
    return any(
        n.end <= hit.start and hit.start - n.end <= window and words[n.start].clause == clause
        for n in negations
    )


def present_danger(words: Sequence[Word]) -> bool:
    """True when a danger phrase stands uncancelled (see danger.yml for the rule)."""
    hits = _matcher().hits(words)
    by_kind: dict[str, list[Hit]] = {}
    for hit in hits:
        by_kind.setdefault(hit.label, []).append(hit)
    soons = [
        h for h in by_kind.get("soon", []) if not _when_told(words, h) and not _an_age(words, h)
    ]
    soon_sentences = {words[h.start].sentence for h in soons} | _since_a_clock_time(words)
    # a past word ("last year") or a later one ("next month") says it is not now
    past_clauses = {
        words[h.start].clause for h in by_kind.get("past", []) + by_kind.get("later", [])
    }
    negations = by_kind.get("negation", [])
    # "hasn't come back" is no resolution: a resolved phrase right after a negation
    # does not count.
    resolved = [r for r in by_kind.get("resolved", []) if not _negated(words, r, negations, 2)]
    for hit in by_kind.get("current", []) + by_kind.get("needs_time", []):
        sentence, clause = words[hit.start].sentence, words[hit.start].clause
        has_soon = sentence in soon_sentences
        if hit.label == "needs_time" and not has_soon:
            continue
        if clause in past_clauses or _negated(words, hit, negations):
            continue
        if _hypothetical(words, hit) and not has_soon:
            continue
        resolving = [r for r in resolved if not _home_from_travel(words, r, hit)]
        if any(r.start >= hit.start and not _overlaps(r, hit) for r in resolving):
            continue
        if any(_overlaps(r, hit) or words[r.start].clause == clause for r in resolving):
            continue  # "she's in the car with me now, waiting for response": safe
        return True
    return False


def _home_from_travel(words: Sequence[Word], resolved: Hit, hit: Hit) -> bool:
    """ "She's gone home now" resolves a child missing, not a journey abroad or a
    marriage arranged from home ("booked to fly to Yemen tomorrow"): the danger is
    there (danger.yml `home_is_no_safety_from`)."""
    data = load("danger")
    home = any(w.text == "home" for w in words[resolved.start : resolved.end])
    sentence = words[hit.start].sentence
    travel = set(data["home_is_no_safety_from"])
    return home and any(w.text in travel for w in words if w.sentence == sentence)


REPORT_WINDOW = 4
_CLOCK = re.compile(r"^\d{1,2}(?:[:.]\d{2})?(?:am|pm)$|^\d{1,2}[:.]\d{2}$")


def _when_told(words: Sequence[Word], hit: Hit) -> bool:
    """A soon word that dates the telling, not the danger: "she told me at school
    today that ..." (a reporting word at most 4 words before it in its clause)."""
    told = set(load("danger")["reported_when"])
    clause = words[hit.start].clause
    before = words[max(0, hit.start - REPORT_WINDOW) : hit.start]
    return any(w.text in told and w.clause == clause for w in before)


def _an_age(words: Sequence[Word], hit: Hit) -> bool:
    """ "now 17", "now aged 15": "now" dates an age, not a danger."""
    after = words[hit.end].text if hit.end < len(words) else ""
    return words[hit.start].text == "now" and (after.isdigit() or after in ("aged", "age"))


def _since_a_clock_time(words: Sequence[Word]) -> set[int]:
    """Sentences with "since" and a clock time ("missing since 6pm"): it is still so."""
    return {
        words[i].sentence
        for i in range(len(words) - 1)
        if words[i].text == "since" and _CLOCK.match(words[i + 1].text)
    }


def _overlaps(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end
