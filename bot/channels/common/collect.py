"""What a turn said, kept whole for the channels that render replies themselves
(the web widget, Teams, SMS): each message with its text, its choices and its
kind ("question", "advice", "summary", "safety", ...).

Rasa's own CollectingOutputChannel splits a text at blank lines and drops the
metadata an action sent, so a summary would arrive in pieces with no kind.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel

from bot.replies import DATA_KEY, HEARD_KEY, KIND_KEY, PROGRESS_KEY, QUESTION_KEY, ROWS_KEY


class KindCollector(CollectingOutputChannel):
    @classmethod
    def name(cls) -> str:
        return "collector"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(_message(recipient_id, text, None, kwargs))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._persist_message(_message(recipient_id, text, buttons, kwargs))


class CustomCollector(CollectingOutputChannel):
    """Rasa's REST messages, unchanged, plus Rasa's standard ``custom`` field on
    each, so scripts and tests can read what a message is without parsing its
    words: ``{"kind": ...}`` ("question", "advice", "assessment", "summary", ...);
    on a question also ``"question": id``; on advice, an assessment, a draft and the
    signposts what they decided (``"actions"``, ``"going_missing"``, ``"concern"``,
    ``"steps"``, ``"contacts"``: bot/replies.py DATA_KEY); on "check your answers"
    ``"rows": [{"question": id, "value": answer id}]``; on a message that shows back
    what was heard, ``"role"``, ``"nation"``, ``"setting"``, ``"age"`` and
    ``"indicators": {id: value}`` (ids and values only, the ids the buttons use).
    Rasa splits a text at blank lines: every part carries the same ``custom``."""

    @classmethod
    def name(cls) -> str:
        return "rest_collector"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        before = len(self.messages)
        await super().send_text_message(recipient_id, text, **kwargs)
        self._add_custom(kwargs, before)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        before = len(self.messages)
        await super().send_text_with_buttons(recipient_id, text, buttons, **kwargs)
        self._add_custom(kwargs, before)

    def _add_custom(self, extra: dict[str, Any], first: int) -> None:
        kind = extra.get(KIND_KEY)
        if not isinstance(kind, str):
            return  # not one of the assistant's typed replies
        custom: dict[str, Any] = {"kind": kind}
        heard = extra.get(HEARD_KEY)
        question = extra.get(QUESTION_KEY)
        if isinstance(heard, dict):
            custom.update(heard)
        if isinstance(question, str):
            custom["question"] = question
        data = extra.get(DATA_KEY)
        if isinstance(data, dict):
            custom.update(data)  # what it decided: levels and guidance ids
        rows = extra.get(ROWS_KEY)
        if isinstance(rows, list):
            # Ids and values only: which question, and which answer.
            custom["rows"] = [{"question": r["question"], "value": r["value"]} for r in rows]
        for message in self.messages[first:]:
            message["custom"] = dict(custom)


def _message(
    recipient_id: str, text: str, buttons: list[dict[str, Any]] | None, extra: dict[str, Any]
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "recipient_id": recipient_id,
        "text": text,
        "kind": str(extra.get(KIND_KEY) or "text"),
    }
    if extra.get(PROGRESS_KEY):
        message["progress"] = str(extra[PROGRESS_KEY])
    rows = extra.get(ROWS_KEY)
    if isinstance(rows, list):
        message["rows"] = [{k: str(v) for k, v in r.items()} for r in rows if isinstance(r, dict)]
    if buttons:
        message["buttons"] = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in buttons
        ]
    return message


def kind_of(message: dict[str, Any]) -> str:
    """The kind of a collected message; the safety net's own message is "safety"."""
    custom = message.get("custom")
    if isinstance(custom, dict) and custom.get("kind"):
        return str(custom["kind"])
    return str(message.get("kind") or "text")
