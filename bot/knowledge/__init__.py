"""The reviewed guidance: indicators, actions, contacts, each with sources."""

from bot.knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge
from bot.knowledge.model import Contact, ImmediateAction, Knowledge, Source

__all__ = [
    "DATA_DIR",
    "Contact",
    "ImmediateAction",
    "Knowledge",
    "KnowledgeError",
    "Source",
    "load_knowledge",
]
