"""Indicators of the bank stated in free text, from each indicator's reviewed
``phrases`` (bot/knowledge/data/indicators.yml), with their value and how the
professional knows.

- value: "yes", or "no" when a negation (context.yml `negation`: "not", "no sign
  of", "denies", ...) ends at most 5 words before the phrase in the same clause.
  A negation that only says the professional does not know ("I don't know if", "not
  sure whether") takes nothing, so the question is still asked. So does a phrase
  after a condition word in its clause ("if", "whether") or in a question, or
  hedged (context.yml `hedge` before it in its clause: "he might have a new phone";
  `doubt` anywhere in its sentence: "..., but I'm not sure"): the reader is not
  confident, so the question is asked.
  Tense does not matter here: "went missing last year" is a missing episode.
- how: the evidence cue (context.yml `evidence`) nearest before the phrase in its
  sentence, else the nearest after it in the sentence; none: None, so the question is
  asked (a cue in another sentence may be about something else).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from bot.knowledge.model import Knowledge
from bot.reader.data import load
from bot.reader.match import Hit, PhraseMatcher, longest_first, span_text
from bot.reader.model import IndicatorFact
from bot.reader.phrases import ABSENT, EXPLAINED
from bot.reader.text import Word

NEGATION_WINDOW = 5


@lru_cache(maxsize=4)
def _indicator_matcher(table: tuple[tuple[str, tuple[str, ...]], ...]) -> PhraseMatcher:
    """One label per indicator, ``id!`` for its phrases that state it is absent and
    ``id~`` for those that explain it away."""
    labels: dict[str, list[str]] = {}
    for ident, phrases in table:
        for phrase in phrases:
            mark = phrase[0] if phrase[0] in (ABSENT, EXPLAINED) else ""
            labels.setdefault(ident + mark, []).append(phrase)
    return PhraseMatcher(labels)


def phrase_table(kb: Knowledge) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((i.id, i.phrases) for i in kb.indicators.values() if i.phrases)


@lru_cache(maxsize=1)
def _cue_matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    data = load("context")
    return PhraseMatcher(data["evidence"]), PhraseMatcher({"neg": data["negation"]})


def _value(words: Sequence[Word], hit: Hit, negations: list[Hit]) -> str | None:
    """ "yes", "no" (negated), or None (unknown, conditional, or a question); for a phrase
    that states absence, the other way round."""
    value = _plain_value(words, hit, negations)
    if value is None or not hit.label.endswith(ABSENT):
        return value
    return "no" if value == "yes" else "yes"


def _answer_word(words: Sequence[Word], neg: Hit) -> bool:
    """A bare "no" before a pronoun ("no she doesn't have a phone") answers the question
    asked; it does not deny what follows (the words after it say yes or no themselves)."""
    follower = words[neg.end].text if neg.end < len(words) else ""
    return words[neg.start].text == "no" and neg.end - neg.start == 1 and follower in _PRONOUNS


_PRONOUNS = frozenset({"she", "he", "they", "i", "we", "it", "you", "her", "him", "them"})


def _ident(hit: Hit) -> str:
    return hit.label.removesuffix(ABSENT).removesuffix(EXPLAINED)


def _most_specific(hits: list[Hit]) -> list[Hit]:
    """Hits not inside a longer hit of the same indicator ("bruises from football"
    says the bruises are explained: the longer phrase speaks) or of a more specific
    one (data/specific.yml: "no documents to show how they're related" is about the
    relationship, not the child's own papers). Two signs stated together both stand."""
    specific = load("specific")["specific"]

    def covers(outer: Hit, inner: Hit) -> bool:
        if not (outer.start <= inner.start and inner.end <= outer.end):
            return False
        if outer.end - outer.start <= inner.end - inner.start:
            return False
        a, b = _ident(outer), _ident(inner)
        return a == b or b in specific.get(a, ())

    return [h for h in hits if not any(covers(o, h) for o in hits)]


def _plain_value(words: Sequence[Word], hit: Hit, negations: list[Hit]) -> str | None:
    clause = words[hit.start].clause
    data = load("context")
    before = [w.text for w in words[: hit.start] if w.clause == clause]
    joined = " " + " ".join(before) + " "
    if any(f" {cue} " in joined for cue in (*data["hypothetical"], *data["hedge"])):
        return None
    sentence = words[hit.start].sentence
    if _doubted(words, sentence, data["doubt"]):
        return None
    last = max(i for i, w in enumerate(words) if w.sentence == sentence)
    if words[last].text == "?":
        return None
    for neg in negations:
        if neg.end <= hit.start and hit.start - neg.end <= NEGATION_WINDOW:
            if words[neg.start].clause != clause:
                continue
            between = [w.text for w in words[neg.end : hit.start]]
            if set(between) & set(data["unknown_after_negation"]):
                return None
            if between[:1] and between[0] in data["negation_not_before"]:
                continue  # "couldn't explain", "won't let go of": not a denial
            if "and" in between:
                continue  # "never speaks and looks to her": the negation ended
            return "no"
    return "yes"


_QUESTION_WORDS = frozenset({"what", "how", "who", "where", "which", "why", "when", "about"})


def _doubted(words: Sequence[Word], sentence: int, doubts: list[str]) -> bool:
    """A bare doubt in the sentence ("..., but I'm not sure"); "not sure what to do"
    is about something else."""
    tokens = [w.text for w in words if w.sentence == sentence]
    for doubt in doubts:
        cue = doubt.split()
        for i in range(len(tokens) - len(cue) + 1):
            if tokens[i : i + len(cue)] == cue:
                follower = tokens[i + len(cue)] if i + len(cue) < len(tokens) else ""
                if follower not in _QUESTION_WORDS:
                    return True
    return False


@lru_cache(maxsize=1)
def _explanation_matcher() -> PhraseMatcher:
    return PhraseMatcher(load("specific").get("explained_in_sentence", {}))


def _explained_sentences(words: Sequence[Word]) -> set[tuple[str, int]]:
    """(indicator, sentence) pairs where the sentence explains the sign
    (specific.yml `explained_in_sentence`: "..., a present for his birthday")."""
    return {(h.label, words[h.start].sentence) for h in _explanation_matcher().hits(words)}


def _how(words: Sequence[Word], hit: Hit, cues: list[Hit]) -> str | None:
    sentence = words[hit.start].sentence
    same = [c for c in cues if words[c.start].sentence == sentence]
    before = [c for c in same if c.end <= hit.start]
    if before:
        return before[-1].label
    after = [c for c in same if c.start >= hit.end]
    return after[0].label if after else None


def _first_hand(words: Sequence[Word]) -> set[int]:
    """Sentences in which the professional tells their own encounter with the child:
    one of context.yml `encounter` ("found", "stopped", "came in with", "I visited")
    is in the sentence or in the message's first two sentences, where a professional
    sets the scene ("Custody sergeant. Detained a 16yo ... No passport.")."""
    cues = set(load("context")["encounter"])
    return {w.sentence for w in words if w.text in cues}


def _seen_first_hand(words: Sequence[Word], hit: Hit, first_hand: set[int]) -> str | None:
    """No cue in the sentence: "observed" when it is told as the professional's own
    encounter (no one else named as the source in the sentence), else None."""
    return "observed" if words[hit.start].sentence in first_hand else None


def indicator_facts(text: str, words: Sequence[Word], kb: Knowledge) -> tuple[IndicatorFact, ...]:
    """One fact per indicator stated; a "yes" anywhere wins over a "no"."""
    table = phrase_table(kb)
    if not table or not words:
        return ()
    evidence, negation = _cue_matchers()
    cues = longest_first(evidence.hits(words))
    negations = [n for n in negation.hits(words) if not _answer_word(words, n)]
    facts: dict[str, IndicatorFact] = {}
    first_hand = _first_hand(words)
    explained = _explained_sentences(words)
    for hit in _most_specific(_indicator_matcher(table).hits(words)):
        if hit.label.endswith(EXPLAINED):
            continue  # explained away: nothing taken, the question is asked
        if (_ident(hit), words[hit.start].sentence) in explained:
            continue  # explained later in its sentence: the question is asked
        value = _value(words, hit, negations)
        if value is None:
            continue
        ident = _ident(hit)
        known = facts.get(ident)
        if known is not None and (known.value == "yes" or value == "no"):
            continue
        facts[ident] = IndicatorFact(
            id=ident,
            value=value,  # type: ignore[arg-type]
            how=_how(words, hit, cues) or _seen_first_hand(words, hit, first_hand),
            words=span_text(text, words, hit.start, hit.end),
        )
    order = {ident: n for n, (ident, _) in enumerate(table)}
    return tuple(sorted(facts.values(), key=lambda f: order[f.id]))
