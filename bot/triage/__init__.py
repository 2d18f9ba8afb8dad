"""The triage engine: pure functions of the guidance, the context and the answers.
No I/O, no Rasa. The actions call it; the tests prove its rules."""

from bot.triage.answers import Answer, Context
from bot.triage.assess import Assessment, assess
from bot.triage.questions import Question, next_question, remaining
from bot.triage.steps import NextStep, immediate_actions, next_steps

__all__ = [
    "Answer",
    "Assessment",
    "Context",
    "NextStep",
    "Question",
    "assess",
    "immediate_actions",
    "next_question",
    "next_steps",
    "remaining",
]
