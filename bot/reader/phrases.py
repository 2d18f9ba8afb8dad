"""The reader's small pattern language, shared by the indicator ``phrases`` in the
guidance YAML and the reader's own word lists (bot/reader/data/*.yml).

A phrase is a few space-separated tokens, matched against the message's words in
lower case after contractions are opened ("doesn't" reads "does not", "I'm" reads
"i am"):

- ``word``       that word exactly;
- ``word*``      any word starting with ``word`` (at least 3 letters before the star):
                 ``miss*`` matches missing, missed;
- ``a|b*|c``     any one of these;
- ``[word]``     the token may be left out (its inside is any of the forms above);
- ``..``         a gap of 0 to 3 words (never across . , ; : ! ?).

A phrase that starts with ``!`` states the indicator is absent ("!registered with .. gp"
for "registered with the GP round the corner"): its match gives the value "no" (and
a negation before it, "yes"). A phrase that starts with ``~`` explains the words it
covers away ("~new .. phone|trainers for her|his birthday"): a shorter phrase of the
same indicator inside it takes nothing, and it takes nothing itself.

Examples: ``works|working|worked .. nail bar*``, ``not registered with .. gp``,
``[has] gone missing``. A phrase is case-insensitive. This module is pure: the loader
uses ``phrase_problem`` to refuse a malformed phrase and bot/reader/match.py turns
phrases into spaCy Matcher patterns.
"""

from __future__ import annotations

import re
from typing import Any

GAP = ".."
ABSENT = "!"  # the phrase states the indicator is absent
EXPLAINED = "~"  # the phrase explains the words inside it away: nothing is taken


def body(phrase: str) -> str:
    """The phrase without its leading ``!`` or ``~``."""
    return phrase.removeprefix(ABSENT).removeprefix(EXPLAINED)


MAX_TOKENS = 10
COMMA = ","  # the one sign a phrase may hold: "boyfriend [,] he is 25" (a gap stops at signs)
MAX_GAP = 3
_WORD = re.compile(r"^[a-z0-9][a-z0-9&'/-]*$")
_STEM = re.compile(r"^[a-z0-9][a-z0-9&'/-]{2,}\*$")


def _alternative_problem(alt: str) -> str | None:
    if _WORD.match(alt) or _STEM.match(alt) or alt == COMMA:
        return None
    if alt.endswith("*"):
        return f"'{alt}': a stem needs at least 3 letters before '*'"
    return f"'{alt}': only lower-case letters, digits and & ' / - are allowed"


def phrase_problem(phrase: Any) -> str | None:
    """What is wrong with a phrase, or None when it is well formed."""
    if not isinstance(phrase, str) or not phrase.strip():
        return "a phrase must be non-empty text"
    tokens = body(phrase).split()
    if not tokens:
        return f"'{phrase}': '!' or '~' must be followed by a phrase"
    if len(tokens) > MAX_TOKENS:
        return f"'{phrase}': at most {MAX_TOKENS} tokens"
    if tokens[0] == GAP or tokens[-1] == GAP:
        return f"'{phrase}': a gap '..' cannot start or end a phrase"
    required = 0
    for token in tokens:
        if token == GAP:
            continue
        optional = token.startswith("[") and token.endswith("]")
        inner = token[1:-1] if optional else token
        required += not optional
        for alt in inner.split("|"):
            problem = _alternative_problem(alt)
            if problem:
                return f"'{phrase}': {problem}"
    if not required:
        return f"'{phrase}': needs at least one word that is not optional"
    return None


def _token_spec(inner: str) -> dict[str, Any]:
    alts = inner.split("|")
    if not any(a.endswith("*") for a in alts):
        return {"LOWER": {"IN": alts}} if len(alts) > 1 else {"LOWER": alts[0]}
    regex = "|".join(re.escape(a[:-1]) + r"\S*" if a.endswith("*") else re.escape(a) for a in alts)
    return {"LOWER": {"REGEX": f"^(?:{regex})$"}}


def to_matcher_pattern(phrase: str) -> list[dict[str, Any]]:
    """The spaCy Matcher token pattern for a well-formed phrase."""
    problem = phrase_problem(phrase)
    if problem:
        raise ValueError(problem)
    pattern: list[dict[str, Any]] = []
    for token in body(phrase).split():
        if token == GAP:
            pattern.append({"IS_PUNCT": False, "OP": f"{{0,{MAX_GAP}}}"})
        elif token.startswith("[") and token.endswith("]"):
            pattern.append({**_token_spec(token[1:-1]), "OP": "?"})
        else:
            pattern.append(_token_spec(token))
    return pattern


def literal_words(phrase: str) -> set[str]:
    """The plain words a phrase names (for mending typing slips towards them)."""
    words = set()
    for token in body(phrase).split():
        for alt in token.strip("[]").split("|"):
            if alt != GAP and not alt.endswith("*"):
                words.add(alt)
    return words
