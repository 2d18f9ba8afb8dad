"""``read(text, kb)``: everything the reader takes from one message."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from bot.knowledge.model import Knowledge
from bot.reader import context
from bot.reader.danger import present_danger
from bot.reader.data import load
from bot.reader.indicators import indicator_facts, phrase_table
from bot.reader.model import IndicatorFact, Reading
from bot.reader.out_of_area import INDICATOR as OUT_OF_AREA
from bot.reader.out_of_area import out_of_area
from bot.reader.phrases import literal_words
from bot.reader.text import Word, plain, words

MAX_CHARS = 4000  # an oversized message costs no more than a long one


@lru_cache(maxsize=4)
def _vocabulary(table: tuple[tuple[str, tuple[str, ...]], ...]) -> frozenset[str]:
    """Every plain word of the reader's phrases: the words a slip is mended towards."""
    phrases = [p for _, items in table for p in items]
    # place names too, so that "Pen-y-bont" is not mended to "bond"
    for name, keys in (
        ("context", ("evidence", "nations", "settings", "roles", "self_roles", "role_modifiers")),
        ("danger", ("current", "needs_time")),
    ):
        doc = load(name)
        for key in keys:
            value = doc[key]
            groups = value.values() if isinstance(value, dict) else [value]
            phrases += [p for group in groups for p in group]
    return frozenset(w for p in phrases for w in literal_words(p) if w.isalpha() and len(w) >= 4)


def read(text: str, kb: Knowledge) -> Reading:
    """What the text states: context, present danger and indicators (see the modules)."""
    text = text[:MAX_CHARS]
    table = phrase_table(kb)
    tokens = words(text, _vocabulary(table))
    flat = plain(text)
    nation = context.nation(tokens)
    setting = context.setting(tokens)
    here = Reading(
        role=context.role(tokens, setting),
        nation=nation,
        setting=setting,
        out_of_hours=context.out_of_hours(flat),
    )
    if context.about_no_real_child(tokens):
        return here  # who is asking is real; the child is not
    dispute = context.age_dispute_words(flat)
    age = context.age(flat, nation)
    return replace(
        here,
        age=age,
        age_disputed=dispute is not None,
        nationality=context.nationality(tokens),
        present_danger=present_danger(tokens),
        indicators=_with_age_dispute(
            _with_out_of_area(
                _partner_clearly_older(indicator_facts(text, tokens, kb), age), text, tokens, kb
            ),
            text,
            flat,
            dispute,
            kb,
        ),
    )


OLDER_PARTNER = "older_partner"
CLEAR_AGE_GAP = 3  # years: "her partner is 18" of a 17 year old is not clearly older


def _partner_clearly_older(
    facts: tuple[IndicatorFact, ...], age: int | None
) -> tuple[IndicatorFact, ...]:
    """An older partner read from a stated age is taken only when that age is clearly
    above the child's (when the child's age is known); otherwise the question is asked."""
    if age is None:
        return facts

    def unclear(fact: IndicatorFact) -> bool:
        ages = [int(n) for n in re.findall(r"\b\d{1,2}\b", fact.words)]
        return (
            fact.id == OLDER_PARTNER
            and fact.value == "yes"
            and bool(ages)
            and (max(ages) - age < CLEAR_AGE_GAP)
        )

    return tuple(f for f in facts if not unclear(f))


def _with_out_of_area(
    facts: tuple[IndicatorFact, ...], text: str, tokens: Sequence[Word], kb: Knowledge
) -> tuple[IndicatorFact, ...]:
    """Found out of area read from two places (out_of_area.py) when no phrase of the
    indicator said it either way."""
    if OUT_OF_AREA not in kb.indicators or any(f.id == OUT_OF_AREA for f in facts):
        return facts
    fact = out_of_area(text, tokens)
    return facts if fact is None else (*facts, fact)


AGE_DISPUTED = "age_disputed"  # the indicator of the bank that says the same as the field


def _with_age_dispute(
    facts: tuple[IndicatorFact, ...],
    text: str,
    flat: str,
    dispute: tuple[int, int] | None,
    kb: Knowledge,
) -> tuple[IndicatorFact, ...]:
    """The age_disputed indicator agrees with the age_disputed field: noted when the
    field's rule finds a dispute ("says she's 17 but looks 13") that no phrase of the
    indicator did. A doubt about a child's age is the professional's: "suspected"."""
    if dispute is None or AGE_DISPUTED not in kb.indicators:
        return facts
    if any(f.id == AGE_DISPUTED for f in facts):
        # "says she's 19": the young person's claim is what is doubted, not a disclosure;
        # with no cue, the doubt is still the professional's
        return tuple(
            replace(f, how="suspected")
            if f.id == AGE_DISPUTED and f.how in (None, "disclosed")
            else f
            for f in facts
        )
    start, end = dispute
    source = text if len(flat) == len(text) else flat  # accents dropped: positions moved
    fact = IndicatorFact(AGE_DISPUTED, "yes", "suspected", source[start:end].strip())
    return (*facts, fact)
