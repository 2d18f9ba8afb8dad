"""``read(text, kb)``: everything the reader takes from one message."""

from __future__ import annotations

from functools import lru_cache

from bot.knowledge.model import Knowledge
from bot.reader import context
from bot.reader.danger import present_danger
from bot.reader.data import load
from bot.reader.indicators import indicator_facts, phrase_table
from bot.reader.model import Reading
from bot.reader.phrases import literal_words
from bot.reader.text import plain, words

MAX_CHARS = 4000  # an oversized message costs no more than a long one


@lru_cache(maxsize=4)
def _vocabulary(table: tuple[tuple[str, tuple[str, ...]], ...]) -> frozenset[str]:
    """Every plain word of the reader's phrases: the words a slip is mended towards."""
    phrases = [p for _, items in table for p in items]
    for name, keys in (("context", ("evidence",)), ("danger", ("current", "needs_time"))):
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
    return Reading(
        role=context.role(tokens, setting),
        nation=nation,
        setting=setting,
        age=context.age(flat, nation),
        age_disputed=context.age_disputed(flat),
        nationality=context.nationality(tokens),
        out_of_hours=context.out_of_hours(flat),
        present_danger=present_danger(tokens),
        indicators=indicator_facts(text, tokens, kb),
    )
