"""What only the SMS channel says: the carrier keywords' answers, the answer to a
message that cannot be read, and the note after a long draft. Rendered in the
conversation's language by the caller (``with use(language):``); the numbers
come from the sourced guidance, never from code."""

from __future__ import annotations

from bot.advice import local_numbers
from bot.channels.common import inbound
from bot.i18n import _
from bot.knowledge import Knowledge


def help_text(kb: Knowledge) -> str:
    """HELP / INFO: what this number is, the emergency contacts, and the keywords."""
    police = kb.contact("police_emergency")
    nspcc = kb.contact("nspcc_helpline")
    # The nation is not known here, so the route is named in words right in every
    # nation, as in the safety message (bot/advice.py).
    local = local_numbers([c for c in kb.contacts.values() if c.local])
    return _(
        "Golden Hour gives advice by text to professionals worried that a child may be "
        "trafficked or exploited. It is not an emergency service. If a child is in "
        "immediate danger, call {police}. Tell social services or social work for the "
        "area where the child is, and the police (out of hours, the out-of-hours social "
        "work service){local}. For advice, call the NSPCC Helpline on {nspcc}. Reply STOP "
        "to stop texts from this number, START to get them again."
    ).format(police=police.how_to_reach(), local=local, nspcc=nspcc.how_to_reach())


def stopped_text() -> str:
    return _("You will get no more texts from Golden Hour. Reply START to get them again.")


def restarted_text() -> str:
    return _("You will get texts from Golden Hour again.")


def rejection_text(reason: str, max_chars: int, has_media: bool = False) -> str:
    """As every channel says it, and for a picture with no words, that it was one."""
    if reason == "empty" and has_media:
        return _(
            "I can only read the words of a text, not pictures or files. Please type your message."
        )
    return inbound.rejection_text(reason, max_chars)


def long_draft_note(case_ref: str | None) -> str:
    """After a draft that needed several texts: where to get it in one piece."""
    if case_ref:
        return _(
            "The draft came in numbered parts. For the whole draft in one piece (as text "
            "or a PDF), give its case reference, {ref}, to whoever runs Golden Hour for "
            "your organisation: they can export it."
        ).format(ref=case_ref)
    return _("The draft came in numbered parts: copy them in order.")


def question_moved_on_text() -> str:
    """A number sent for a list the user was not sent last: nothing was recorded."""
    return _(
        "Your reply was not recorded: the question has changed since your last text. "
        "This is the question now:"
    )
