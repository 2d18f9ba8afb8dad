"""The training store: practice sessions on fictional scenarios, kept apart from
real cases (never in the cases table, so never in a real case's figures). One row
per session: who (a pseudonym), which group and scenario, and, once finished,
the score, the indicators missed and the debrief text. Nothing a learner types is
kept here."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.engine import Engine

from bot.store.db import naive_utc
from bot.store.tables import training_sessions


def _opening(
    ref: str, pseudonym: str, group: str | None, scenario: str, language: str, now: dt.datetime
) -> dict[str, Any]:
    """A session's row as it starts."""
    return {
        "ref": ref,
        "pseudonym": pseudonym[:32],
        "group_code": group,
        "scenario": scenario,
        "language": language,
        "started": naive_utc(now),
    }


class TrainingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start(
        self,
        ref: str,
        *,
        pseudonym: str,
        group: str | None,
        scenario: str,
        language: str,
        now: dt.datetime,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(training_sessions).where(training_sessions.c.ref == ref))
            conn.execute(
                insert(training_sessions).values(
                    _opening(ref, pseudonym, group, scenario, language, now)
                )
            )

    def finish(
        self,
        ref: str,
        *,
        turns: int,
        advice_turn: int | None,
        score: int,
        missed: list[str],
        debrief: str,
        now: dt.datetime,
        pseudonym: str = "",
        group: str | None = None,
        scenario: str = "",
        language: str = "en_GB",
    ) -> None:
        """Record the end of a session. If its start was never saved (the store
        was down then), the whole row is written now, so no debrief is lost."""
        result = {
            "finished": naive_utc(now),
            "turns": turns,
            "advice_turn": advice_turn,
            "score": score,
            "missed": json.dumps(missed),
            "debrief": debrief,
        }
        with self.engine.begin() as conn:
            updated = conn.execute(
                sql_update(training_sessions).where(training_sessions.c.ref == ref).values(**result)
            )
            if updated.rowcount == 0:
                opening = _opening(ref, pseudonym, group, scenario, language, now)
                conn.execute(insert(training_sessions).values({**opening, **result}))

    def debrief(self, ref: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(training_sessions.c.debrief).where(training_sessions.c.ref == ref)
            ).first()
        return row.debrief if row else None

    def sessions(self, group: str | None = None) -> list[dict[str, Any]]:
        """Every session (of one group), newest first."""
        query = select(training_sessions).order_by(training_sessions.c.started.desc())
        if group is not None:
            query = query.where(training_sessions.c.group_code == group)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        out = []
        for row in rows:
            item = dict(row)
            item["missed"] = json.loads(row["missed"]) if row["missed"] else []
            item.pop("debrief")
            out.append(item)
        return out

    def most_missed(self, group: str | None = None, top: int = 10) -> list[tuple[str, int]]:
        """The indicators this group missed most often, over finished sessions."""
        counts: Counter[str] = Counter()
        for session in self.sessions(group):
            counts.update(session["missed"])
        return counts.most_common(top)

    def delete_older_than(self, cutoff: dt.datetime) -> int:
        with self.engine.begin() as conn:
            return conn.execute(
                delete(training_sessions).where(training_sessions.c.started < naive_utc(cutoff))
            ).rowcount
