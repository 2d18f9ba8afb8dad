"""The parts Teams replies are built from (pure): Adaptive Cards (1.4, which Teams
renders), ``Action.Submit`` buttons with a Teams ``messageBack``, text and
verbatim blocks, plain-text messages, and the size Teams counts (UTF-16)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.4"
PAYLOAD_KEY = "payload"
ACTION_KEY = "gh_action"
SEND_DRAFT = "send_draft"
# Teams' limit is 40 KB of UTF-16; leave room for the envelope Teams adds.
MAX_ACTIVITY_UTF16_BYTES = 34_000
# Buttons share a row only while short: Teams cuts long titles in a row.
_ROW_BUTTONS = 3
_ROW_CHARS = 30
_OWN_ROW_CHARS = 20


def submit(title: str, data: dict[str, Any]) -> dict[str, Any]:
    """A button that sends ``data`` back in the activity's ``value``; Teams shows
    the title in the chat as the user's message."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {"msteams": {"type": "messageBack", "displayText": title, "text": title}, **data},
    }


def button_rows(actions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[list[dict[str, Any]]] = []
    for action in actions:
        title = action["title"]
        row = rows[-1] if rows else None
        fits = (
            row is not None
            and len(row) < _ROW_BUTTONS
            and len(title) <= _OWN_ROW_CHARS
            and all(len(a["title"]) <= _OWN_ROW_CHARS for a in row)
            and sum(len(a["title"]) for a in row) + len(title) <= _ROW_CHARS
        )
        if fits and row is not None:
            row.append(action)
        else:
            rows.append([action])
    return [{"type": "ActionSet", "actions": row} for row in rows]


def _text_blocks(text: str) -> list[dict[str, Any]]:
    """One TextBlock a line: Teams does not reliably keep single line breaks."""
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in text.splitlines():
        if not line.strip():
            gap = True
            continue
        block: dict[str, Any] = {"type": "TextBlock", "text": line, "wrap": True}
        if gap and blocks:
            block["spacing"] = "Medium"
        elif blocks:
            block["spacing"] = "Small"
        blocks.append(block)
        gap = False
    return blocks


def verbatim_blocks(lines: Sequence[str]) -> list[dict[str, Any]]:
    """Monospaced, no Markdown: the text as written, one block a line."""
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in lines:
        if not line.strip():
            gap = True
            continue
        blocks.append(line_block(line, gap and bool(blocks)))
        gap = False
    return blocks


def card(body: list[dict[str, Any]], *, full_width: bool = False) -> dict[str, Any]:
    """An attachment holding one Adaptive Card."""
    content: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": body,
    }
    if full_width:
        content["msteams"] = {"width": "Full"}
    return {"contentType": ADAPTIVE_CARD, "content": content}


def message(*, text: str | None = None, attachment: dict[str, Any] | None = None) -> dict:
    activity: dict[str, Any] = {"type": "message"}
    if text is not None:
        activity["text"] = text
        activity["textFormat"] = "plain"
    if attachment is not None:
        activity["attachments"] = [attachment]
    return activity


def utf16_size(activity: dict[str, Any]) -> int:
    return len(json.dumps(activity, ensure_ascii=False).encode("utf-16-le"))


def choices_card(text: str, buttons: Sequence[dict[str, str]]) -> dict[str, Any]:
    actions = [submit(b["title"], {PAYLOAD_KEY: b["payload"]}) for b in buttons]
    return card([*_text_blocks(text), *button_rows(actions)])


def line_block(line: str, gap: bool) -> dict[str, Any]:
    run = {"type": "TextRun", "text": line, "fontType": "Monospace"}
    return {"type": "RichTextBlock", "inlines": [run], "spacing": "Medium" if gap else "None"}
