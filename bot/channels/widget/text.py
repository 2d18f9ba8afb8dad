"""The widget's own words (its buttons, labels and notices), in every language,
sent to the browser when a session starts. The emergency line and the offline
message come from the sourced guidance, never from the page."""

from __future__ import annotations

import re
from typing import TypedDict

from bot.advice import safety_message
from bot.i18n import LANGUAGES, _, use
from bot.knowledge import Knowledge
from bot.runtime import knowledge

# A telephone number as the contacts data writes it: digits, single spaces inside,
# an optional leading +; not part of a longer word or number.
_NUMBER = re.compile(r"(?<![\w+/.])\+?\d(?:\d| (?=\d))*\d(?![\w/])")


class Link(TypedDict):
    """A piece of contact text the widget turns into a link wherever it shows it."""

    text: str
    href: str
    kind: str  # "tel", "web" or "email"


def numbers_in(text: str | None) -> list[str]:
    """The telephone numbers written in a contact field, such as the text relay
    numbers in "Textphone 18001 101." (pure)."""
    return _NUMBER.findall(text or "")


def tel_href(number: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", number)


def contact_links(kb: Knowledge) -> list[Link]:
    """Every phone number, web address and email address of the sourced contacts
    (and a deployment's local ones), as links: the widget links them wherever they
    appear in the bot's words, so none is ever typed into the page's script.
    Longest first, so "18001 101" is linked whole before "101"."""
    found: dict[str, Link] = {}
    for contact in kb.contacts.values():
        for number in [contact.phone or "", *numbers_in(contact.accessible)]:
            if number and len(re.sub(r"\D", "", number)) >= 3:
                found.setdefault(number, Link(text=number, href=tel_href(number), kind="tel"))
        if contact.web:
            found.setdefault(contact.web, Link(text=contact.web, href=contact.web, kind="web"))
        if contact.email:
            found.setdefault(
                contact.email,
                Link(text=contact.email, href="mailto:" + contact.email, kind="email"),
            )
    return sorted(found.values(), key=lambda link: (-len(link["text"]), link["text"]))


# The language button names the other language in that language, as the opening
# does, so it is not translated.
_SWITCH = {
    "en_GB": ("Cymraeg", "Newid i'r Gymraeg"),
    "cy": ("English", "Switch to English"),
}


def _texts(language: str) -> dict[str, str]:
    police = knowledge().contact("police_emergency")
    return {
        "title": _("Golden Hour"),
        "subtitle": _("Guidance for professionals worried about a child"),
        "emergency": _("In an emergency, call {police}.").format(police=police.phone),
        "input_label": _("Your message"),
        "input_placeholder": _("Type your answer or a note"),
        "send": _("Send"),
        "typing": _("Golden Hour is typing"),
        "you": _("You"),
        "bot": _("Golden Hour"),
        "copy": _("Copy summary"),
        "copied": _("Summary copied"),
        "debrief_copied": _("Debrief copied"),
        "new_tab": _("(opens in a new tab)"),
        "footer_label": _("About this service"),
        "page_about": _("Who runs this service"),
        "page_privacy": _("Privacy"),
        "page_accessibility": _("Accessibility"),
        "page_feedback": _("Feedback"),
        "raised_label": _("Concern raised"),
        "notes_label": _("Notes"),
        "copy_failed": _("Could not copy: select the text and copy it yourself"),
        "download_pdf": _("Download PDF"),
        "download_text": _("Download text"),
        "no_draft": _("There is no draft to download yet."),
        "open": _("Open Golden Hour"),
        "close": _("Close"),
        "check_heading": _("Your answers"),
        "change": _("Change"),
        "change_label": _("Change your answer to: {question}"),
        "draft_heading": _("Draft referral summary"),
        "connecting": _("Connecting…"),
        "offline": _("Connection lost. Trying again…"),
        "safety": safety_message(knowledge()),
        "rejected": _("That message could not be sent."),
        "debrief_heading": _("Debrief"),
        "copy_debrief": _("Copy debrief"),
        "training_banner": _("TRAINING - a fictional scenario, not a real case"),
        "download_debrief_pdf": _("Download debrief (PDF)"),
        "download_debrief_text": _("Download debrief (text)"),
        "needs_script": _("Golden Hour needs JavaScript to run in this page."),
        "new_messages": _("New message from Golden Hour"),
        "switch_language": _SWITCH[language][0],
        "switch_language_label": _SWITCH[language][1],
    }


def widget_texts() -> dict[str, dict[str, str]]:
    """Every language's texts, keyed by language code."""
    out = {}
    for language in LANGUAGES:
        with use(language):
            out[language] = _texts(language)
    return out
