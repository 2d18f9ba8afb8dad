"""The user's own words inside a case, sealed whenever the case leaves the action
server: in Rasa's ``case`` slot (and so in its tracker table) and in a paused
case kept under a resume code. Only the action server, which holds the data key,
can open them; the Rasa server never needs them.

Sealed: each answer's note, the child's nationality, the typed "who will you
share with" and the reason for not telling. A value that cannot be opened (a
forged slot, a rotated-out key) is dropped, never shown.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.store import crypto

PREFIX = "sealed:"


def _seal(value: Any) -> Any:
    if isinstance(value, str) and value and not value.startswith(PREFIX):
        return PREFIX + crypto.encrypt(value).decode("ascii")
    return value


def _open(value: Any) -> Any:
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return None  # the words are only ever kept sealed
    try:
        return crypto.decrypt(value.removeprefix(PREFIX).encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None


def seal_case(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    for answer in (out.get("answers") or {}).values():
        if isinstance(answer, dict) and answer.get("note") is not None:
            answer["note"] = _seal(answer["note"])
    if out.get("nationality") is not None:
        out["nationality"] = _seal(out["nationality"])
    sharing = out.get("sharing")
    if isinstance(sharing, dict):
        if isinstance(sharing.get("share_with"), list):
            sharing["share_with"] = [_seal(x) for x in sharing["share_with"]]
        if sharing.get("why_not") is not None:
            sharing["why_not"] = _seal(sharing["why_not"])
    return out


def open_case(raw: Any) -> Any:
    """The case with its words opened; anything that is not a dict is returned as
    it is (Case.from_dict deals with it)."""
    if not isinstance(raw, dict):
        return raw
    out = copy.deepcopy(raw)
    answers = out.get("answers")
    if isinstance(answers, dict):
        for answer in answers.values():
            if isinstance(answer, dict) and answer.get("note") is not None:
                answer["note"] = _open(answer["note"])
    if out.get("nationality") is not None:
        out["nationality"] = _open(out["nationality"])
    sharing = out.get("sharing")
    if isinstance(sharing, dict):
        if isinstance(sharing.get("share_with"), list):
            opened = [_open(x) for x in sharing["share_with"]]
            sharing["share_with"] = [x for x in opened if x is not None]
        if sharing.get("why_not") is not None:
            sharing["why_not"] = _open(sharing["why_not"])
    return out
