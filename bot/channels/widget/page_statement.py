"""The words of the accessibility statement (after the GOV.UK model) and the
feedback page; rendered by bot/channels/widget/pages.py."""

from __future__ import annotations

from bot.channels.widget.page_texts import Block, bullets, contact_link, heading, paragraph
from bot.config import Settings
from bot.i18n import _

# When the accessibility statement's tests were last run (tests/e2e/test_widget_browser.py).
TESTED_ON = "2026-12-03"


def accessibility(cfg: Settings, axe_version: str) -> tuple[str, list[Block]]:
    contact = contact_link(cfg.operator_contact)
    report = (
        paragraph(
            _(
                "If you find a problem not listed here, or need this information in another "
                "format, contact:"
            ),
            contact,
        )
        if contact
        else paragraph(
            _(
                "This demonstration has no named contact. An organisation that runs Golden "
                "Hour gives its contact here."
            )
        )
    )
    run_by = (
        [paragraph(_("This Golden Hour service is run by {name}.").format(name=cfg.operator_name))]
        if cfg.operator_name
        else []
    )
    return _("Accessibility statement"), [
        *run_by,
        paragraph(
            _(
                "This statement applies to the Golden Hour web chat and these pages. We want "
                "as many people as possible to be able to use it. You should be able to:"
            )
        ),
        bullets(
            _("use it with a keyboard alone, with a visible focus at every step"),
            _("make the text twice as large, or use a screen 320 pixels wide, and still read it"),
            _("call or open every phone number and web address it shows"),
            _("use it with a screen reader: new messages are announced"),
            _("use it in English or Welsh"),
        ),
        heading(_("How accessible this service is")),
        paragraph(_("We know some parts are not fully accessible:")),
        bullets(
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
        heading(_("Reporting accessibility problems")),
        report,
        heading(_("Enforcement procedure")),
        paragraph(
            _(
                "The Equality and Human Rights Commission (EHRC) enforces the Public Sector "
                "Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
                "Regulations 2018. If you are not happy with how your complaint is handled, "
                "contact the Equality Advisory and Support Service (EASS)."
            )
        ),
        heading(_("Technical information")),
        paragraph(
            _(
                "This service is partially compliant with the Web Content Accessibility "
                "Guidelines version 2.2 AA standard, because of the issues listed above."
            )
        ),
        heading(_("How we tested this service")),
        paragraph(
            _(
                "Tested on {date} with axe-core {version} (WCAG 2.2 A and AA rules) in "
                "Chromium at 1280 by 800 and 375 by 700 pixels and with text at 200 %, "
                "and by keyboard alone."
            ).format(date=TESTED_ON, version=axe_version)
        ),
    ]


def feedback(cfg: Settings) -> tuple[str, list[Block]]:
    link = contact_link(cfg.feedback_address)
    blocks = (
        [paragraph(_("Tell us what worked and what did not:"), link)]
        if link
        else [
            paragraph(
                _(
                    "This demonstration has no feedback address. An organisation that runs "
                    "Golden Hour gives its feedback address or form here."
                )
            )
        ]
    )
    blocks.append(paragraph(_("Do not write anything about a child or a case in your feedback.")))
    return _("Feedback"), blocks
