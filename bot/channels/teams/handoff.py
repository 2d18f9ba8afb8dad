"""The hand-off to the organisation's safeguarding lead, for the Teams channel.

Only a press of the summary card's "Send this draft to <name>" button (a channel
action, never seen by Rasa) sends anything: the case's latest draft from Golden
Hour's store, as a card marked DRAFT and sent on behalf of the professional, to
the lead's configured conversation. The professional is told whether it was
delivered and, if not, what to do instead; the case's audit trail records it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Protocol

from bot.channels.common.state import conversation_state, latest_draft_async
from bot.channels.teams.activity import Address
from bot.channels.teams.card_parts import message
from bot.channels.teams.cards import handoff_cards
from bot.channels.teams.client import Connector, activities_url
from bot.channels.teams.settings import TeamsSettings
from bot.i18n import _, use
from bot.logs import pseudonym

log = logging.getLogger("golden_hour.channels.teams")


class Channel(Protocol):
    """What the hand-off needs of the Teams channel, and nothing more."""

    cfg: TeamsSettings
    connector: Connector
    safety_text: str

    async def post(self, addr: Address, activities: list[dict[str, Any]]) -> None: ...


async def send_draft(channel: Channel, addr: Address, agent: Any, language: str) -> None:
    """The professional pressed "Send this draft to <name>": send the case's latest
    draft to the lead's conversation and say whether it got there."""
    cfg = channel.cfg
    if not cfg.handoff_ready:
        with use(language):
            text = _(
                "Sending the draft is not set up here. Copy it from the card above and "
                "send it through your usual route."
            )
        await channel.post(addr, [message(text=text)])
        return
    try:
        state = await conversation_state(agent, addr.sender_id)
        draft = await latest_draft_async(state.case_ref)
    except Exception as exc:  # the tracker or the case store is down
        log.error("teams draft not read", extra={"error": type(exc).__name__})
        await _tell(channel, addr, language, delivered=False)
        return
    if not draft or not state.case_ref:
        with use(language):
            text = _("There is no draft summary to send yet: it comes at the end of the questions.")
        await channel.post(addr, [message(text=text)])
        return
    with use(language):
        cards = handoff_cards(draft, on_behalf_of=addr.user_name)
    url = activities_url(cfg.dsl_service_url, cfg.dsl_conversation_id)
    delivered = True
    for attachment in cards:
        if not await channel.connector.post(url, message(attachment=attachment)):
            delivered = False
            break
    log.info(
        "teams draft hand-off",
        extra={"conversation": pseudonym(addr.sender_id), "delivered": delivered},
    )
    await _record_handoff(state.case_ref, addr.sender_id, delivered)
    await _tell(channel, addr, language, delivered=delivered)


async def _tell(channel: Channel, addr: Address, language: str, *, delivered: bool) -> None:
    name = channel.cfg.dsl_name
    with use(language):
        if delivered:
            text = _(
                "I sent the draft to {name}. It is marked DRAFT: you still decide what "
                "happens next, and any referral still goes through your usual route."
            ).format(name=name)
            replies = [message(text=text)]
        else:
            text = _(
                "I could not send the draft to {name}. Copy it from the card above and "
                "send it to them yourself, or call them."
            ).format(name=name)
            replies = [message(text=text), message(text=channel.safety_text)]
    await channel.post(addr, replies)


async def _record_handoff(case_ref: str, sender: str, delivered: bool) -> None:
    action = "teams_draft_sent" if delivered else "teams_draft_not_sent"
    try:
        await asyncio.get_running_loop().run_in_executor(
            None, _audit_line, case_ref, pseudonym(sender), action
        )
    except Exception as exc:
        log.error("teams hand-off not recorded", extra={"error": type(exc).__name__})


def _audit_line(case_ref: str, who: str, action: str) -> None:
    from bot.composition import stores

    stores().cases.record_action(
        case_ref, who=who, channel="teams", action=action, now=dt.datetime.now(dt.timezone.utc)
    )
