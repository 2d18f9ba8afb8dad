"""The draft summary as plain text and as a PDF, for the professional to copy into
their agency's own system. Never sent anywhere by the assistant.

    .venv/bin/python -m bot.export REF [--pdf FILE]

prints the latest draft of case REF from the store as text, or writes it as a PDF.
The PDF is written by fpdf2 with a Unicode font (DejaVu Sans, Debian's
fonts-dejavu-core, or GOLDEN_HOUR_PDF_FONT), so Welsh letters such as ŵ and ŷ come
out right; every page says DRAFT in its header and footer.

Given the draft's structured form (bot/triage/summary.py Draft.as_document), the
PDF is a document: the title and each section are real headings with bookmarks
(the PDF outline), lists are lists, every phone number, web and email address of
the sourced contacts is a working link, the document's language is set, and the
header names the case reference, the date and the guidance version.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF

from bot.config import read
from bot.i18n import _

DEFAULT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font() -> Path:
    path = Path(read("GOLDEN_HOUR_PDF_FONT") or DEFAULT_FONT)
    if not path.is_file():
        raise FileNotFoundError(
            f"PDF font not found: {path} (install fonts-dejavu-core or set GOLDEN_HOUR_PDF_FONT)"
        )
    return path


@dataclass(frozen=True)
class Meta:
    """What the header of every page names besides the banner."""

    case_ref: str | None = None
    date: str | None = None
    guidance: str | None = None
    language: str = "en_GB"


@dataclass(frozen=True)
class PdfLink:
    text: str
    href: str


def segments(line: str, links: Sequence[PdfLink]) -> list[tuple[str, str | None]]:
    """A line cut into (text, link or None) pieces wherever a known contact's exact
    number or address appears, not inside a longer word or number (pure)."""
    if not links:
        return [(line, None)]
    ordered = sorted(links, key=lambda link: -len(link.text))
    pattern = re.compile(
        r"(?<![\w+/.@-])(" + "|".join(re.escape(link.text) for link in ordered) + r")(?![\w/@-])"
    )
    hrefs = {link.text: link.href for link in ordered}
    out: list[tuple[str, str | None]] = []
    last = 0
    for match in pattern.finditer(line):
        if match.start() > last:
            out.append((line[last : match.start()], None))
        out.append((match.group(1), hrefs[match.group(1)]))
        last = match.end()
    if last < len(line):
        out.append((line[last:], None))
    return out or [(line, None)]


class _DraftPdf(FPDF):
    banner = ""
    meta_line = ""

    def header(self) -> None:
        self.set_font("body", size=9)
        self.cell(0, 6, self.banner, align="C", new_x="LMARGIN", new_y="NEXT")
        if self.meta_line:
            self.set_font("body", size=8)
            self.cell(0, 5, self.meta_line, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("body", size=8)
        self.cell(0, 6, f"{self.banner} - {self.page_no()}/{{nb}}", align="C")


def _meta_line(meta: Meta) -> str:
    parts = []
    if meta.case_ref:
        parts.append(_("Case reference: {ref}").format(ref=meta.case_ref))
    if meta.date:
        parts.append(_("Made: {date}").format(date=meta.date))
    if meta.guidance:
        parts.append(_("Guidance version: {v}").format(v=meta.guidance))
    return " · ".join(parts)


def _write_line(pdf: FPDF, line: str, links: Sequence[PdfLink], *, indent: float = 0) -> None:
    """One paragraph, wrapped (an indented one stays indented on every line), with
    its contacts as working links."""
    margin = pdf.l_margin
    pdf.set_left_margin(margin + indent)
    pdf.set_x(margin + indent)
    for piece, href in segments(line, links):
        if href:
            pdf.set_text_color(29, 79, 145)
            pdf.write(5, piece, link=href)
            pdf.set_text_color(0, 0, 0)
        else:
            pdf.write(5, piece)
    pdf.ln(6)
    pdf.set_left_margin(margin)


def _bold_font(regular: Path) -> Path | None:
    """DejaVu Sans Bold beside the regular font, when it is there."""
    bold = regular.with_name(regular.stem + "-Bold" + regular.suffix)
    return bold if bold.is_file() else None


def _heading(pdf: FPDF, text: str, level: int) -> None:
    pdf.start_section(text, level=level)
    family = "heading" if "heading" in pdf.fonts else "body"
    pdf.set_font(family, size=15 if level == 0 else 12)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=10)
    pdf.ln(1)


def _document(pdf: FPDF, document: dict[str, Any], links: Sequence[PdfLink]) -> None:
    _heading(pdf, str(document.get("title") or ""), 0)
    if document.get("banner"):
        _write_line(pdf, str(document["banner"]), links)
    if document.get("raised_at"):
        _write_line(pdf, f"{document.get('raised_label', '')}: {document['raised_at']}", links)
    for section in document.get("sections") or []:
        pdf.ln(2)
        _heading(pdf, str(section.get("heading") or ""), 1)
        for item in section.get("items") or []:
            style = item.get("style")
            mark = {"task": "☐ ", "bullet": "• "}.get(style, "")
            _write_line(pdf, mark + str(item.get("text") or ""), links, indent=4 if mark else 0)
            if item.get("note"):
                _write_line(pdf, str(item["note"]), links, indent=8)


def draft_pdf(
    text: str,
    *,
    banner: str | None = None,
    title: str | None = None,
    document: dict[str, Any] | None = None,
    meta: Meta | None = None,
    links: Sequence[PdfLink] = (),
) -> bytes:
    """The draft as a PDF with a DRAFT banner on every page (or another banner,
    such as TRAINING for a debrief): from its structured form when given (headings,
    bookmarks, lists, links), otherwise the text as written, wrapped."""
    meta = meta or Meta()
    pdf = _DraftPdf(format="A4")
    pdf.banner = banner or _("DRAFT - not sent - check before use")
    pdf.meta_line = _meta_line(meta)
    pdf.set_title(title or (document or {}).get("title") or _("Draft referral summary"))
    pdf.set_lang("cy" if meta.language == "cy" else "en-GB")
    pdf.set_creator("Golden Hour")
    font = _font()
    pdf.add_font("body", fname=str(font))
    bold = _bold_font(font)
    if bold is not None:
        pdf.add_font("heading", fname=str(bold))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("body", size=10)
    if document:
        _document(pdf, document, links)
    else:
        for line in text.splitlines() or [""]:
            # One paragraph per line keeps blank lines; long lines wrap at the margin.
            if line:
                _write_line(pdf, line, links)
            else:
                pdf.ln(5)
    return bytes(pdf.output())


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("ref")
    parser.add_argument("--pdf", type=Path, help="write the draft to this PDF file")
    args = parser.parse_args(argv)

    from bot.composition import stores

    drafts = stores().cases.drafts(args.ref)
    if not drafts:
        print(f"no draft for case {args.ref}", file=sys.stderr)
        return 1
    if args.pdf is None:
        print(drafts[-1])
    else:
        args.pdf.write_bytes(draft_pdf(drafts[-1]))
        print(args.pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
