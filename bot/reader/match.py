"""Labelled phrases (bot/reader/phrases.py) matched with spaCy's Matcher over the
reader's words. spaCy is imported when a matcher is first built, not at import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.reader.phrases import to_matcher_pattern
from bot.reader.text import Word


@dataclass(frozen=True)
class Hit:
    label: str
    start: int  # word index, inclusive
    end: int  # word index, exclusive


@lru_cache(maxsize=1)
def _vocab() -> Any:
    import spacy

    return spacy.blank("en").vocab


class PhraseMatcher:
    """Finds every labelled phrase in a list of words."""

    def __init__(self, phrases: Mapping[str, Iterable[str]]) -> None:
        from spacy.matcher import Matcher

        self._matcher = Matcher(_vocab())
        for label, items in phrases.items():
            patterns = [to_matcher_pattern(p) for p in items]
            if patterns:
                self._matcher.add(label, patterns)

    def hits(self, words: Sequence[Word]) -> list[Hit]:
        from spacy.tokens import Doc

        if not words:
            return []
        doc = Doc(_vocab(), words=[w.text for w in words])
        found = {Hit(_vocab().strings[key], start, end) for key, start, end in self._matcher(doc)}
        return sorted(found, key=lambda h: (h.start, -(h.end - h.start), h.label))


def longest_first(hits: Iterable[Hit]) -> list[Hit]:
    """Hits that do not overlap, a longer one winning over a shorter one inside it."""
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def span_text(text: str, words: Sequence[Word], start: int, end: int) -> str:
    """The original text the words start..end stood for."""
    return text[words[start].start : words[end - 1].end]
