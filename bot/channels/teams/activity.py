"""What a verified Bot Framework activity means to the Teams channel (pure): where
replies go, whose conversation it is, what was typed, and whether a
conversationUpdate should be greeted."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.store.crypto import derived_key

_MENTION = re.compile(r"<at>.*?</at>", re.DOTALL)


def sender_id(conversation_id: str, user_id: str) -> str:
    """Rasa's conversation id for one person in one Teams conversation: a keyed
    digest (GOLDEN_HOUR_TEAMS_SENDER_KEY, or derived from the data key), so
    Rasa's tables hold no Teams ids, stable for as long as the key is, and safe
    for inbound.check_message."""
    key = derived_key("teams-sender", "GOLDEN_HOUR_TEAMS_SENDER_KEY")
    raw = f"{conversation_id}\x1f{user_id}".encode()
    return "teams-" + hashlib.blake2b(raw, key=key, digest_size=20).hexdigest()


@dataclass(frozen=True)
class Address:
    """Where replies to one verified activity go, and whose conversation it is."""

    service_url: str
    conversation_id: str
    personal: bool
    activity_id: str | None
    bot: dict[str, str]
    user: dict[str, str]
    user_name: str | None
    sender_id: str


def _account(raw: Any) -> dict[str, Any] | None:
    return raw if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None


def _user_key(account: Mapping[str, Any]) -> str:
    aad = account.get("aadObjectId")
    return aad if isinstance(aad, str) and aad else str(account["id"])


def address_of(
    activity: Mapping[str, Any], user: Mapping[str, Any] | None = None
) -> Address | None:
    """The reply address of a verified activity (None if it cannot be answered)."""
    conversation = activity.get("conversation")
    bot = _account(activity.get("recipient"))
    who = _account(user) or _account(activity.get("from"))
    if not isinstance(conversation, dict) or bot is None or who is None:
        return None
    conversation_id = conversation.get("id")
    if not isinstance(conversation_id, str) or not conversation_id:
        return None
    kind = conversation.get("conversationType")
    personal = kind in (None, "personal") and not conversation.get("isGroup")
    activity_id = activity.get("id")
    name = who.get("name")
    bot_name = bot.get("name")
    return Address(
        service_url=str(activity["serviceUrl"]),
        conversation_id=conversation_id,
        personal=personal,
        activity_id=activity_id if isinstance(activity_id, str) and activity_id else None,
        bot={"id": bot["id"], **({"name": bot_name} if isinstance(bot_name, str) else {})},
        user={"id": who["id"]},
        user_name=name if isinstance(name, str) and name.strip() else None,
        sender_id=sender_id(conversation_id, _user_key(who)),
    )


def typed_text(activity: Mapping[str, Any]) -> str:
    """What the user typed, without @-mentions of the bot."""
    text = activity.get("text")
    return _MENTION.sub(" ", text).strip() if isinstance(text, str) else ""


def greeting_address(activity: Mapping[str, Any]) -> Address | None:
    """Greet only in a personal chat, when the bot or a person was added."""
    added = activity.get("membersAdded")
    bot = _account(activity.get("recipient"))
    if not isinstance(added, list) or bot is None:
        return None
    members = [m for m in (_account(a) for a in added) if m is not None]
    if not members:
        return None
    bot_added = any(m["id"] == bot["id"] for m in members)
    people = [m for m in members if m["id"] != bot["id"]]
    user = None if bot_added else people[0] if people else None
    addr = address_of(activity, user)
    return addr if addr is not None and addr.personal else None
