"""Nothing typed, no draft and no resume code at rest (finding 1): a whole
conversation to the draft, with a marker in a note, in "who will you share with"
and in "why have they not been told", and a pause for a resume code, through the
real servers; then the bytes the databases hold are searched for the marker and
the code.

- Embedded default (SQLite): every byte of both database files and their side
  files, read from disk.
- Production shape (PostgreSQL): three readings, because a PostgreSQL database is
  not one file. (1) The files of both databases on disk after a CHECKPOINT. A
  value over about 2 kB may be stored compressed (TOAST), so a marker could hide
  there from a byte search; hence (2) every row of every table of both
  databases, read back as text by PostgreSQL (decompressed), and (3) the server's
  write-ahead log, which every write passes through. The marker is unique to this
  run, so the shared server's other databases cannot give a false hit.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.e2e.harness import Reply, Servers
from tests.postgres import Postgres

pytestmark = pytest.mark.e2e

# Lower-case letters only, so no redaction rule (names, registrations, ...) takes it.
MARK = "zebra" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:10])
NOTE = f"{MARK}note she is seen with older men at the station"
SHARE = f"{MARK}share the duty social worker"
WHY = f"{MARK}why she asked me to wait until tomorrow"
CONTEXT = {
    "urgent": "/deny",
    "role": '/inform{"choice": "role.social_care"}',
    "nation": '/inform{"choice": "nation.england"}',
    "setting": '/inform{"choice": "setting.school"}',
    "age": '/inform{"choice": "age.unknown"}',
    "check": "/affirm",
    "share_with": SHARE,
    "child_told": "/deny",
    "carer_told": "/deny",
    "why_not": WHY,
}


def pending(servers: Servers, sender: str) -> str | None:
    return (servers.tracker(sender)["slots"]["case"] or {}).get("pending")


def play_to_draft(servers: Servers) -> str:
    """A conversation to its draft: the first screening question and the first sign
    under it "yes", with the note typed, everything else "no". Returns everything
    the user was shown."""
    sender = f"privacy-{uuid.uuid4().hex[:8]}"
    shown = [servers.send(sender, "hello")]
    shown_buttons = shown[0].buttons
    yes: set[str] = set()  # "screen" and "sign", once each
    noted = False
    asked: dict[str, int] = {}
    while (now := pending(servers, sender)) != "done":
        assert now is not None, f"no open question: {shown[-1].text}"  # paused or failed
        asked[now] = asked.get(now, 0) + 1
        assert asked[now] <= 2, f"stuck at {now}: {shown[-1].text}"
        if now in CONTEXT:
            message = CONTEXT[now]
        elif now.startswith("evidence:"):
            message, noted = ("/skip", True) if noted else (NOTE, True)
        elif now.startswith("pick:"):  # "which of these is it?": the first listed sign
            message = "/deny" if "sign" in yes else shown_buttons[0]["payload"]
            yes.add("sign")
        else:  # a screening question, or a sign under it (which asks for a note)
            group = "screen" if now.startswith("screen:") else "sign"
            message = "/deny" if group in yes else "/affirm"
            yes.add(group)
        shown.append(servers.send(sender, message))
        assert shown[-1].status == 200
        shown_buttons = shown[-1].buttons
    return "\n".join(r.text for r in shown)


def pause_for_code(servers: Servers) -> str:
    sender = f"pause-{uuid.uuid4().hex[:8]}"
    for message in ("hello", "/deny", '/inform{"choice": "role.police"}'):
        servers.send(sender, message)
    reply: Reply = servers.send(sender, "pause")
    found = re.search(r"\b([A-Z0-9]{8})\b", reply.text)
    assert found, reply.text
    return found.group(1)


def assert_said_then_not_kept(shown: str, code: str, held: bytes) -> None:
    # The user saw them (so the search below is meaningful) ...
    assert f"{MARK}note" in shown and f"{MARK}share" in shown and f"{MARK}why" in shown
    # ... and no stored byte holds them.
    assert MARK.encode() not in held
    assert code.encode() not in held


def sqlite_bytes(workdir: Path) -> bytes:
    files = sorted(workdir.glob("*.db*"))
    assert {f.name for f in files} >= {"conversations.db", "golden_hour.db"}
    return b"".join(f.read_bytes() for f in files)


def test_sqlite_files_hold_no_note_sharing_answer_draft_or_resume_code(servers: Servers) -> None:
    shown = play_to_draft(servers)
    code = pause_for_code(servers)
    held = sqlite_bytes(servers.workdir)
    assert b"[not kept]" in held  # the tracker's scrubbed events are in what was read
    assert_said_then_not_kept(shown, code, held)


# --- the production shape -------------------------------------------------------------


def rows_as_text(url: str) -> bytes:
    """Every row of every table, as PostgreSQL prints it (values decompressed)."""
    eng = create_engine(url, future=True)
    try:
        with eng.connect() as conn:
            tables = inspect(conn).get_table_names()
            assert tables
            lines = [
                row
                for table in tables
                for row in conn.execute(text(f'SELECT t::text FROM "{table}" AS t')).scalars()
            ]
    finally:
        eng.dispose()
    return "\n".join(lines).encode()


def wal_bytes(postgres: Postgres) -> bytes:
    wal = postgres.data / "pg_wal"
    return b"".join(p.read_bytes() for p in sorted(wal.iterdir()) if p.is_file())


def test_postgresql_holds_no_note_sharing_answer_draft_or_resume_code(
    production: tuple[Servers, str, str], postgres: Postgres
) -> None:
    servers, tracker, store = production
    shown = play_to_draft(servers)
    code = pause_for_code(servers)
    on_disk = postgres.raw_bytes(tracker) + postgres.raw_bytes(store)
    as_text = rows_as_text(tracker) + rows_as_text(store)
    assert b"[not kept]" in as_text
    for held in (on_disk, as_text, wal_bytes(postgres)):
        assert_said_then_not_kept(shown, code, held)
