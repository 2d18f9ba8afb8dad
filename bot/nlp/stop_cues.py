"""Whether a message the model read as "stop" really says stop.

Stopping ends the conversation, so the model's reading alone is not enough: the
message must hold a reviewed stop word or phrase (``stop_cues.yml``) or be the
stop button. Pure Python, without Rasa, for the action server.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlp.answer_lexicon import normalise

CUES_FILE = Path(__file__).with_name("stop_cues.yml")
STOP_PAYLOAD = "/stop"


@lru_cache(maxsize=1)
def _cues(path: Path = CUES_FILE) -> tuple[frozenset[str], tuple[str, ...]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    words = frozenset(normalise(str(w)) for w in raw["words"])
    phrases = tuple(normalise(str(p)) for p in raw["phrases"])
    return words, phrases


def says_stop(text: str) -> bool:
    """True for the stop button or a message holding a listed stop word or phrase."""
    if text.strip() == STOP_PAYLOAD:
        return True
    words, phrases = _cues()
    plain = normalise(text)
    padded = f" {plain} "
    return bool(words.intersection(plain.split())) or any(f" {p} " in padded for p in phrases)
