"""The draft as a PDF, read back with pypdf; and the export command."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.export import draft_pdf, main
from bot.store.cases import CaseStore, Snapshot
from bot.store.db import engine

DRAFT = (
    "DRAFT referral summary\n"
    "\n"
    "Indicators answered yes:\n"
    "- Has the child gone missing before? Yes (the child told me)\n"
    "Note: [name] collects her from school in a white van.\n"
    "Cymraeg: Mae'r plentyn yn dweud bod dŵr a thŷ yn brin.\n"
)


def read_back(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_the_pdf_holds_the_draft_and_says_draft() -> None:
    pdf = draft_pdf(DRAFT)
    assert pdf.startswith(b"%PDF-")
    text, pages = read_back(pdf)
    assert pages == 1
    assert "DRAFT - not sent - check before use" in text
    assert "collects her from school in a white van" in text
    assert "dŵr a thŷ" in text  # Welsh letters survive (a Unicode font)


def test_a_long_draft_runs_over_pages_each_marked_draft() -> None:
    long = "\n".join(f"Line {n}: an observation written out at some length." for n in range(200))
    reader = PdfReader(io.BytesIO(draft_pdf(long)))
    assert len(reader.pages) > 2
    for page in reader.pages:
        assert "DRAFT - not sent" in page.extract_text()
    assert "Line 199:" in reader.pages[-1].extract_text()


def test_a_missing_font_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_PDF_FONT", "/nonexistent/font.ttf")
    with pytest.raises(FileNotFoundError, match="fonts-dejavu-core"):
        draft_pdf(DRAFT)


def test_the_export_command_writes_the_latest_draft(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data_key: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("GOLDEN_HOUR_DATABASE_URL", url)
    store = CaseStore(engine(url))
    now = dt.datetime(2026, 11, 23, 9, 30)
    for draft in ("first version", DRAFT):
        snap = Snapshot(
            "GHABCDEFGH", "rest", "en_GB", None, None, None, "low", "few", "done", {}, draft
        )
        store.save(snap, who="p", action="a", now=now)
    assert main(["GHABCDEFGH"]) == 0
    assert "white van" in capsys.readouterr().out
    out = tmp_path / "draft.pdf"
    assert main(["GHABCDEFGH", "--pdf", str(out)]) == 0
    assert "white van" in read_back(out.read_bytes())[0]
    assert main(["GHNOSUCHCA"]) == 1
