"""A turn's replies as SMS text. Pure functions.

- The turn's messages are joined with blank lines. The question's choices become
  a numbered list ("Reply with a number: 1 Yes, 2 No, ..."), and a reply of "1"
  is mapped back to that question's payload (``choice_payload``) using the latest
  bot turn's buttons read from Rasa's tracker, once prompt.py has checked that
  this is the list the user was sent.
- Long text is split between paragraphs, else at line breaks, else at spaces
  (never inside a word, unless one word is longer than a whole part) into parts
  numbered "(1/4) ". A part is at most ``max_segments`` SMS segments: 153 GSM-7 characters
  each (the extension characters such as [ ] count twice), or 67 UCS-2 units each
  when the text needs characters GSM-7 does not have (Welsh ŵ and ŷ, for example).
  Ten segments keep every part under Twilio's 1,600-character limit and as few
  separate texts as possible, since separate texts can arrive out of order.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Sequence
from typing import Any

from bot.i18n import _

DEFAULT_MAX_SEGMENTS = 10

# GSM 03.38: the basic set (one septet) and the extension table (two septets).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?"
    + string.digits
    + "¡ÄÖÑÜ§¿äöñüà"
    + string.ascii_letters
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
# Typographic characters that would force the whole text into UCS-2 (67 characters
# a segment instead of 153) for no gain in meaning.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
    }
)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_NUMBER_REPLY = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")


def plain(text: str) -> str:
    return text.translate(_PLAIN)


def is_gsm(text: str) -> bool:
    return all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text)


def gsm_units(text: str) -> int:
    return sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)


def ucs2_units(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def segments(text: str) -> int:
    """How many SMS segments a text takes (and Twilio bills)."""
    if is_gsm(text):
        units, single, each = gsm_units(text), 160, 153
    else:
        units, single, each = ucs2_units(text), 70, 67
    return 1 if units <= single else -(-units // each)


def budget(text: str, max_segments: int) -> tuple[Callable[[str], int], int]:
    """How to count this text's length, and the most one SMS may hold."""
    if is_gsm(text):
        return gsm_units, 153 * max_segments
    return ucs2_units, 67 * max_segments


def split(text: str, max_segments: int = DEFAULT_MAX_SEGMENTS) -> list[str]:
    """The text as one SMS, or as parts numbered "(1/n) " that each fit."""
    text = plain(text).strip()
    cost, limit = budget(text, max_segments)
    if cost(text) <= limit:
        return [text] if text else []
    widest = 9
    while True:
        reserve = cost(f"({widest}/{widest}) ")
        chunks = _pack(text, limit - reserve, cost)
        if len(chunks) <= widest:
            break
        widest = 10 ** len(str(len(chunks))) - 1
    return [f"({i}/{len(chunks)}) {chunk}" for i, chunk in enumerate(chunks, start=1)]


def _pack(text: str, room: int, cost: Callable[[str], int]) -> list[str]:
    """Greedy, keeping a paragraph (a question with its choices, say) in one part
    when it fits in one; a longer paragraph line by line, an over-long line word
    by word."""
    parts: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current.strip():
            parts.append(current.strip())
        current = ""

    def fits(piece: str, separator: str) -> bool:
        return cost(f"{current}{separator}{piece}" if current else piece) <= room

    def add(piece: str, separator: str) -> None:
        nonlocal current
        current = f"{current}{separator}{piece}" if current else piece

    def place(piece: str, separator: str) -> None:
        if not fits(piece, separator):
            flush()
        add(piece, separator)

    for paragraph in _PARAGRAPHS.split(text):
        if fits(paragraph, "\n\n"):
            add(paragraph, "\n\n")
            continue
        if cost(paragraph) <= room:
            flush()
            add(paragraph, "")
            continue
        separator = "\n\n"
        for line in paragraph.split("\n"):
            if cost(line) <= room:
                place(line, separator)
            else:
                for word in line.split(" "):
                    while cost(word) > room:  # one word longer than a part: the last resort
                        flush()
                        head, word = _cut(word, room, cost)
                        parts.append(head)
                    place(word, separator)
                    separator = " "
            separator = "\n"
    flush()
    return parts


def _cut(word: str, room: int, cost: Callable[[str], int]) -> tuple[str, str]:
    end = 0
    while end < len(word) and cost(word[: end + 1]) <= room:
        end += 1
    end = max(end, 1)
    return word[:end], word[end:]


def numbered(buttons: Sequence[dict[str, Any]]) -> str:
    lines = [f"{n} {b.get('title', '')}" for n, b in enumerate(buttons, start=1)]
    return _("Reply with a number:") + "\n" + "\n".join(lines)


def render_turn(messages: Sequence[dict[str, Any]]) -> str:
    """One turn's messages (as bot/channels/common/collect.py keeps them) as SMS text.
    The last message with buttons gets the numbered list; an earlier one (the
    opening's language button) says what to type instead."""
    with_buttons = [i for i, m in enumerate(messages) if m.get("buttons")]
    last = with_buttons[-1] if with_buttons else None
    texts = []
    for i, message in enumerate(messages):
        text = str(message.get("text") or "").strip()
        buttons = message.get("buttons") or []
        if i == last:
            text = f"{text}\n{numbered(buttons)}".strip()
        elif buttons:
            words = ", ".join(f'"{b.get("title", "")}"' for b in buttons)
            text = f"{text}\n" + _("You can type: {choices}").format(choices=words)
        if text:
            texts.append(text)
    return "\n\n".join(texts)


def number_reply(text: str) -> int | None:
    """The number of a reply that is only a number ("3", " 3. "), else None."""
    match = _NUMBER_REPLY.match(text)
    return int(match.group(1)) if match else None


def choice_payload(text: str, choices: Sequence[dict[str, str]]) -> str | None:
    """The payload a numbered reply stands for, if the latest question offered
    that many choices; None otherwise (the number is then read as words)."""
    n = number_reply(text)
    if n is None or not choices:
        return None
    if 1 <= n <= len(choices):
        return choices[n - 1].get("payload") or None
    return None
