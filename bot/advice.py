"""Turns the immediate actions and contacts into sentences. Pure: knowledge in,
text out. The numbers come from contacts.yml, never from code."""

from __future__ import annotations

from bot.i18n import _
from bot.knowledge import Knowledge
from bot.knowledge.model import Contact


def fill_contacts(text: str, knowledge: Knowledge) -> str:
    """Replace each ``{contact_id}`` with how to reach that (national) contact."""
    values = {cid: c.how_to_reach() for cid, c in knowledge.contacts.items()}
    return text.format(**values)


def local_numbers(contacts: list[Contact]) -> str:
    """ " (Name: number; ...)" for local contacts a deployment has numbers for."""
    known = [f"{_(c.name)}: {c.phone}" for c in contacts if c.local and c.phone]
    return f" ({'; '.join(known)})" if known else ""


def safety_message(knowledge: Knowledge) -> str:
    """The short message every failure path falls back to: 999, the child protection
    route and the NSPCC Helpline. Built once at start-up by the channel layer, when
    the nation is not known, so its wording is right in every nation (nations.yml
    'unknown'); a deployment's own local numbers are added after it."""
    police = knowledge.contact("police_emergency")
    nspcc = knowledge.contact("nspcc_helpline")
    local = local_numbers([c for c in knowledge.contacts.values() if c.local])
    return _(
        "Sorry, I cannot answer properly right now. If a child is in immediate danger, "
        "call {police}. Tell social services or social work for the area where the child "
        "is, and the police (out of hours, the out-of-hours social work service){local}. "
        "For advice, call the NSPCC Helpline on {nspcc}."
    ).format(police=police.how_to_reach(), local=local, nspcc=nspcc.how_to_reach())


def format_contact(knowledge: Knowledge, contact_id: str) -> str:
    """One line for a signpost: name, how to reach, hours where known."""
    c = knowledge.contact(contact_id)
    reach = ", ".join(part for part in (c.phone, c.web) if part)
    line = f"{_(c.name)}: {reach}" if reach else _(c.name)
    if c.hours:
        line += f" ({_(c.hours)})"
    return line
