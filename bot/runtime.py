"""Process-wide, lazily built objects (loaded once, never at import time)."""

from __future__ import annotations

from functools import lru_cache

from bot.config import settings
from bot.knowledge import Knowledge, load_knowledge
from bot.knowledge.local import apply_local_contacts


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    """The guidance, checked strictly; raises KnowledgeError if it is broken."""
    cfg = settings()
    loaded = load_knowledge(strict_review=cfg.strict_review)
    if cfg.local_contacts:
        loaded = apply_local_contacts(loaded, cfg.local_contacts)
    return loaded
