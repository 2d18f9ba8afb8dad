"""Every sentence the user sees is in every catalogue, translated, with the same
placeholders. The messages are extracted afresh from the code and the guidance
YAML, so a new sentence without a translation fails here."""

from __future__ import annotations

import datetime as dt
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import conversation as talk
from bot.i18n import LANGUAGES, translations, use
from bot.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parents[2]
PYBABEL = Path(sys.executable).parent / "pybabel"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [str(PYBABEL), "-q", "extract", "-F", "babel.cfg", "-k", "N_", "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as f:
        return {_key(m.id) for m in read_po(f) if m.id}


def _key(msgid: str | tuple) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _catalog(language: str):
    with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def _names(text: str) -> list[str]:
    return sorted(n for _, n, _, _ in string.Formatter().parse(text) if n is not None)


def test_the_yaml_extractor_finds_the_guidance(extracted: set[str]) -> None:
    kb = load_knowledge(today=dt.date(2026, 12, 3))
    for ind in kb.indicators.values():
        assert ind.question in extracted and ind.why in extracted
    for action in kb.immediate_actions:
        assert action.text in extracted
    assert not any(s.title in extracted for s in kb.sources.values())  # cited as published


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(
    extracted: set[str], language: str
) -> None:
    catalog = _catalog(language)
    entries = {_key(m.id): m for m in catalog if m.id}
    missing = sorted(extracted - set(entries))
    assert not missing, f"{language}: {len(missing)} messages missing, e.g. {missing[:3]}"
    for msgid in extracted:
        m = entries[msgid]
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings) and not m.fuzzy, f"{language}: not translated: {msgid[:60]!r}"
        for s in strings:
            assert _names(s) == _names(ids[-1]), f"{language}: placeholders differ: {msgid[:60]!r}"


def test_welsh_is_used_when_chosen_and_the_draft_date_is_welsh() -> None:
    if translations("cy").gettext("Yes") == "Yes":
        pytest.fail("the Welsh catalogue is not compiled (set-up runs pybabel compile)")
    kb = load_knowledge(today=dt.date(2026, 12, 3))
    with use("cy"):
        turn = talk.opening(dt.datetime(2026, 11, 23, 9, 30), "cy")
        text = "\n".join(r.text for r in turn.replies)
    assert "Golden Hour" in text and "emergency service" not in text
    from bot.triage import Context, assess, next_steps
    from bot.triage.summary import referral_summary

    ctx = Context(
        role="teacher", nation="wales", concern_raised_at=dt.datetime(2026, 11, 23, 9, 30)
    )
    result = assess(kb, ctx, {})
    with use("cy"):
        draft = referral_summary(kb, ctx, {}, result, next_steps(kb, ctx, {}, result), locale="cy")
    assert "Tachwedd" in draft.raised_at  # November, formatted by Babel for Welsh
