"""Typing slips mended before the classifier reads a message.

Professionals type on phones, between patients: "urgnet", "unsre", "the taxi is
at the staion". A word the model never saw in training is invisible to the word
features and reads as noise to the sentence encoder. ``SpellingNormaliser``
replaces such a word with the training word one keystroke away from it (a
letter missing, doubled, swapped with its neighbour, or mistyped), so the
classifier reads what was meant.

It is deliberately narrow, so that it never turns one real word into another:
- a word is only ever replaced by a word from the training examples;
- words of fewer than 4 letters, words with digits or non-English letters,
  capitalised words after the first (names, places), words in upper case
  (initials, acronyms, resume codes) and every real word are left alone. A word
  is real when it is in the training examples, in pyspellchecker's English word
  list (or is an American spelling of one: "colour", "centre"), becomes a word
  there with an apostrophe ("wasnt", "theyre"), or is Welsh: in the project's
  Welsh catalogue or answer-word list;
- only the first ``MAX_WORDS`` words are looked at, so an oversized message
  costs no more than a normal one.

Only the features change: the message text, the entities and the words kept in
notes and summaries stay exactly as typed.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.answer_lexicon import lexicon

ROOT = Path(__file__).resolve().parents[2]
WELSH_CATALOGUE = ROOT / "locales" / "cy" / "LC_MESSAGES" / "messages.po"
# The message text with slips mended, for featurizers that read whole text (the
# sentence encoder); kept off the parse output.
CORRECTED_TEXT = "golden_hour_corrected_text"
MIN_LETTERS = 4
MAX_WORDS = 200
LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ENGLISH_WORD = re.compile(r"[a-z]+")
_ANY_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
# American spellings of British endings, so "colour" counts as a real word when
# only "color" is listed.
_AMERICAN = (("our", "or"), ("tre", "ter"), ("ise", "ize"), ("isa", "iza"), ("ae", "e"))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """pyspellchecker's English word list (lower case)."""
    import spellchecker

    path = Path(spellchecker.__file__).with_name("resources") / "en.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(json.load(handle))


def welsh_words(catalogue: Path = WELSH_CATALOGUE) -> set[str]:
    """Every word of the Welsh translations (msgstr only) and of the answer-word list."""
    from babel.messages.pofile import read_po

    words = {w for phrase in lexicon() for w in _ANY_WORD.findall(phrase)}
    with catalogue.open("rb") as handle:
        for message in read_po(handle, locale="cy"):
            # A plural message's translation is a tuple of forms.
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            for form in forms:
                # Placeholders ("{question}") are English names, not Welsh words.
                words.update(_ANY_WORD.findall(_PLACEHOLDER.sub(" ", form or "").lower()))
    return words


def one_slip_away(word: str) -> list[tuple[int, str]]:
    """Every string one slip from ``word``, ranked by how common the slip is.

    0: two neighbouring letters swapped; 1: a letter missed out; 2: a letter
    typed twice or extra; 3: a wrong letter.
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swapped = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1 and b[0] != b[1]]
    missed = [a + c + b for a, b in splits for c in LETTERS]
    extra = [a + b[1:] for a, b in splits if b]
    wrong = [a + c + b[1:] for a, b in splits if b for c in LETTERS if c != b[0]]
    return [
        (rank, candidate)
        for rank, group in enumerate((swapped, missed, extra, wrong))
        for candidate in group
    ]


def is_real_word(word: str, vocabulary: Counter[str] | dict[str, int], welsh: set[str]) -> bool:
    """True for a word that must never be 'corrected' (see the module note)."""
    english = english_words()
    if word in vocabulary or word in welsh or word in english:
        return True
    if any(old in word and word.replace(old, new) in english for old, new in _AMERICAN):
        return True
    return any(word[:i] + "'" + word[i:] in english for i in range(1, len(word)))


def correct_word(
    word: str, vocabulary: Counter[str] | dict[str, int], welsh: set[str], first: bool = False
) -> str:
    """The training word ``word`` was meant to be, or ``word`` unchanged.

    ``first``: the message's first word, whose capital says nothing.
    """
    if (
        len(word) < MIN_LETTERS
        or not _ENGLISH_WORD.fullmatch(word.lower())
        or word.isupper()
        or (word[0].isupper() and not first)
    ):
        return word
    lower = word.lower()
    if is_real_word(lower, vocabulary, welsh):
        return word
    candidates = [(rank, c) for rank, c in one_slip_away(lower) if c in vocabulary]
    if not candidates:
        return word
    # The commonest kind of slip first, then the word seen most in training.
    return min(candidates, key=lambda rc: (rc[0], -vocabulary[rc[1]], rc[1]))[1]


def correct_tokens(
    text: str, tokens: list[Token], vocabulary: Counter[str] | dict[str, int], welsh: set[str]
) -> str | None:
    """Mend the tokens in place; the text with the same mends, or None if none."""
    # A message typed all in capitals ("URGNET SHE IS LEAVING") is read as if in
    # lower case: there, capitals mark neither names nor acronyms.
    shouting = text.isupper()
    pieces: list[str] = []
    cursor = 0
    for index, token in enumerate(tokens[:MAX_WORDS]):
        typed = token.text.lower() if shouting else token.text
        fixed = correct_word(typed, vocabulary, welsh, first=index == 0)
        if fixed == typed:
            continue
        if shouting:
            fixed = fixed.upper()
        elif token.text[0].isupper():  # a capital at the start stays: it is a feature
            fixed = fixed[0].upper() + fixed[1:]
        token.text = token.lemma = fixed
        pieces += [text[cursor : token.start], fixed]
        cursor = token.end
    if not pieces:
        return None
    return "".join([*pieces, text[cursor:]])


def training_vocabulary(messages: Iterable[Message]) -> Counter[str]:
    """How often each (lower-cased) word occurs in the training texts."""
    counts: Counter[str] = Counter()
    for message in messages:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            counts[token.text.lower()] += 1
    return counts


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SpellingNormaliser(GraphComponent):
    """Mends one-keystroke slips in unseen words; sits after the tokenizer."""

    FILE = "spelling.json"

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: dict[str, int] | None = None,
        welsh: set[str] | None = None,
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = Counter(vocabulary or {})
        self._welsh = welsh or set()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpellingNormaliser:
        english_words()  # a missing word list fails at training, not on a message
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self._vocabulary = training_vocabulary(training_data.training_examples)
        self._welsh = welsh_words()
        with self._model_storage.write_to(self._resource) as folder:
            (folder / self.FILE).write_text(
                json.dumps({"vocabulary": self._vocabulary, "welsh": sorted(self._welsh)}),
                encoding="utf-8",
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SpellingNormaliser:
        english_words()
        with model_storage.read_from(resource) as folder:
            saved = json.loads((folder / cls.FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, saved["vocabulary"], set(saved["welsh"]))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            tokens = message.get(TOKENS_NAMES[TEXT])
            if not text or not tokens:
                continue
            corrected = correct_tokens(text, tokens, self._vocabulary, self._welsh)
            if corrected is not None:
                message.set(CORRECTED_TEXT, corrected)
        return messages
