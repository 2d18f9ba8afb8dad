"""The reviewed list of short answers ("no", "dunno", "nac oes") and how a whole
message is looked up in it. Pure Python, without Rasa, so the conversation (which
runs in the action server) can tell a listed answer word from a sentence the
model had to read; ``bot.nlp.answer_words.AnswerWords`` is the NLU component that
applies the same list inside Rasa.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).with_name("answer_words.yml")
_DROP = re.compile(r"[^a-z0-9'/ ]+")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation dropped, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_DROP.sub(" ", bare).split())


@lru_cache(maxsize=1)
def lexicon(path: Path = WORDS_FILE) -> dict[str, str]:
    """Normalised answer -> intent. Refuses a word listed under two intents."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for intent, words in raw.items():
        for word in words:
            key = normalise(str(word))
            if key in table and table[key] != intent:
                raise ValueError(f"{path.name}: '{word}' is listed under {table[key]} and {intent}")
            table[key] = intent
    return table


def answer_intent(text: str) -> str | None:
    """The intent a whole-message answer word gives, or None."""
    return lexicon().get(normalise(text))
