"""A message made into the reader's words: lower case, contractions opened, each
word keeping where it stood in the original text (so what was noted can be shown
in the professional's own words), split into sentences and clauses.

Typing slips are mended narrowly, in the manner of bot/nlp/spelling.py (which needs
Rasa, so is not imported): a word of 4 letters or more that is not an English word
is replaced by a word of the reader's own patterns one keystroke away from it.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# A dash standing alone between spaces ("leaving now - I'm on reception") ends a clause.
_TOKEN = re.compile(r"[a-z0-9]+(?:[&'/][a-z0-9]+)*|[.,;:!?()\n]|(?<=\s)-(?=\s)")
SENTENCE_END = frozenset({".", "!", "?", "\n"})
CLAUSE_END = SENTENCE_END | {",", ";", ":", "(", ")", "-"}
CLAUSE_WORDS = frozenset({"but", "although", "though", "however", "whereas"})
# Contractions typed with or without the apostrophe.
_NOT_FORMS = {
    "can't": "can",
    "cant": "can",
    "won't": "will",
    "wont": "will",
    "shan't": "shall",
    "ain't": "is",
    "aint": "is",
}
_NT_BARE = re.compile(
    r"^(do|does|did|is|was|are|were|has|have|had|could|would|should|must|need)nt$"
)
_OPEN = {"i'm": ("i", "am"), "im": ("i", "am"), "i've": ("i", "have"), "ive": ("i", "have")}
_SUFFIX = {"'re": "are", "'ve": "have", "'ll": "will", "'m": "am", "'d": "would"}
_IS_WORDS = frozenset({"she", "he", "it", "that", "there", "who", "what", "where", "shes", "hes"})
# Text-speak with one reading only ("2moro", "wiv", "r"), read as the word it stands for.
_TXT = {
    "2moro": "tomorrow",
    "2morow": "tomorrow",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmw": "tomorrow",
    "tomoz": "tomorrow",
    "2nite": "tonight",
    "2night": "tonight",
    "tonite": "tonight",
    "2day": "today",
    "rite": "right",
    "wiv": "with",
    "wid": "with",
    "w/": "with",
    "r": "are",
    "u": "you",
    "ur": "your",
    "b4": "before",
    "gettin": "getting",
    "goin": "going",
    "comin": "coming",
    "takin": "taking",
    "sayin": "saying",
    "tryin": "trying",
    "waitin": "waiting",
    "leavin": "leaving",
    "nite": "night",
    "pls": "please",
    "ppl": "people",
    "bc": "because",
    "cos": "because",
    "coz": "because",
    "hrs": "hours",
    "mins": "minutes",
}
# "2" is "to" between a word that wants "to" and a word ("coming 2 take her", "back 2
# Bangladesh"); "with 2 older men" keeps its number.
_TO_BEFORE = frozenset(
    {
        "back",
        "going",
        "coming",
        "come",
        "go",
        "went",
        "trying",
        "want",
        "wants",
        "wanted",
        "need",
        "needs",
        "used",
        "up",
        "down",
        "over",
        "sent",
        "moved",
        "taken",
        "take",
        "due",
        "about",
        "supposed",
        "has",
        "have",
        "had",
        "got",
        "off",
        "me",
        "him",
        "her",
        "them",
    }
)
LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_SLIP_LETTERS = 4


@dataclass(frozen=True)
class Word:
    text: str  # the reader's form: lower case, contraction opened, slip mended
    start: int  # where it stood in the original message
    end: int
    sentence: int
    clause: int


def plain(text: str) -> str:
    """Lower case, accents dropped, curly quotes straightened."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _open(token: str) -> list[str]:
    if token in ("shes", "hes"):
        return [token[:-1], "is"]
    if token in _OPEN:
        return list(_OPEN[token])
    if token in _NOT_FORMS:
        return [_NOT_FORMS[token], "not"]
    if token.endswith("n't"):
        return [token[:-3], "not"]
    bare = _NT_BARE.match(token)
    if bare:
        return [bare.group(1), "not"]
    for suffix, word in _SUFFIX.items():
        if token.endswith(suffix) and len(token) > len(suffix):
            return [token[: -len(suffix)], word]
    if token.endswith("'s") and token[:-2] in _IS_WORDS:
        return [token[:-2], "is"]  # "she's": a possessive ("children's") stays one word
    return [token]


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """pyspellchecker's English word list (installed with the project), or nothing."""
    try:
        import spellchecker
    except ImportError:  # without it no slip is mended: the reader stays exact
        return frozenset()
    path = Path(spellchecker.__file__).with_name("resources") / "en.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(json.load(handle))


def _one_slip(word: str) -> list[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swapped = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1 and b[0] != b[1]]
    missed = [a + c + b for a, b in splits for c in LETTERS]
    extra = [a + b[1:] for a, b in splits if b]
    wrong = [a + c + b[1:] for a, b in splits if b for c in LETTERS if c != b[0]]
    return swapped + missed + extra + wrong


def mend(word: str, vocabulary: frozenset[str]) -> str:
    """``word``, or the pattern word one slip from it when ``word`` is no English word."""
    if len(word) < MIN_SLIP_LETTERS or not word.isalpha() or word in vocabulary:
        return word
    english = english_words()
    if not english or word in english:
        return word
    return next((c for c in _one_slip(word) if c in vocabulary), word)


def words(text: str, vocabulary: frozenset[str] = frozenset()) -> list[Word]:
    """The message's words, in order, with sentence and clause numbers."""
    out: list[Word] = []
    sentence = clause = 0
    for match in _TOKEN.finditer(plain(text)):
        token = match.group()
        if token in SENTENCE_END or token in CLAUSE_END:
            out.append(Word(token, match.start(), match.end(), sentence, clause))
            clause += 1
            if token in SENTENCE_END:
                sentence += 1
            continue
        if token in CLAUSE_WORDS:
            clause += 1
        for piece in _open(_TXT.get(token, token)):
            out.append(Word(mend(piece, vocabulary), match.start(), match.end(), sentence, clause))
    return _twos_read_as_to(out)


def _twos_read_as_to(out: list[Word]) -> list[Word]:
    for i in range(1, len(out) - 1):
        if (
            out[i].text == "2"
            and out[i - 1].text in _TO_BEFORE
            and out[i + 1].text.isalpha()
            and out[i + 1].text not in _PLURAL_AFTER_TWO
        ):
            out[i] = Word("to", out[i].start, out[i].end, out[i].sentence, out[i].clause)
    return out


# "got 2 phones", "has 2 older brothers": a number after all
_PLURAL_AFTER_TWO = frozenset(
    {
        "older",
        "younger",
        "other",
        "more",
        "different",
        "new",
        "big",
        "small",
        "men",
        "women",
        "phones",
        "kids",
        "children",
        "boys",
        "girls",
        "lads",
        "brothers",
        "sisters",
        "of",
    }
)
