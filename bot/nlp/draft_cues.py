"""Whether a message the model read as a draft request really asks for the draft.

Where the open question takes the user's own words, a note must not be lost to a
misreading: the message must hold a reviewed draft word or phrase
(``draft_cues.yml``) or be the "Draft now" button. Pure Python, without Rasa.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlp.answer_lexicon import normalise

CUES_FILE = Path(__file__).with_name("draft_cues.yml")
DRAFT_PAYLOAD = "/request_draft"


@lru_cache(maxsize=1)
def _cues(path: Path = CUES_FILE) -> tuple[frozenset[str], tuple[str, ...]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    words = frozenset(normalise(str(w)) for w in raw["words"])
    phrases = tuple(normalise(str(p)) for p in raw["phrases"])
    return words, phrases


def says_draft(text: str) -> bool:
    """True for the "Draft now" button or a message holding a listed draft cue."""
    if text.strip() == DRAFT_PAYLOAD:
        return True
    words, phrases = _cues()
    plain = normalise(text)
    padded = f" {plain} "
    return bool(words.intersection(plain.split())) or any(f" {p} " in padded for p in phrases)


def cue_phrases_in(text: str) -> tuple[str, ...]:
    """The listed draft phrases the message holds, normalised ("i have to go"), so
    that a reader of the message can leave out what is a request to the assistant."""
    _words, phrases = _cues()
    padded = f" {normalise(text)} "
    return tuple(p for p in phrases if f" {p} " in padded)
