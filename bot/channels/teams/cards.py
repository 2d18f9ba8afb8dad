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
from typing import Any

from bot.channels.common.collect import kind_of
from bot.channels.teams.card_parts import (
    ACTION_KEY,
    MAX_ACTIVITY_UTF16_BYTES,
    PAYLOAD_KEY,
    SEND_DRAFT,
    button_rows,
    card,
    choices_card,
    line_block,
    message,
    submit,
    utf16_size,
    verbatim_blocks,
)
from bot.i18n import _


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
        cost = utf16_size(line_block(line, True)) + 4  # and the ", " between blocks
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
        box = {"type": "Container", "style": "emphasis", "items": verbatim_blocks(lines)}
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
        tail = button_rows([submit(title, {ACTION_KEY: SEND_DRAFT})])
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
