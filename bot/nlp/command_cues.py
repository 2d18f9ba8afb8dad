"""Whether a message says a costly command for certain: stop (ends the
conversation) and draft (answers with the draft instead of taking the words as a
note). The model's reading alone is not enough for these: the message must hold a
reviewed word or phrase of the command's list (``stop_cues.yml``,
``draft_cues.yml``: whole words, after lower-casing and dropping accents and
punctuation) or be its button. ``draft_cues.yml``'s ``requests`` are heard even where
the model read something else (``asks_for_the_write_up``). Pure Python, without
Rasa, for the action server.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.nlp.answer_lexicon import normalise

HERE = Path(__file__).parent
STOP_PAYLOAD = "/stop"
DRAFT_PAYLOAD = "/request_draft"


@dataclass(frozen=True)
class Cues:
    payload: str
    words: frozenset[str]
    phrases: tuple[str, ...]
    # Phrases that can only be a request to the assistant, kept without apostrophes
    # ("you've" and "youve" alike): heard even where the model read something else.
    requests: tuple[str, ...] = ()

    def phrases_in(self, text: str) -> tuple[str, ...]:
        """The listed phrases the message holds, normalised ("i have to go")."""
        padded = f" {normalise(text)} "
        return tuple(p for p in self.phrases if f" {p} " in padded)

    def requested_in(self, text: str) -> bool:
        padded = f" {_plain(text)} "
        return any(f" {p} " in padded for p in self.requests)

    def said_in(self, text: str) -> bool:
        """True for the command's button or a message holding a listed cue."""
        if text.strip() == self.payload:
            return True
        plain = normalise(text)
        padded = f" {plain} "
        return (
            bool(self.words.intersection(plain.split()))
            or any(f" {p} " in padded for p in self.phrases)
            or self.requested_in(text)
        )


def _plain(text: str) -> str:
    """Normalised, with apostrophes dropped rather than spaced."""
    return normalise(text.replace("'", "").replace("\u2019", ""))


@cache
def cues(file_name: str, payload: str) -> Cues:
    raw = yaml.safe_load((HERE / file_name).read_text(encoding="utf-8"))
    return Cues(
        payload,
        frozenset(normalise(str(w)) for w in raw["words"]),
        tuple(normalise(str(p)) for p in raw["phrases"]),
        tuple(_plain(str(p)) for p in raw.get("requests", ())),
    )


def says_stop(text: str) -> bool:
    return cues("stop_cues.yml", STOP_PAYLOAD).said_in(text)


def says_draft(text: str) -> bool:
    return cues("draft_cues.yml", DRAFT_PAYLOAD).said_in(text)


# Words that ask to carry on later or keep the place: with any of them, "I have to
# go" is a pause (a resume code), not a request for the draft now. Welsh forms too.
LATER = (
    "later",
    "continue",
    "come back",
    "pick this up",
    "pick it up",
    "pick up",
    "resume",
    "pause",
    "save",
    "progress",
    "tomorrow",
    "after",
    "afterwards",
    "morning",
    "oedi",
    "seibio",
    "wedyn",
    "yn nes ymlaen",
    "dod yn ol",
    "parhau",
)
_LATER = tuple(normalise(w) for w in LATER)


def asks_for_the_write_up(text: str) -> bool:
    """A phrase that can only be a request to the assistant for the draft ("can you
    write this up", "give me whatever you've got"): heard at any question, even one
    that takes the user's own words. (``says_draft`` hears these too.)"""
    return cues("draft_cues.yml", DRAFT_PAYLOAD).requested_in(text)


def says_later(text: str) -> bool:
    padded = f" {normalise(text)} "
    return any(f" {w} " in padded for w in _LATER)


def draft_phrases_in(text: str) -> tuple[str, ...]:
    """The draft-request phrases a message holds, so that a reader of the message
    can leave out what is a request to the assistant."""
    return cues("draft_cues.yml", DRAFT_PAYLOAD).phrases_in(text)
