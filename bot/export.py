"""The draft summary as plain text and as a PDF, for the professional to copy into
their agency's own system. Never sent anywhere by the assistant.

    .venv/bin/python -m bot.export REF [--pdf FILE]

prints the latest draft of case REF from the store as text, or writes it as a PDF.
The PDF is written by fpdf2 with a Unicode font (DejaVu Sans, Debian's
fonts-dejavu-core, or GOLDEN_HOUR_PDF_FONT), so Welsh letters such as ŵ and ŷ come
out right; every page says DRAFT in its header and footer.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from fpdf import FPDF

from bot.i18n import _

DEFAULT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font() -> Path:
    path = Path(os.environ.get("GOLDEN_HOUR_PDF_FONT") or DEFAULT_FONT)
    if not path.is_file():
        raise FileNotFoundError(
            f"PDF font not found: {path} (install fonts-dejavu-core or set GOLDEN_HOUR_PDF_FONT)"
        )
    return path


class _DraftPdf(FPDF):
    banner = ""

    def header(self) -> None:
        self.set_font("body", size=9)
        self.cell(0, 6, self.banner, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("body", size=8)
        self.cell(0, 6, f"{self.banner} - {self.page_no()}/{{nb}}", align="C")


def draft_pdf(text: str, *, banner: str | None = None, title: str | None = None) -> bytes:
    """The draft as a PDF: the text as written, wrapped, with a DRAFT banner on
    every page (or another banner, such as TRAINING for a debrief)."""
    pdf = _DraftPdf(format="A4")
    pdf.banner = banner or _("DRAFT - not sent - check before use")
    pdf.set_title(title or _("Draft referral summary"))
    pdf.set_creator("Golden Hour")
    pdf.add_font("body", fname=str(_font()))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("body", size=10)
    for line in text.splitlines() or [""]:
        # One cell per line keeps blank lines; long lines wrap at the margin.
        pdf.multi_cell(0, 5, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("ref")
    parser.add_argument("--pdf", type=Path, help="write the draft to this PDF file")
    args = parser.parse_args(argv)

    from bot.store.cases import CaseStore
    from bot.store.db import engine

    drafts = CaseStore(engine()).drafts(args.ref)
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
