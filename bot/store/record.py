"""From a finished turn to what the case store keeps (pure, apart from the save)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.conversation import DONE, ENDED, Case
from bot.knowledge import Knowledge
from bot.replies import Reply
from bot.store.cases import CaseStore, Snapshot
from bot.triage import assess


def snapshot(kb: Knowledge, case: Case, replies: Sequence[Reply], channel: str) -> Snapshot:
    assert case.ref is not None
    result = assess(kb, case.context(), case.engine_answers())
    draft = next((r.text for r in replies if r.kind == "summary"), None)
    status = {DONE: "done", ENDED: "ended"}.get(case.pending or "", "open")
    return Snapshot(
        ref=case.ref,
        channel=channel[:32] or "unknown",
        language=case.language,
        role=case.role,
        nation=case.nation,
        setting=case.setting,
        going_missing=result.going_missing,
        concern=result.concern,
        status=status,
        answers={
            qid: {"value": a["value"], "how": a.get("how"), "note": a.get("note")}
            for qid, a in case.answers.items()
        },
        draft=draft,
    )


def record_turn(
    store: CaseStore,
    kb: Knowledge,
    case: Case,
    replies: Sequence[Reply],
    *,
    channel: str,
    who: str,
    owner: str,
    action: str,
    now: dt.datetime,
    claim: bool = False,
) -> bool:
    """Save the case after a turn. False when there is no case to save yet. Raises
    CaseNotYours if the case belongs to another conversation (see CaseStore.save)."""
    if case.ref is None:
        return False
    store.save(
        snapshot(kb, case, replies, channel),
        who=who,
        owner=owner,
        action=action,
        now=now,
        claim=claim,
    )
    return True
