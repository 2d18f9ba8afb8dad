"""The widget's own words (its buttons, labels and notices), in every language,
sent to the browser when a session starts. The emergency line and the offline
message come from the sourced guidance, never from the page."""

from __future__ import annotations

from bot.advice import safety_message
from bot.i18n import LANGUAGES, _, use
from bot.runtime import knowledge

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
        "copy_failed": _("Could not copy: select the text and copy it yourself"),
        "download_pdf": _("Download PDF"),
        "download_text": _("Download text"),
        "no_draft": _("There is no draft to download yet."),
        "open": _("Open Golden Hour"),
        "close": _("Close"),
        "check_heading": _("Your answers"),
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
