"""The widget's links and pages: every contact number and address as a link from
the sourced data, and the pages a public service must have, filled from the
configuration (who runs it, retention, contact, feedback), in English and Welsh."""

from __future__ import annotations

import dataclasses
import html.parser

import pytest

from bot.channels.widget.page_texts import contact_link
from bot.channels.widget.pages import PAGES, footer_html, render_page
from bot.channels.widget.text import contact_links, numbers_in, tel_href, widget_texts
from bot.config import settings
from bot.runtime import knowledge


def test_text_relay_numbers_are_found_in_the_sourced_contacts() -> None:
    assert numbers_in("Textphone 18001 101.") == ["18001 101"]
    assert numbers_in("Textphone 18000, or text 999 through emergencySMS") == ["18000", "999"]
    assert numbers_in("Monday to Friday") == []
    assert tel_href("0808 800 5000") == "tel:08088005000"


def test_every_contact_number_and_address_is_a_link() -> None:
    kb = knowledge()
    links = contact_links(kb)
    by_text = {link["text"]: link for link in links}
    for contact in kb.contacts.values():
        if contact.phone:
            assert by_text[contact.phone]["href"] == tel_href(contact.phone)
        if contact.web:
            assert by_text[contact.web]["href"] == contact.web
        if contact.email:
            assert by_text[contact.email]["href"] == "mailto:" + contact.email
    for relay in ("18000", "18001 101", "999", "101"):
        assert by_text[relay]["kind"] == "tel"
    # Longest first, so "18001 101" is linked whole before "101" is.
    assert [len(link["text"]) for link in links] == sorted(
        (len(link["text"]) for link in links), reverse=True
    )
    assert all(link["href"].startswith(("tel:", "mailto:", "https://")) for link in links)


def test_copy_debrief_says_debrief_copied() -> None:
    texts = widget_texts()
    assert texts["en_GB"]["debrief_copied"] == "Debrief copied"
    assert texts["cy"]["debrief_copied"] != "Debrief copied"


class _Parser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Parser:
    parser = _Parser()
    parser.feed(page)
    return parser


def render(name: str, language: str = "en_GB", **changes: object) -> str:
    cfg = dataclasses.replace(settings(), **changes)
    page = render_page(
        name,
        cfg,
        language,
        emergency="In an emergency, call 999.",
        retention_days=30,
        resume_days=7,
        links=[("999", "tel:999")],
    )
    assert page is not None
    return page


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("language", ["en_GB", "cy"])
def test_every_page_has_one_h1_the_emergency_line_and_the_footer(name: str, language: str) -> None:
    page = render(name, language)
    parsed = parse(page)
    assert parsed.tags.count("h1") == 1 and "main" in parsed.tags
    assert f'<html lang="{"cy" if language == "cy" else "en-GB"}"' in page
    assert '<a class="govuk-link" href="tel:999">999</a>' in page  # the emergency line calls
    assert "govuk-footer" in page and "govuk-phase-banner" in page
    for other in PAGES:
        assert any(h.startswith(f"/webhooks/widget/{other}") for h in parsed.hrefs)


def test_the_demonstration_says_so_and_a_deployment_names_who_runs_it() -> None:
    demo = " ".join(parse(render("about")).text)
    assert "demonstration" in demo
    named = render(
        "about", operator_name="Example Council <Safeguarding>", operator_contact="help@example.org"
    )
    assert "Example Council &lt;Safeguarding&gt;" in named  # escaped, never HTML
    assert 'href="mailto:help@example.org"' in named
    assert "demonstration" not in named and "govuk-phase-banner" not in named


def test_govuk_frontend_is_served_with_the_system_fonts_and_no_font_files() -> None:
    from bot.channels.widget.pages import SYSTEM_FONTS, govuk_css, system_font_css

    css = govuk_css()
    assert css is not None, "web/node_modules/govuk-frontend is missing: npm ci"
    served = css.decode()
    assert "GDS Transport" not in served and "@font-face" not in served
    assert "/assets/fonts/" not in served
    assert ".govuk-footer" in served and "system-ui" in served
    assert (
        system_font_css(
            "@font-face{font-family:GDS Transport;src:url(/a.woff2)}"
            '.x{font-family:"GDS Transport",arial,sans-serif}'
        )
        == ".x{font-family:" + SYSTEM_FONTS + "}"
    )


def test_the_privacy_notice_is_filled_from_the_configuration() -> None:
    cfg = dataclasses.replace(settings(), operator_contact="https://example.org/contact")
    page = render_page(
        "privacy", cfg, "en_GB", emergency="call 999", retention_days=14, resume_days=1
    )
    assert page is not None
    text = " ".join(parse(page).text)
    assert "not touched for 14 days are deleted" in text
    assert "stops working after 1 day." in text
    assert "never the words you typed" in text
    assert "makes no referral" in text
    assert "encrypted at rest" in text
    assert 'href="https://example.org/contact"' in page


def test_feedback_goes_to_the_configured_address_or_says_there_is_none() -> None:
    assert "no feedback address" in render("feedback")
    page = render("feedback", feedback_address="https://forms.example.org/golden-hour")
    assert 'href="https://forms.example.org/golden-hour"' in page
    assert "javascript:" not in render("feedback", feedback_address="javascript:alert(1)")


def test_contact_links_only_for_web_and_email_addresses() -> None:
    assert contact_link("javascript:alert(1)") is None
    assert contact_link("a b@c") is None
    assert contact_link("x@y.org").href == "mailto:x@y.org"  # type: ignore[union-attr]


def test_the_footer_is_in_the_chosen_language() -> None:
    assert "Privacy" in footer_html("en_GB")
    welsh = footer_html("cy")
    assert "Preifatrwydd" in welsh and "?lang=cy" in welsh
    assert (
        render_page("secret", settings(), "en_GB", emergency="", retention_days=1, resume_days=1)
        is None
    )


def test_the_demonstration_banner_is_in_welsh_too() -> None:
    tag = parse(render("about", "cy")).text
    assert "Arddangosiad" in tag and "Demonstration" not in tag
