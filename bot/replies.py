"""The one response structure every part of the assistant produces: text plus
choices. Channels render it their own way (buttons, cards, a numbered list)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KIND_KEY = "gh_kind"
PROGRESS_KEY = "gh_progress"


@dataclass(frozen=True)
class Choice:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    # What the message is ("question", "advice", "safety"), for tests and for
    # channels that style it.
    kind: str = "text"
    # The honest "N more questions" line, when the reply is a question; channels
    # that show progress apart from the message (the web widget) use it.
    progress: str = ""

    def as_rasa_message(self) -> dict[str, Any]:
        """Keyword arguments for rasa_sdk's ``dispatcher.utter_message``."""
        # ``gh_kind`` travels as message metadata: Rasa hands it to the output
        # channel, so the widget, Teams and SMS can render a summary or a question
        # their own way (bot/channels/collect.py).
        message: dict[str, Any] = {"text": self.text, KIND_KEY: self.kind}
        if self.progress:
            message[PROGRESS_KEY] = self.progress
        if self.choices:
            message["buttons"] = [{"title": c.title, "payload": c.payload} for c in self.choices]
        return message
