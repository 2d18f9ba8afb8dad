"""The pages a public service must have, served beside the web widget and linked
from its footer: who runs this deployment, the privacy notice, the accessibility
statement (after the GOV.UK model) and how to give feedback.

The pages use GOV.UK Frontend (the npm package govuk-frontend, MIT, served from
this server: never a CDN) for the service name bar, the phase banner, the warning
line, typography and the footer, with the system font stack: GOV.UK's Transport
typeface is for gov.uk services only, so its @font-face rules are taken out of the
served CSS (``system_font_css``) and nothing fetches a font.

Every sentence goes through gettext; the facts come from the configuration
(bot/config.py: operator, contact, feedback address; the retention and resume
periods) and from what the code does (nothing is sent anywhere, typed words are
redacted and Rasa keeps none, notes and drafts are encrypted at rest). Pages are
built from typed blocks and every text is escaped.

    /webhooks/widget/about | privacy | accessibility | feedback   (?lang=cy for Welsh)
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path

from bot.channels.widget.page_statement import accessibility, feedback
from bot.channels.widget.page_texts import Block, Link, about, privacy
from bot.config import Settings
from bot.i18n import LANGUAGES, _, use

ROOT = Path(__file__).resolve().parents[3]
BASE = "/webhooks/widget"
PAGES = ("about", "privacy", "accessibility", "feedback")
GOVUK_CSS = ROOT / "web/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css"
SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'


def page_language(asked: str | None) -> str:
    return asked if asked in LANGUAGES else "en_GB"


def footer_links() -> list[Link]:
    """The footer's links, in the current language."""
    return [
        Link(_("Who runs this service"), f"{BASE}/about"),
        Link(_("Privacy"), f"{BASE}/privacy"),
        Link(_("Accessibility"), f"{BASE}/accessibility"),
        Link(_("Feedback"), f"{BASE}/feedback"),
    ]


def footer_html(language: str = "en_GB") -> str:
    """The widget page's footer, reachable by keyboard: its links in a row, or, on a
    small window or with large text, behind one "About this service" button so the
    conversation keeps the height (the stylesheet shows one or the other)."""
    suffix = "?lang=cy" if language == "cy" else ""
    with use(language):
        label = html.escape(_("About this service"))
        items = "".join(
            f'<li><a href="{html.escape(link.href + suffix)}" data-gh-page="{page}">'
            f"{html.escape(link.text)}</a></li>"
            for page, link in zip(PAGES, footer_links(), strict=True)
        )
    return (
        f'<footer class="gh-page-footer"><nav aria-label="{label}">'
        f'<ul class="gh-footer-wide">{items}</ul>'
        f'<details class="gh-footer-narrow"><summary data-gh-text="footer_label">{label}</summary>'
        f"<ul>{items}</ul></details></nav></footer>"
    )


def system_font_css(css: str) -> str:
    """GOV.UK Frontend's CSS without the GDS Transport typeface: its @font-face rules
    removed and its font stacks replaced by the system's (pure)."""
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    return re.sub(
        r"font-family:\s*\"?GDS Transport\"?(,[^;}]*)?", "font-family:" + SYSTEM_FONTS, css
    )


def govuk_css() -> bytes | None:
    """The served GOV.UK Frontend stylesheet, or None before the set-up has run npm."""
    if not GOVUK_CSS.is_file():
        return None
    return system_font_css(GOVUK_CSS.read_text(encoding="utf-8")).encode("utf-8")


_CLASSES = {"h2": "govuk-heading-m", "p": "govuk-body", "ul": "govuk-list govuk-list--bullet"}


def linked(text: str, links: Sequence[tuple[str, str]]) -> str:
    """Text escaped, with each known contact number or address as a link."""
    from bot.export import PdfLink, segments

    out = []
    for piece, href in segments(text, [PdfLink(t, h) for t, h in links]):
        if href:
            out.append(f'<a class="govuk-link" href="{html.escape(href)}">{html.escape(piece)}</a>')
        else:
            out.append(html.escape(piece))
    return "".join(out)


def _render_block(block: Block) -> str:
    css = _CLASSES[block.tag]
    if block.tag == "ul":
        items = "".join(f"<li>{html.escape(t)}</li>" for t in block.texts)
        return f'<ul class="{css}">{items}</ul>'
    body = html.escape(block.texts[0])
    if block.link:
        body += (
            f' <a class="govuk-link" href="{html.escape(block.link.href)}">'
            f"{html.escape(block.link.text)}</a>"
        )
    return f'<{block.tag} class="{css}">{body}</{block.tag}>'


def _govuk_footer(language: str) -> str:
    suffix = "?lang=cy" if language == "cy" else ""
    with use(language):
        label = _("About this service")
        items = "".join(
            '<li class="govuk-footer__inline-list-item">'
            f'<a class="govuk-footer__link" href="{html.escape(link.href + suffix)}">'
            f"{html.escape(link.text)}</a></li>"
            for link in footer_links()
        )
    return (
        '<footer class="govuk-footer"><div class="govuk-width-container">'
        '<div class="govuk-footer__meta"><div class="govuk-footer__meta-item '
        f'govuk-footer__meta-item--grow"><h2 class="govuk-visually-hidden">{html.escape(label)}'
        f'</h2><ul class="govuk-footer__inline-list">{items}</ul></div></div></div></footer>'
    )


def axe_version() -> str:
    try:
        package = json.loads((ROOT / "web" / "package.json").read_text(encoding="utf-8"))
        return str(package["devDependencies"]["axe-core"])
    except (OSError, KeyError, ValueError):
        return "?"


def render_page(
    name: str,
    cfg: Settings,
    language: str,
    *,
    emergency: str,
    retention_days: int,
    resume_days: int,
    links: Sequence[tuple[str, str]] = (),
) -> str | None:
    """One page as HTML, or None for a name that is not a page. ``links`` are the
    contacts' (text, href) pairs, so the emergency line's number can be called."""
    if name not in PAGES:
        return None
    with use(language):
        title, blocks = {
            "about": lambda: about(cfg, emergency),
            "privacy": lambda: privacy(cfg, retention_days, resume_days),
            "accessibility": lambda: accessibility(cfg, axe_version()),
            "feedback": lambda: feedback(cfg),
        }[name]()
        back = _("Back to Golden Hour")
        service = _("Golden Hour")
        skip = _("Skip to main content")
        warning = _("Warning")
        demonstration = _("Demonstration")
        phase = (
            ""
            if cfg.operator_name
            else (
                '<div class="govuk-phase-banner"><p class="govuk-phase-banner__content">'
                '<strong class="govuk-tag govuk-phase-banner__content__tag">'
                f"{html.escape(demonstration)}</strong>"
                '<span class="govuk-phase-banner__text">'
                + html.escape(
                    _(
                        "This is a demonstration of Golden Hour. No organisation runs it as a "
                        "live service: do not use it for a real case."
                    )
                )
                + "</span></p></div>"
            )
        )
    lang = "cy" if language == "cy" else "en-GB"
    widget = f"{BASE}/" + ("?lang=cy" if language == "cy" else "")
    body = "".join(_render_block(b) for b in blocks)
    return (
        f'<!doctype html>\n<html lang="{lang}" class="govuk-template">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{html.escape(title)} - {html.escape(service)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        f'<link rel="stylesheet" href="{BASE}/govuk-frontend.min.css">\n</head>\n'
        '<body class="govuk-template__body">\n'
        f'<a href="#main-content" class="govuk-skip-link">{html.escape(skip)}</a>\n'
        f'<section class="govuk-service-navigation" aria-label="{html.escape(service)}">'
        '<div class="govuk-width-container"><div class="govuk-service-navigation__container">'
        '<span class="govuk-service-navigation__service-name">'
        f'<a href="{html.escape(widget)}" class="govuk-service-navigation__link">'
        f"{html.escape(service)}</a></span></div></div></section>\n"
        f'<div class="govuk-width-container">{phase}\n'
        '<main class="govuk-main-wrapper" id="main-content">\n'
        f'<h1 class="govuk-heading-l">{html.escape(title)}</h1>\n'
        '<div class="govuk-warning-text"><span class="govuk-warning-text__icon" '
        'aria-hidden="true">!</span><strong class="govuk-warning-text__text">'
        f'<span class="govuk-visually-hidden">{html.escape(warning)} </span>'
        f"{linked(emergency, links)}</strong></div>\n"
        f'{body}\n<p class="govuk-body"><a class="govuk-link" href="{html.escape(widget)}">'
        f"{html.escape(back)}</a></p>\n</main>\n</div>\n"
        f"{_govuk_footer(language)}\n</body>\n</html>\n"
    )
