"""The words of the service's pages (bot/channels/widget/pages.py renders them):
typed blocks, every sentence through gettext, the facts from the configuration.
This module: the blocks, who runs the service and the privacy notice."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.i18n import _, ngettext


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


def heading(text: str) -> Block:
    return Block("h2", (text,))


def paragraph(text: str, link: Link | None = None) -> Block:
    return Block("p", (text,), link)


def bullets(*items: str) -> Block:
    return Block("ul", items)


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


def operator_blocks(cfg: Settings) -> list[Block]:
    if cfg.operator_name:
        blocks = [
            paragraph(
                _("This Golden Hour service is run by {name}.").format(name=cfg.operator_name)
            )
        ]
        link = contact_link(cfg.operator_contact)
        if link:
            blocks.append(paragraph(_("Contact them:"), link))
        elif cfg.operator_contact:
            blocks.append(
                paragraph(_("Contact them: {contact}").format(contact=cfg.operator_contact))
            )
        return blocks
    return [
        paragraph(
            _(
                "This is a demonstration of Golden Hour. No organisation runs it as a live "
                "service: do not use it for a real case."
            )
        ),
        paragraph(
            _(
                "An organisation that runs Golden Hour names itself and how to contact it "
                "on this page."
            )
        ),
    ]


def about(cfg: Settings, emergency: str) -> tuple[str, list[Block]]:
    return _("Who runs this service"), [
        *operator_blocks(cfg),
        heading(_("What Golden Hour does")),
        paragraph(
            _(
                "Golden Hour gives guidance to professionals in the UK who are worried "
                "that a child may be trafficked or exploited. It asks questions, says what "
                "the answers show and drafts a referral summary for you to check."
            )
        ),
        paragraph(
            _(
                "It advises; you decide. It makes no referral and sends nothing to anyone: "
                "you send any referral through your own agency's route."
            )
        ),
        paragraph(emergency),
    ]


def privacy(cfg: Settings, retention_days: int, resume_days: int) -> tuple[str, list[Block]]:
    contact = contact_link(cfg.operator_contact)
    blocks = [
        heading(_("Who is responsible for the information")),
        *operator_blocks(cfg),
        heading(_("What is stored")),
        bullets(
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
        heading(_("How long it is kept")),
        bullets(
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
        heading(_("Who can see it")),
        bullets(
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
        heading(_("Questions and complaints")),
    ]
    if contact:
        blocks.append(
            paragraph(_("To ask about this information or to complain, contact:"), contact)
        )
    else:
        blocks.append(
            paragraph(
                _(
                    "This demonstration has no named contact. An organisation that runs "
                    "Golden Hour gives its contact here."
                )
            )
        )
    return _("Privacy notice"), blocks
