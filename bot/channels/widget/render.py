"""A turn's messages as the widget's page receives them (``bot_uttered``)."""

from __future__ import annotations

from typing import Any

from bot.channels.common.collect import kind_of


def for_browser(message: dict[str, Any], language: str) -> dict[str, Any]:
    """Only the fields the widget uses, as plain strings (it never renders HTML)."""
    out: dict[str, Any] = {
        "text": str(message.get("text") or ""),
        "kind": kind_of(message),
        "language": language,
    }
    if message.get("buttons"):
        out["buttons"] = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in message["buttons"]
        ]
    if message.get("progress"):
        out["progress"] = str(message["progress"])
    if isinstance(message.get("document"), dict):
        out["document"] = message["document"]
    if isinstance(message.get("rows"), list):
        out["rows"] = [
            {k: str(row.get(k, "")) for k in ("label", "answer", "change")}
            for row in message["rows"]
            if isinstance(row, dict)
        ]
    return out
