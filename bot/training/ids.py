"""Training conversations' ids. A practice conversation's id starts with
``train-`` and, when a trainer gave a group code, carries it:
``train-g-<group>-<random>``. The actions read the mode from the id alone, so a
practice can never become a real case (or a real case a practice), whatever
the user types. Only the channels give these ids out: the widget's training
page and the Teams "training" command."""

from __future__ import annotations

import re
import secrets

TRAINING_PREFIX = "train-"
_GROUP = re.compile(r"^[a-z0-9]{1,16}$")
_GROUPED = re.compile(r"^train-g-([a-z0-9]{1,16})-[0-9a-f]{32}$")


def is_training(sender_id: str) -> bool:
    return sender_id.startswith(TRAINING_PREFIX)


def clean_group(group: object) -> str | None:
    """A trainer's group code as the conversation id can carry it, or None."""
    if not isinstance(group, str):
        return None
    group = group.strip().lower()
    return group if _GROUP.fullmatch(group) else None


def group_of(sender_id: str) -> str | None:
    """The trainer's group code carried in a training conversation id, if any."""
    match = _GROUPED.fullmatch(sender_id)
    return match.group(1) if match else None


def new_training_id(group: object = None) -> str:
    """A fresh, unguessable practice conversation id."""
    token = secrets.token_hex(16)
    code = clean_group(group)
    return f"train-g-{code}-{token}" if code else f"train-{token}"
