"""The composition root: what a process builds once and its parts share. The
settings (``bot.config.settings``) and the guidance (``bot.runtime.knowledge``) are
read once; the stores are built here, once per database, and nothing else builds
one.

Rasa builds the channels itself (from credentials.yml) and rasa-sdk builds the
actions (from its registry), so neither can be handed these in a constructor:
both ask here. The database comes from the settings when asked, not at import,
so a test that points ``GOLDEN_HOUR_DATABASE_URL`` elsewhere gets stores on that
database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.engine import Engine

from bot.store import db
from bot.store.cases import CaseStore
from bot.store.modes import ModeStore
from bot.store.opt_outs import OptOutStore, SmsSeenStore
from bot.store.resume import ResumeStore
from bot.store.training import TrainingStore


@dataclass(frozen=True)
class Stores:
    """Every store, on one database."""

    cases: CaseStore
    resume: ResumeStore
    training: TrainingStore
    modes: ModeStore
    opt_outs: OptOutStore
    sms_seen: SmsSeenStore


@lru_cache(maxsize=8)
def _stores_on(engine: Engine) -> Stores:
    return Stores(
        cases=CaseStore(engine),
        resume=ResumeStore(engine),
        training=TrainingStore(engine),
        modes=ModeStore(engine),
        opt_outs=OptOutStore(engine),
        sms_seen=SmsSeenStore(engine),
    )


def stores() -> Stores:
    """The stores on the configured database (its engine is made and migrated once)."""
    return _stores_on(db.engine())
