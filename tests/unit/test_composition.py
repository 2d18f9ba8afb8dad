"""The composition root (bot/composition.py): the stores are built there, once
per database, and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.composition import stores

ROOT = Path(__file__).resolve().parents[2]
BUILDS_A_STORE = re.compile(
    r"\b(CaseStore|ResumeStore|TrainingStore|ModeStore|OptOutStore|SmsSeenStore)\("
)


def test_the_stores_are_built_once_per_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_DATABASE_URL", f"sqlite:///{tmp_path / 'one.db'}")
    first = stores()
    assert stores() is first
    assert first.cases.engine is first.resume.engine is first.sms_seen.engine
    assert str(first.cases.engine.url).endswith("one.db")

    monkeypatch.setenv("GOLDEN_HOUR_DATABASE_URL", f"sqlite:///{tmp_path / 'two.db'}")
    second = stores()
    assert second is not first and str(second.training.engine.url).endswith("two.db")


def test_no_action_channel_or_command_builds_its_own_store() -> None:
    places = [
        p
        for d in ("bot", "actions")
        for p in (ROOT / d).rglob("*.py")
        if "store" not in p.relative_to(ROOT).parts[:2] and p.name != "composition.py"
    ]
    building = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in places
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if BUILDS_A_STORE.search(line)
    ]
    assert building == [], "ask bot.composition.stores() instead"
