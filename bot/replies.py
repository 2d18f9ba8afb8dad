"""The one response structure every part of the assistant produces: text plus
choices. Channels render it their own way (buttons, cards, a numbered list)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KIND_KEY = "gh_kind"
PROGRESS_KEY = "gh_progress"
# A draft's structured form (bot/triage/summary.py Draft.as_document), beside its
# text, for channels that render documents. Never kept by the tracker store, which
# keeps only a bot message's kind, progress and decided ids (bot/rasa_adapter/tracker_store.py).
DOCUMENT_KEY = "gh_document"
# What was heard in the user's message (issue 18, "Listen"), as ids and values only:
# the REST channel returns it in each message's ``custom`` field. Never kept by
# the tracker store (not in its KEPT_BOT_METADATA).
HEARD_KEY = "gh_heard"
# The id of the question a reply asks (an indicator, a screen, "urgent", a context
# choice, ...): typed data for the REST channel's ``custom`` field and for scripts
# that answer by question. An id, never words.
QUESTION_KEY = "gh_question"
# "Check your answers" as rows (question, answer, the payload that changes it), for
# channels that show a summary list with a "Change" button per row. Never kept by
# the tracker store (not in its KEPT_BOT_METADATA).
ROWS_KEY = "gh_rows"
# What a reply decided, as guidance ids and levels only (never words): advice
# {"actions"}, assessment {"going_missing", "concern"}, summary {"going_missing",
# "concern", "steps"}, signposting {"contacts"}. Kept by the tracker store, so the
# training debrief reads what happened as data, never by parsing text.
DATA_KEY = "gh_data"


@dataclass(frozen=True)
class Noted:
    """One fact taken from the user's words: a context choice ("role", "nation",
    "setting" with the buttons' option id), the child's age, or an indicator."""

    key: str  # "role" | "nation" | "setting" | "age" | an indicator id
    value: str | int  # the option id, the age in years, or "yes" / "no"
    indicator: bool = False
    how: str | None = None  # how they know (bot/choices.py EVIDENCE), when stated


def heard_data(items: tuple[Noted, ...]) -> dict[str, Any]:
    """The facts as the REST channel's ``custom`` carries them: the context values
    under their own keys, the indicators as {id: value}."""
    data: dict[str, Any] = {}
    indicators = {n.key: n.value for n in items if n.indicator}
    for n in items:
        if not n.indicator:
            data[n.key] = n.value
    if indicators:
        data["indicators"] = indicators
    return data


@dataclass(frozen=True)
class Row:
    """One answer in "check your answers"."""

    question: str  # the question's id: a context key ("role") or an engine question
    label: str  # the question, in the conversation's language
    answer: str  # the answer, in words
    value: str  # the answer's id: an option id, an age, or yes / no / not_sure / skip
    change: str  # the button payload that asks this question again

    def as_data(self) -> dict[str, str]:
        return {
            "question": self.question,
            "label": self.label,
            "answer": self.answer,
            "value": self.value,
            "change": self.change,
        }


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
    # The structured form of a draft, when the text is one (Draft.as_document);
    # taken from the text itself when it carries it (summary.DraftText).
    document: dict[str, Any] | None = None
    # What was heard, when the reply shows it back (kind "heard").
    heard: tuple[Noted, ...] = ()
    # The open question's id, when the reply asks one.
    question: str | None = None
    # "Check your answers", as rows.
    rows: tuple[Row, ...] = ()
    # What the reply decided, as ids and levels (DATA_KEY).
    data: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.document is None and isinstance(getattr(self.text, "document", None), dict):
            object.__setattr__(self, "document", self.text.document)  # type: ignore[attr-defined]

    def as_rasa_message(self) -> dict[str, Any]:
        """Keyword arguments for rasa_sdk's ``dispatcher.utter_message``."""
        # ``gh_kind`` travels as message metadata: Rasa hands it to the output
        # channel, so the widget, Teams and SMS can render a summary or a question
        # their own way (bot/channels/common/collect.py).
        message: dict[str, Any] = {"text": str(self.text), KIND_KEY: self.kind}
        if self.progress:
            message[PROGRESS_KEY] = self.progress
        if self.document is not None:
            message[DOCUMENT_KEY] = self.document
        if self.heard:
            message[HEARD_KEY] = heard_data(self.heard)
        if self.question:
            message[QUESTION_KEY] = self.question
        if self.rows:
            message[ROWS_KEY] = [r.as_data() for r in self.rows]
        if self.data:
            message[DATA_KEY] = self.data
        if self.choices:
            message["buttons"] = [{"title": c.title, "payload": c.payload} for c in self.choices]
        return message
