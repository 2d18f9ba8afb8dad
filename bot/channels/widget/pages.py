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
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.i18n import LANGUAGES, _, ngettext, use

ROOT = Path(__file__).resolve().parents[3]
BASE = "/webhooks/widget"
PAGES = ("about", "privacy", "accessibility", "feedback")
GOVUK_CSS = ROOT / "web/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css"
SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'
# When the accessibility statement's tests were last run (tests/e2e/test_widget_browser.py).
TESTED_ON = "2026-12-03"


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Block:
    """A heading ("h2"), a paragraph ("p") or a list ("ul"); a paragraph may end
    with a link."""

    tag: str
    texts: tuple[str, ...]
    link: Link | None = None


def _h2(text: str) -> Block:
    return Block("h2", (text,))


def _p(text: str, link: Link | None = None) -> Block:
    return Block("p", (text,), link)


def _ul(*items: str) -> Block:
    return Block("ul", items)


def page_language(asked: str | None) -> str:
    return asked if asked in LANGUAGES else "en_GB"


def contact_link(address: str | None) -> Link | None:
    """A configured contact or feedback address as a link: a web address, an email
    address, or nothing when it is neither."""
    if not address:
        return None
    if address.startswith(("https://", "http://")):
        return Link(address, address)
    if "@" in address and " " not in address:
        return Link(address, "mailto:" + address)
    return None


def _operator(cfg: Settings) -> list[Block]:
    if cfg.operator_name:
        blocks = [
            _p(_("This Golden Hour service is run by {name}.").format(name=cfg.operator_name))
        ]
        link = contact_link(cfg.operator_contact)
        if link:
            blocks.append(_p(_("Contact them:"), link))
        elif cfg.operator_contact:
            blocks.append(_p(_("Contact them: {contact}").format(contact=cfg.operator_contact)))
        return blocks
    return [
        _p(
            _(
                "This is a demonstration of Golden Hour. No organisation runs it as a live "
                "service: do not use it for a real case."
            )
        ),
        _p(
            _(
                "An organisation that runs Golden Hour names itself and how to contact it "
                "on this page."
            )
        ),
    ]


def _about(cfg: Settings, emergency: str) -> tuple[str, list[Block]]:
    return _("Who runs this service"), [
        *_operator(cfg),
        _h2(_("What Golden Hour does")),
        _p(
            _(
                "Golden Hour gives guidance to professionals in the UK who are worried "
                "that a child may be trafficked or exploited. It asks questions, says what "
                "the answers show and drafts a referral summary for you to check."
            )
        ),
        _p(
            _(
                "It advises; you decide. It makes no referral and sends nothing to anyone: "
                "you send any referral through your own agency's route."
            )
        ),
        _p(emergency),
    ]


def _privacy(cfg: Settings, retention_days: int, resume_days: int) -> tuple[str, list[Block]]:
    contact = contact_link(cfg.operator_contact)
    blocks = [
        _h2(_("Who is responsible for the information")),
        *_operator(cfg),
        _h2(_("What is stored")),
        _ul(
            _("Your answers, your notes and the draft summary, so the conversation can go on."),
            _(
                "Before your own words are stored, phone numbers, email addresses, postcodes, "
                "dates of birth, street addresses and the names the service can find are "
                "removed. Please use initials, not names."
            ),
            _(
                "Notes and drafts are encrypted at rest; the service stores nothing if it "
                "has no encryption key."
            ),
            _(
                "The conversation software (Rasa) keeps which choice you made, never the "
                "words you typed."
            ),
            _("Your browser keeps this conversation in this tab only; closing the tab clears it."),
            _("The service's logs record that a message was handled, never what it said."),
        ),
        _h2(_("How long it is kept")),
        _ul(
            ngettext(
                "Cases and conversations not touched for {days} day are deleted.",
                "Cases and conversations not touched for {days} days are deleted.",
                retention_days,
            ).format(days=retention_days),
            ngettext(
                "A resume code for a paused conversation stops working after {days} day.",
                "A resume code for a paused conversation stops working after {days} days.",
                resume_days,
            ).format(days=resume_days),
        ),
        _h2(_("Who can see it")),
        _ul(
            _(
                "Nobody is sent anything: Golden Hour makes no referral and shares nothing "
                "with the police, social care or anyone else."
            ),
            _(
                "The draft is yours to copy or download; you send it through your own "
                "agency's route."
            ),
            _(
                "The people who run this service can reach what is stored, with its "
                "encryption key, to keep the service working."
            ),
        ),
        _h2(_("Questions and complaints")),
    ]
    if contact:
        blocks.append(_p(_("To ask about this information or to complain, contact:"), contact))
    else:
        blocks.append(
            _p(
                _(
                    "This demonstration has no named contact. An organisation that runs "
                    "Golden Hour gives its contact here."
                )
            )
        )
    return _("Privacy notice"), blocks


def _accessibility(cfg: Settings, axe_version: str) -> tuple[str, list[Block]]:
    contact = contact_link(cfg.operator_contact)
    report = (
        _p(
            _(
                "If you find a problem not listed here, or need this information in another "
                "format, contact:"
            ),
            contact,
        )
        if contact
        else _p(
            _(
                "This demonstration has no named contact. An organisation that runs Golden "
                "Hour gives its contact here."
            )
        )
    )
    run_by = (
        [_p(_("This Golden Hour service is run by {name}.").format(name=cfg.operator_name))]
        if cfg.operator_name
        else []
    )
    return _("Accessibility statement"), [
        *run_by,
        _p(
            _(
                "This statement applies to the Golden Hour web chat and these pages. We want "
                "as many people as possible to be able to use it. You should be able to:"
            )
        ),
        _ul(
            _("use it with a keyboard alone, with a visible focus at every step"),
            _("make the text twice as large, or use a screen 320 pixels wide, and still read it"),
            _("call or open every phone number and web address it shows"),
            _("use it with a screen reader: new messages are announced"),
            _("use it in English or Welsh"),
        ),
        _h2(_("How accessible this service is")),
        _p(_("We know some parts are not fully accessible:")),
        _ul(
            _(
                'the "check your answers" list has no "Change" link beside each answer: '
                'choose "Change an answer" instead'
            ),
            _(
                "the downloaded PDF has headings and bookmarks but has not been checked with a "
                "screen reader"
            ),
            _("it has not yet been tested by disabled users or with every screen reader"),
        ),
        _h2(_("Reporting accessibility problems")),
        report,
        _h2(_("Enforcement procedure")),
        _p(
            _(
                "The Equality and Human Rights Commission (EHRC) enforces the Public Sector "
                "Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
                "Regulations 2018. If you are not happy with how your complaint is handled, "
                "contact the Equality Advisory and Support Service (EASS)."
            )
        ),
        _h2(_("Technical information")),
        _p(
            _(
                "This service is partially compliant with the Web Content Accessibility "
                "Guidelines version 2.2 AA standard, because of the issues listed above."
            )
        ),
        _h2(_("How we tested this service")),
        _p(
            _(
                "Tested on {date} with axe-core {version} (WCAG 2.2 A and AA rules) in "
                "Chromium at 1280 by 800 and 375 by 700 pixels and with text at 200 %, "
                "and by keyboard alone."
            ).format(date=TESTED_ON, version=axe_version)
        ),
    ]


def _feedback(cfg: Settings) -> tuple[str, list[Block]]:
    link = contact_link(cfg.feedback_address)
    blocks = (
        [_p(_("Tell us what worked and what did not:"), link)]
        if link
        else [
            _p(
                _(
                    "This demonstration has no feedback address. An organisation that runs "
                    "Golden Hour gives its feedback address or form here."
                )
            )
        ]
    )
    blocks.append(_p(_("Do not write anything about a child or a case in your feedback.")))
    return _("Feedback"), blocks


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
            "about": lambda: _about(cfg, emergency),
            "privacy": lambda: _privacy(cfg, retention_days, resume_days),
            "accessibility": lambda: _accessibility(cfg, axe_version()),
            "feedback": lambda: _feedback(cfg),
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
