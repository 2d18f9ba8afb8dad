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


DOCUMENT = {
    "kind": "referral",
    "title": "Draft referral to children's social care",
    "banner": "DRAFT - not sent.",
    "raised_label": "Concern raised",
    "raised_at": "3 December 2026, 07:13",
    "sections": [
        {"heading": "Urgency", "items": [{"style": "line", "text": "Going-missing risk: high"}]},
        {
            "heading": "Next steps",
            "items": [
                {"style": "task", "text": "Call the police on 999 now"},
                {"style": "bullet", "text": "Q - answer: yes", "note": "Notes: dŵr a thŷ"},
            ],
        },
        {
            "heading": "Contacts",
            "items": [
                {"style": "line", "text": "NSPCC Helpline: 0808 800 5000, https://www.nspcc.org.uk"}
            ],
        },
    ],
}


def test_the_pdf_is_a_document_with_bookmarks_language_links_and_header() -> None:
    from bot.export import Meta, PdfLink

    links = [
        PdfLink("0808 800 5000", "tel:08088005000"),
        PdfLink("999", "tel:999"),
        PdfLink("https://www.nspcc.org.uk", "https://www.nspcc.org.uk"),
    ]
    meta = Meta(case_ref="GHABCDEFGH", date="2026-12-03", guidance="2026-12-03 (abc123)")
    pdf = draft_pdf("plain text", document=DOCUMENT, meta=meta, links=links)
    reader = PdfReader(io.BytesIO(pdf))
    # Bookmarks: the title, then each section under it.
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[0] == DOCUMENT["title"]
    nested = [i.title for group in outline if isinstance(group, list) for i in group]
    assert nested == ["Urgency", "Next steps", "Contacts"]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    uris = [
        annot.get_object()["/A"]["/URI"]
        for annot in reader.pages[0].get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert sorted(uris) == ["https://www.nspcc.org.uk", "tel:08088005000", "tel:999"]
    text = reader.pages[0].extract_text()
    for shown in ("GHABCDEFGH", "2026-12-03", "2026-12-03 (abc123)", "DRAFT - not sent"):
        assert shown in text
    assert "dŵr a thŷ" in text and "plain text" not in text
    assert reader.metadata.title == DOCUMENT["title"]


def test_a_welsh_pdf_says_so_and_a_text_draft_still_links_its_contacts() -> None:
    from bot.export import Meta, PdfLink, segments

    pdf = draft_pdf(
        DRAFT + "Call 999.", meta=Meta(language="cy"), links=[PdfLink("999", "tel:999")]
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    assert [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]] == ["tel:999"]
    # Never part of a longer number or word.
    assert segments("call 9999 or x999", [PdfLink("999", "tel:999")]) == [
        ("call 9999 or x999", None)
    ]
    assert segments(
        "101 or 18001 101.", [PdfLink("101", "tel:101"), PdfLink("18001 101", "tel:18001101")]
    ) == [
        ("101", "tel:101"),
        (" or ", None),
        ("18001 101", "tel:18001101"),
        (".", None),
    ]
