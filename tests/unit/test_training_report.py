"""The trainer's view as a page and as a command: values escaped, group codes checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.knowledge import Knowledge, load_knowledge
from bot.training import report


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


def view(**session: object) -> dict:
    row = {
        "pseudonym": "p-1",
        "group_code": "cohort1",
        "scenario": "county-lines-found-out-of-area",
        "started": dt.datetime(2026, 11, 20, 10, 0),
        "turns": 40,
        "score": 85,
    }
    row.update(session)
    return {"group": None, "sessions": [row], "most_missed": [("travel_tickets", 2)]}


def test_the_page_escapes_every_value_and_names_its_columns(kb: Knowledge) -> None:
    page = report.report_html(view(pseudonym="<script>alert(1)</script>"), kb)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    for heading in ("Learner", "Group", "Scenario", "Started", "Turns", "Score out of 100"):
        assert f"<th scope='col'>{heading}</th>" in page
    assert "2 &times; " in page  # the most-missed list


def test_the_page_says_when_the_group_code_was_not_one(kb: Knowledge) -> None:
    page = report.report_html(view(score=None), kb, notice="That is not a group code")
    assert "<p>That is not a group code</p>" in page
    assert "not finished" in page


def test_the_command_refuses_a_group_code_that_cannot_be_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_DATABASE_URL", f"sqlite:///{tmp_path / 'gh.db'}")
    assert report.main(["--group", "not a code"]) == 2
    assert "group code" in capsys.readouterr().err
    assert report.main(["--group", "COHORT7", "--json"]) == 0
    assert '"group": "cohort7"' in capsys.readouterr().out
