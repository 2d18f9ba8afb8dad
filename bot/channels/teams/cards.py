"""How replies look in Teams (pure functions; call them inside ``use(language)``).

- A reply with choices: an Adaptive Card (1.4, which Teams renders) whose buttons
  are ``Action.Submit`` with a Teams ``messageBack``: the title shows in the chat as
  if typed, and the payload comes back in the activity's ``value``.
- The draft summary: a card marked DRAFT with the text in monospaced
  ``RichTextBlock`` runs. Runs take no Markdown, so the text is shown, and copied,
  exactly as written (a note that looks like a link stays plain text).
- Anything else: a plain-text message (``textFormat: plain``).

Teams refuses messages over 40 KB (counted as UTF-16), so a long draft is split
over several cards ("part 1 of 2").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.channels.common.collect import kind_of
from bot.i18n import _

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


def _rows(actions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
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


def _verbatim_blocks(lines: Sequence[str]) -> list[dict[str, Any]]:
    """Monospaced, no Markdown: the text as written, one block a line."""
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in lines:
        if not line.strip():
            gap = True
            continue
        blocks.append(_line_block(line, gap and bool(blocks)))
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
    return card([*_text_blocks(text), *_rows(actions)])


def _line_block(line: str, gap: bool) -> dict[str, Any]:
    run = {"type": "TextRun", "text": line, "fontType": "Monospace"}
    return {"type": "RichTextBlock", "inlines": [run], "spacing": "Medium" if gap else "None"}


def _draft_parts(
    draft: str, heading: list[dict[str, Any]], tail: list[dict[str, Any]]
) -> list[list[str]]:
    """The draft's lines, split so that each card stays under Teams' limit."""
    reserve = {"type": "TextBlock", "text": "Part 000 of 000", "isSubtle": True, "spacing": "Small"}
    box = {"type": "Container", "style": "emphasis", "items": []}
    empty = card([*heading, reserve, box, *tail], full_width=True)
    budget = MAX_ACTIVITY_UTF16_BYTES - utf16_size(message(attachment=empty))
    parts: list[list[str]] = [[]]
    used = 0
    for line in draft.splitlines():
        cost = utf16_size(_line_block(line, True)) + 4  # and the ", " between blocks
        if parts[-1] and used + cost > budget:
            parts.append([])
            used = 0
        parts[-1].append(line)
        used += cost
    return parts


def _draft_cards(
    draft: str, heading: list[dict[str, Any]], tail: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    parts = _draft_parts(draft, heading, tail)
    cards = []
    for number, lines in enumerate(parts, start=1):
        top = list(heading)
        if len(parts) > 1:
            top.append(
                {
                    "type": "TextBlock",
                    "text": _("Part {n} of {total}").format(n=number, total=len(parts)),
                    "isSubtle": True,
                    "spacing": "Small",
                }
            )
        box = {"type": "Container", "style": "emphasis", "items": _verbatim_blocks(lines)}
        body = [*top, box, *(tail if number == len(parts) else [])]
        cards.append(card(body, full_width=True))
    return cards


def summary_cards(draft: str, *, send_to: str | None = None) -> list[dict[str, Any]]:
    """The draft for the professional, marked DRAFT; with a send button when a
    safeguarding lead is configured."""
    heading = [
        {
            "type": "TextBlock",
            "text": _("DRAFT summary: not sent anywhere"),
            "weight": "Bolder",
            "size": "Medium",
            "color": "Attention",
            "wrap": True,
        },
        {
            "type": "TextBlock",
            "text": _("Copy the text below into your agency's own system."),
            "wrap": True,
            "isSubtle": True,
            "spacing": "Small",
        },
    ]
    tail: list[dict[str, Any]] = []
    if send_to:
        title = _("Send this draft to {name}").format(name=send_to)
        tail = _rows([submit(title, {ACTION_KEY: SEND_DRAFT})])
    return _draft_cards(draft, heading, tail)


def debrief_cards(debrief: str) -> list[dict[str, Any]]:
    """A practice's debrief, in the same copy-friendly block as a draft."""
    heading = [
        {
            "type": "TextBlock",
            "text": _("TRAINING debrief: a fictional scenario"),
            "weight": "Bolder",
            "size": "Medium",
            "color": "Accent",
            "wrap": True,
        },
        {
            "type": "TextBlock",
            "text": _("Copy the text below to keep it."),
            "wrap": True,
            "isSubtle": True,
            "spacing": "Small",
        },
    ]
    return _draft_cards(debrief, heading, [])


def handoff_cards(draft: str, *, on_behalf_of: str | None) -> list[dict[str, Any]]:
    """The draft as the safeguarding lead receives it: clearly a DRAFT, clearly
    from Golden Hour on behalf of the professional who pressed send."""
    if on_behalf_of:
        who = _("Sent by Golden Hour on behalf of {name}, who asked for it to be sent.")
        who = who.format(name=on_behalf_of)
    else:
        who = _("Sent by Golden Hour on behalf of a professional who asked for it to be sent.")
    heading = [
        {
            "type": "TextBlock",
            "text": _("DRAFT referral summary from Golden Hour"),
            "weight": "Bolder",
            "size": "Medium",
            "color": "Attention",
            "wrap": True,
        },
        {"type": "TextBlock", "text": who, "wrap": True, "spacing": "Small"},
        {
            "type": "TextBlock",
            "text": _(
                "It is a draft written from their answers: talk to them before you act on it. "
                "Golden Hour does not pass replies back."
            ),
            "wrap": True,
            "isSubtle": True,
            "spacing": "Small",
        },
    ]
    return _draft_cards(draft, heading, [])


def render(reply: dict[str, Any], *, send_to: str | None = None) -> list[dict[str, Any]]:
    """The Teams activities (without addressing) for one collected reply."""
    text = str(reply.get("text") or "")
    if kind_of(reply) == "summary" and text:
        return [message(attachment=c) for c in summary_cards(text, send_to=send_to)]
    if kind_of(reply) == "debrief" and text:
        return [message(attachment=c) for c in debrief_cards(text)]
    buttons = [b for b in reply.get("buttons") or () if b.get("title") and b.get("payload")]
    if buttons:
        return [message(attachment=choices_card(text, buttons))]
    return [message(text=text)] if text else []


def read_submit(value: Any) -> tuple[str | None, str | None]:
    """(channel action, payload) from a card press's ``value``; None where absent."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None, None
    if not isinstance(value, dict):
        return None, None
    action, payload = value.get(ACTION_KEY), value.get(PAYLOAD_KEY)
    return (
        action if isinstance(action, str) else None,
        payload if isinstance(payload, str) else None,
    )
