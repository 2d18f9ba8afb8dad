"""Cases that last: every turn's case saved to Golden Hour's own store.

The Rasa slot carries the case during a conversation; this store keeps what the
professional needs after it (their answers and drafts) and what an auditor needs
(who did what, when), on the one database URL (SQLite by default, PostgreSQL in
production). Notes and drafts are encrypted at rest (bot/store/crypto.py) and
notes are redacted before they reach the case at all (bot/privacy/redact.py).
The audit trail names the action and the channel, never the message text.

Saving is an upsert of the whole case, so a turn that could not be saved (the
database was down) is caught up by the next turn that can: nothing is lost while
the conversation itself lives in Rasa's tracker.

A case belongs to the conversation that made it: the store keeps a keyed digest
of that conversation's sender id (``owner``) and refuses a save from any other
(CaseNotYours), so a case reference put in another conversation's slot can never
overwrite the case. The one way a case moves is a resume code: the conversation
that takes the code claims the case (``claim=True``). Cases saved before owners
were kept have none; the first conversation that saves one again becomes its owner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Connection, Engine

from bot.store import crypto
from bot.store.db import naive_utc
from bot.store.tables import answers, audit, cases, drafts


class CaseNotYours(Exception):
    """A save for a case that belongs to another conversation."""


def case_owner(sender_id: str) -> str:
    """The digest that stands for a conversation in the store: HMAC-SHA256 of its
    sender id, keyed like the resume codes (GOLDEN_HOUR_STORE_KEY, or derived from
    the data key), so the table alone does not name the conversation."""
    key = crypto.derived_key("resume-codes", "GOLDEN_HOUR_STORE_KEY")
    return hmac.new(key, f"case-owner:{sender_id}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """What one turn leaves behind, as the store keeps it."""

    ref: str
    channel: str
    language: str
    role: str | None
    nation: str | None
    setting: str | None
    going_missing: str | None
    concern: str | None
    status: str
    answers: dict[str, dict[str, Any]]  # question -> {value, how, note}
    draft: str | None = None  # the draft summary, when this turn wrote one


class CaseStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record_action(
        self, ref: str, *, who: str, channel: str, action: str, now: dt.datetime
    ) -> None:
        """One audit line for an existing case, for something a channel did on its
        own (a draft handed to the safeguarding lead); never message text."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(audit).values(
                    case_ref=ref,
                    at=naive_utc(now),
                    who=who[:32],
                    channel=channel[:32],
                    action=action[:64],
                )
            )

    def save(
        self,
        snap: Snapshot,
        *,
        who: str,
        action: str,
        now: dt.datetime,
        owner: str | None = None,
        claim: bool = False,
    ) -> None:
        """Upsert the case, its answers and any new draft, and add an audit line,
        in one transaction. ``owner`` is the saving conversation's case_owner()
        (every turn passes it: bot/store/record.py); a case that belongs to another
        conversation raises CaseNotYours and nothing is written, unless ``claim``
        (the conversation has just taken the case's resume code) moves it to this
        one. A save without an owner (tools, tests) may only write a case that
        has none."""
        now = naive_utc(now)
        with self.engine.begin() as conn:
            self._upsert_case(conn, snap, owner, claim, now)
            self._sync_answers(conn, snap, now)
            if snap.draft is not None:
                self._add_draft(conn, snap.ref, snap.draft, now)
            conn.execute(
                insert(audit).values(
                    case_ref=snap.ref, at=now, who=who[:32], channel=snap.channel, action=action
                )
            )

    def _upsert_case(
        self, conn: Connection, snap: Snapshot, owner: str | None, claim: bool, now: dt.datetime
    ) -> None:
        values = {
            "updated_at": now,
            "channel": snap.channel,
            "language": snap.language,
            "role": snap.role,
            "nation": snap.nation,
            "setting": snap.setting,
            "going_missing": snap.going_missing,
            "concern": snap.concern,
            "status": snap.status,
        }
        mine = cases.c.owner.is_(None)
        if owner is not None:
            values["owner"] = owner
            # The ownership check is part of the update itself, so two
            # conversations saving at once cannot both pass it.
            mine = true() if claim else or_(mine, cases.c.owner == owner)
        done = conn.execute(update(cases).where(cases.c.ref == snap.ref, mine).values(**values))
        if done.rowcount:
            return
        if conn.execute(select(cases.c.ref).where(cases.c.ref == snap.ref)).first() is not None:
            raise CaseNotYours(snap.ref)
        conn.execute(insert(cases).values(ref=snap.ref, created_at=now, **values))

    def _sync_answers(self, conn: Connection, snap: Snapshot, now: dt.datetime) -> None:
        rows = conn.execute(
            select(answers.c.question, answers.c.value, answers.c.how, answers.c.note).where(
                answers.c.case_ref == snap.ref
            )
        ).all()
        stored = {r.question: r for r in rows}
        gone = set(stored) - set(snap.answers)
        if gone:
            conn.execute(
                delete(answers).where(answers.c.case_ref == snap.ref, answers.c.question.in_(gone))
            )
        for question, a in snap.answers.items():
            note = a.get("note")
            old = stored.get(question)
            if old is not None:
                old_note = crypto.decrypt(old.note) if old.note is not None else None
                if (old.value, old.how, old_note) == (a["value"], a.get("how"), note):
                    continue  # unchanged: keep its time
                conn.execute(
                    delete(answers).where(
                        answers.c.case_ref == snap.ref, answers.c.question == question
                    )
                )
            conn.execute(
                insert(answers).values(
                    case_ref=snap.ref,
                    question=question,
                    value=a["value"],
                    how=a.get("how"),
                    note=crypto.encrypt(note) if note else None,
                    answered_at=now,
                )
            )

    def _add_draft(self, conn: Connection, ref: str, text: str, now: dt.datetime) -> None:
        last = conn.execute(
            select(drafts.c.version, drafts.c.text)
            .where(drafts.c.case_ref == ref)
            .order_by(drafts.c.version.desc())
            .limit(1)
        ).first()
        if last is not None and crypto.decrypt(last.text) == text:
            return
        version = 1 if last is None else last.version + 1
        conn.execute(
            insert(drafts).values(
                case_ref=ref, version=version, text=crypto.encrypt(text), created_at=now
            )
        )

    # --- reading back (the professional's own case; export; tests) ----------------

    def case(self, ref: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(cases).where(cases.c.ref == ref)).first()
            if row is None:
                return None
            found = conn.execute(
                select(answers).where(answers.c.case_ref == ref).order_by(answers.c.id)
            ).all()
        out = dict(row._mapping)
        out["answers"] = {
            a.question: {
                "value": a.value,
                "how": a.how,
                "note": crypto.decrypt(a.note) if a.note is not None else None,
            }
            for a in found
        }
        return out

    def drafts(self, ref: str) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(drafts.c.text).where(drafts.c.case_ref == ref).order_by(drafts.c.version)
            ).all()
        return [crypto.decrypt(r.text) for r in rows]

    def audit_trail(self, ref: str) -> list[tuple[str, str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(audit.c.who, audit.c.channel, audit.c.action)
                .where(audit.c.case_ref == ref)
                .order_by(audit.c.id)
            ).all()
        return [tuple(r) for r in rows]

    # --- retention ------------------------------------------------------------------

    def delete_older_than(self, cutoff: dt.datetime) -> dict[str, int]:
        """Delete cases last touched before the cutoff, with their answers, drafts
        and audit lines. Idempotent; returns how many rows of each went."""
        cutoff = naive_utc(cutoff)
        with self.engine.begin() as conn:
            old = select(cases.c.ref).where(cases.c.updated_at < cutoff)
            counts = {}
            for table in (answers, drafts, audit):
                counts[table.name] = conn.execute(
                    delete(table).where(table.c.case_ref.in_(old))
                ).rowcount
            counts["cases"] = conn.execute(
                delete(cases).where(cases.c.updated_at < cutoff)
            ).rowcount
        return counts

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(cases)).scalar_one()

    def counts_by_level(self) -> list[tuple[str | None, str | None, int]]:
        """How many cases there are at each (going-missing, concern) level: counts
        only, for the metrics."""
        query = select(cases.c.going_missing, cases.c.concern, func.count()).group_by(
            cases.c.going_missing, cases.c.concern
        )
        with self.engine.connect() as conn:
            return [(gm, concern, n) for gm, concern, n in conn.execute(query)]
