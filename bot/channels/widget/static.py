"""The widget's own files, read once at start: the full page (and the training
page, the same widget started in training mode), its script and styles, the
socket.io client and GOV.UK Frontend's stylesheet for the service's pages."""

from __future__ import annotations

import html
import logging
from pathlib import Path

from bot.channels.widget.pages import footer_html, govuk_css

log = logging.getLogger("golden_hour.channels.widget")

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "web"
# name -> (file, content type); read once at start
STATIC = {
    "widget.js": (WEB / "src" / "widget.js", "text/javascript; charset=utf-8"),
    "widget.css": (WEB / "src" / "widget.css", "text/css; charset=utf-8"),
    "socket.io.min.js": (
        WEB / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
        "text/javascript; charset=utf-8",
    ),
}
PAGE = WEB / "src" / "index.html"
# The full page only loads its own files and talks to its own server.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' blob: data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
NOT_BUILT = "The widget is not built: run the set-up."


def static_files() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, content type) for the files present; a missing one is logged."""
    files = {
        name: (path.read_bytes(), ctype) for name, (path, ctype) in STATIC.items() if path.is_file()
    }
    # GOV.UK Frontend for the service's pages, with the system's fonts.
    govuk = govuk_css()
    if govuk is not None:
        files["govuk-frontend.min.css"] = (govuk, "text/css; charset=utf-8")
    missing = sorted(set(STATIC) - set(files))
    if missing:
        log.error("widget files missing; run the set-up", extra={"missing": missing})
    return files


def full_page(texts: dict[str, str], *, training: bool = False) -> bytes:
    """The full page, with the sourced emergency line for browsers without scripts;
    the training page is the same widget started in training mode."""
    if not PAGE.is_file():
        return b""
    notice = html.escape(f"{texts['needs_script']} {texts['emergency']}")
    page = PAGE.read_text(encoding="utf-8").replace("{{noscript}}", notice)
    page = page.replace("{{footer}}", footer_html())
    if training:
        page = page.replace('data-mode="page"', 'data-mode="page" data-training="1"')
    return page.encode("utf-8")
