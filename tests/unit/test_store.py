"""The case store on real databases made by the Alembic migrations, SQLite and
PostgreSQL alike: encryption at rest (read from the files on disk), answers kept in
step with the case, draft versions, the audit trail, retention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from bot import conversation as talk
from bot.conversation import Event
from bot.knowledge import Knowledge, load_knowledge
from bot.store import crypto
from bot.store.cases import CaseNotYours, CaseStore, Snapshot, case_owner
from bot.store.db import engine
from bot.store.record import record_turn, snapshot
from bot.store.retention import purge, purge_conversations
from tests.postgres import Postgres

NOW = dt.datetime(2026, 11, 23, 9, 30)
NOTE = "she said the man with the van takes her to the farm"


pytestmark = pytest.mark.usefixtures("data_key")  # tests/unit/conftest.py


@dataclass
class Database:
    url: str
    raw: Callable[[], bytes]  # every byte of the database's files on disk


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        found = Database(f"sqlite:///{path}", path.read_bytes)
    else:
        server = request.getfixturevalue("postgres")
        url = server.new_database()
        found = Database(url, lambda: server.raw_bytes(url))
    monkeypatch.setenv("GOLDEN_HOUR_DATABASE_URL", found.url)
    return found


@pytest.fixture
def store(db: Database) -> CaseStore:
    return CaseStore(engine(db.url))


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=dt.date(2026, 12, 3))


def snap(**changes: object) -> Snapshot:
    base = {
        "ref": "GHABCDEFGH",
        "channel": "rest",
        "language": "en_GB",
        "role": "teacher",
        "nation": "england",
        "setting": "school",
        "going_missing": "high",
        "concern": "some",
        "status": "open",
        "answers": {
            "urgent": {"value": "no", "how": None, "note": None},
            "missing_episodes": {"value": "yes", "how": "disclosed", "note": NOTE},
        },
        "draft": None,
    }
    base.update(changes)
    return Snapshot(**base)  # type: ignore[arg-type]


def test_migrations_make_every_table(store: CaseStore) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"cases", "answers", "drafts", "audit", "resume_codes", "alembic_version"} <= tables


def test_notes_and_drafts_are_encrypted_at_rest(store: CaseStore, db: Database) -> None:
    store.save(snap(draft="DRAFT referral: the farm"), who="p1", action="a", now=NOW)
    raw = db.raw()
    assert b"missing_episodes" in raw  # the files do hold the answers...
    assert b"the man with the van" not in raw and b"DRAFT referral" not in raw  # ...not the words
    with store.engine.connect() as conn:
        note = conn.execute(text("SELECT note FROM answers WHERE note IS NOT NULL")).scalar_one()
    assert bytes(note).startswith(b"gAAAA")  # a Fernet token
    case = store.case("GHABCDEFGH")
    assert case is not None and case["answers"]["missing_episodes"]["note"] == NOTE
    assert store.drafts("GHABCDEFGH") == ["DRAFT referral: the farm"]


def test_another_key_cannot_read_and_rotation_keeps_old_values(
    store: CaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(snap(), who="p1", action="a", now=NOW)
    old = Path(crypto.ensure_key_file()).read_text().strip()
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEYS", crypto.new_key())
    with pytest.raises(ValueError, match="cannot decrypt"):
        store.case("GHABCDEFGH")
    new = crypto.new_key()
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEYS", f"{new},{old}")  # new first, old still reads
    assert store.case("GHABCDEFGH")["answers"]["missing_episodes"]["note"] == NOTE


def test_without_a_key_nothing_is_stored(store: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEY_FILE", "/nonexistent/data.key")
    with pytest.raises(crypto.KeyMissing):
        store.save(snap(), who="p1", action="a", now=NOW)
    assert store.count() == 0  # the transaction rolled back


def test_answers_follow_the_case_and_drafts_are_versioned(store: CaseStore) -> None:
    store.save(snap(draft="v1"), who="p1", action="a", now=NOW)
    later = NOW + dt.timedelta(minutes=5)
    changed = {"urgent": {"value": "yes", "how": None, "note": None}}
    store.save(snap(answers=changed, draft="v1"), who="p1", action="b", now=later)
    store.save(snap(answers=changed, draft="v2", status="done"), who="p1", action="c", now=later)
    case = store.case("GHABCDEFGH")
    assert case is not None
    assert case["answers"] == {"urgent": {"value": "yes", "how": None, "note": None}}
    assert case["status"] == "done" and case["created_at"] == NOW
    assert store.drafts("GHABCDEFGH") == ["v1", "v2"]  # an unchanged draft is not repeated
    assert [a for _who, _ch, a in store.audit_trail("GHABCDEFGH")] == ["a", "b", "c"]


def test_the_audit_trail_never_holds_message_text(store: CaseStore) -> None:
    store.save(snap(), who="p1", action="action_answer", now=NOW)
    columns = [c["name"] for c in inspect(store.engine).get_columns("audit")]
    assert columns == ["id", "case_ref", "at", "who", "channel", "action"]


def test_a_real_conversation_is_recorded_turn_by_turn(kb: Knowledge, store: CaseStore) -> None:
    turn = talk.opening(NOW)
    events = [
        Event("deny", "no"),
        Event("inform", choice="role.teacher"),
        Event("inform", choice="nation.wales"),
        Event("inform", choice="setting.school"),
        Event("affirm", "yes"),  # going-missing screen
        Event("inform", choice="pick.missing_episodes"),  # "which of these?": a sign
        Event("inform", NOTE),
    ]
    for event in events:
        turn = talk.handle(kb, turn.case, event, NOW)
        assert record_turn(
            store,
            kb,
            turn.case,
            turn.replies,
            channel="rest",
            who="p",
            owner=case_owner("rest-user"),
            action="x",
            now=NOW,
        )
    case = store.case(turn.case.ref)
    assert case is not None and case["nation"] == "wales" and case["going_missing"] == "high"
    notes = [a["note"] for a in case["answers"].values() if a["note"]]
    assert notes == [NOTE]


def test_no_case_yet_means_nothing_to_record(kb: Knowledge, store: CaseStore) -> None:
    paused = talk.paused(kb, talk.opening(NOW).case, "ABCDEFGH").case
    assert not record_turn(
        store, kb, paused, (), channel="rest", who="p", owner="o", action="x", now=NOW
    )
    assert store.count() == 0


def test_snapshot_reads_the_draft_and_the_status(kb: Knowledge) -> None:
    case = talk.opening(NOW).case
    case.pending = talk.DONE
    summary = talk.Reply("DRAFT ...", kind="summary")
    s = snapshot(kb, case, [talk.Reply("x"), summary], "rest")
    assert s.draft == "DRAFT ..." and s.status == "done" and s.ref == case.ref


def test_retention_deletes_old_cases_and_conversations_once(
    store: CaseStore, tmp_path: Path
) -> None:
    store.save(snap(ref="GHAAAAAAAA"), who="p", action="a", now=NOW - dt.timedelta(days=40))
    store.save(snap(ref="GHBBBBBBBB"), who="p", action="a", now=NOW - dt.timedelta(days=3))
    tracker = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True)
    with tracker.begin() as conn:  # the shape of Rasa's SQL tracker store
        conn.execute(
            text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp FLOAT)")
        )
        old = (NOW - dt.timedelta(days=40)).replace(tzinfo=dt.timezone.utc).timestamp()
        new = (NOW - dt.timedelta(days=1)).replace(tzinfo=dt.timezone.utc).timestamp()
        for sender, ts in [
            ("old", old),
            ("old", old + 5),
            ("mixed", old),
            ("mixed", new),
            ("new", new),
        ]:
            conn.execute(
                text("INSERT INTO events (sender_id, timestamp) VALUES (:s, :t)"),
                {"s": sender, "t": ts},
            )
    first = purge(NOW, days=30, tracker=tracker)
    assert first["cases"] == 1 and first["answers"] == 2 and first["audit"] == 1
    assert first["conversation_events"] == 2  # a conversation still in use is kept whole
    assert store.case("GHAAAAAAAA") is None and store.case("GHBBBBBBBB") is not None
    again = purge(NOW, days=30, tracker=tracker)
    assert set(again.values()) == {0}
    with tracker.connect() as conn:
        left = (
            conn.execute(text("SELECT DISTINCT sender_id FROM events ORDER BY 1")).scalars().all()
        )
    assert left == ["mixed", "new"]


def test_purging_a_tracker_without_events_is_a_no_op(tmp_path: Path) -> None:
    empty = create_engine(f"sqlite:///{tmp_path / 'empty.db'}", future=True)
    assert purge_conversations(empty, NOW) == 0


def test_the_migrations_match_the_tables_the_code_uses(store: CaseStore) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.tables import metadata

    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_a_database_from_before_the_migrations_is_brought_up_to_date(tmp_path: Path) -> None:
    from bot.store.resume import resume_codes

    old = create_engine(f"sqlite:///{tmp_path / 'old.db'}", future=True)
    resume_codes.create(old)  # what the first release made, without Alembic
    upgraded = engine(f"sqlite:///{tmp_path / 'old.db'}")
    assert {"cases", "alembic_version"} <= set(inspect(upgraded).get_table_names())


def test_training_sessions_are_kept_apart_and_purged_with_the_rest(store: CaseStore) -> None:
    from bot.store.training import TrainingStore

    training = TrainingStore(store.engine)
    for ref, group, days in [("GHTRAINOLD", "c1", 40), ("GHTRAINNEW", "c1", 2)]:
        training.start(
            ref,
            pseudonym="p-" + ref,
            group=group,
            scenario="county-lines-found-out-of-area",
            language="en_GB",
            now=NOW - dt.timedelta(days=days),
        )
    training.finish(
        "GHTRAINNEW",
        turns=40,
        advice_turn=7,
        score=85,
        missed=["travel_tickets"],
        debrief="Debrief: ...",
        now=NOW,
    )
    assert store.count() == 0  # never among real cases
    assert training.debrief("GHTRAINNEW") == "Debrief: ..."
    assert training.most_missed("c1") == [("travel_tickets", 1)]
    assert [s["score"] for s in training.sessions("c1")] == [85, None]
    assert training.sessions("another") == []
    assert purge(NOW, days=30)["training_sessions"] == 1
    assert [s["ref"] for s in training.sessions()] == ["GHTRAINNEW"]
    # A session whose start was never saved still keeps its debrief.
    training.finish(
        "GHTRAINLOST",
        turns=30,
        advice_turn=None,
        score=100,
        missed=[],
        debrief="Debrief: kept",
        now=NOW,
        pseudonym="p-lost",
        group="c1",
        scenario="low-concern-new-friends-at-youth-club",
    )
    assert training.debrief("GHTRAINLOST") == "Debrief: kept"
    assert [s["score"] for s in training.sessions("c1")] == [100, 85]  # newest first


def test_a_teams_users_training_mode_is_kept_and_purged(store: CaseStore) -> None:
    from bot.store.modes import ModeStore

    modes = ModeStore(store.engine)
    assert modes.training_sender("teams-a") is None
    modes.enter("teams-a", "train-" + "1" * 32, NOW - dt.timedelta(days=40))
    modes.enter("teams-b", "train-" + "2" * 32, NOW)
    modes.enter("teams-b", "train-" + "3" * 32, NOW)  # a new practice replaces the last
    assert modes.training_sender("teams-a") == "train-" + "1" * 32
    assert modes.training_sender("teams-b") == "train-" + "3" * 32
    assert purge(NOW, days=30)["channel_modes"] == 1
    assert modes.training_sender("teams-a") is None
    assert modes.leave("teams-b") is True
    assert modes.leave("teams-b") is False
    assert modes.training_sender("teams-b") is None


def test_retention_purges_the_sms_replay_records(store: CaseStore) -> None:
    from bot.store.opt_outs import SmsSeenStore, seen_key

    seen = SmsSeenStore(store.engine)
    old, new = [seen_key("sid", "SM-old")], [seen_key("sid", "SM-new")]
    assert seen.first_time(old, NOW - dt.timedelta(days=40))
    assert seen.first_time(new, NOW)
    seen.show("sender-old", "choices", NOW - dt.timedelta(days=40))
    counts = purge(NOW, days=30)
    assert (counts["sms_seen"], counts["sms_shown"]) == (1, 1)
    assert seen.first_time(old, NOW)  # forgotten after the retention period
    assert not seen.first_time(new, NOW)  # still remembered within it


# --- a case belongs to its conversation (security findings, 3) ------------------------


def test_another_conversation_cannot_overwrite_a_case(store: CaseStore) -> None:
    victim, attacker = case_owner("web-victim"), case_owner("attacker-local")
    store.save(snap(), who="v", owner=victim, action="action_answer", now=NOW)
    before = store.case("GHABCDEFGH")
    assert before is not None and len(before["answers"]) == 2
    # Finding 3: the victim's ref in another conversation's slot, with no answers.
    with pytest.raises(CaseNotYours):
        store.save(snap(answers={}, role=None), who="a", owner=attacker, action="x", now=NOW)
    assert store.case("GHABCDEFGH") == before
    assert store.audit_trail("GHABCDEFGH") == [("v", "rest", "action_answer")]
    # A save that names no conversation cannot write an owned case either.
    with pytest.raises(CaseNotYours):
        store.save(snap(answers={}), who="a", action="x", now=NOW)
    assert store.case("GHABCDEFGH") == before


def test_a_resume_code_moves_the_case_to_the_conversation_that_took_it(
    store: CaseStore,
) -> None:
    first, second = case_owner("sms-first"), case_owner("web-second")
    store.save(snap(), who="1", owner=first, action="action_pause", now=NOW)
    later = NOW + dt.timedelta(minutes=5)
    moved = snap(status="done")
    store.save(moved, who="2", owner=second, action="action_resume", now=later, claim=True)
    store.save(moved, who="2", owner=second, action="action_answer", now=later)
    case = store.case("GHABCDEFGH")
    assert case is not None and case["owner"] == second and case["status"] == "done"
    with pytest.raises(CaseNotYours):  # the conversation that paused it has let it go
        store.save(snap(answers={}), who="1", owner=first, action="x", now=later)


def test_a_case_saved_before_owners_is_taken_by_its_next_save(store: CaseStore) -> None:
    store.save(snap(), who="p", action="a", now=NOW)  # no owner, as before the migration
    assert store.case("GHABCDEFGH")["owner"] is None
    mine = case_owner("rest-user")
    store.save(snap(status="done"), who="p", owner=mine, action="b", now=NOW)
    assert store.case("GHABCDEFGH")["owner"] == mine
    with pytest.raises(CaseNotYours):
        store.save(snap(), who="q", owner=case_owner("someone-else"), action="c", now=NOW)


def test_the_owner_is_a_keyed_digest_not_the_sender_id(store: CaseStore) -> None:
    owner = case_owner("web-abc123")
    assert len(owner) == 64 and "abc123" not in owner
    assert owner != case_owner("web-abc124") and owner == case_owner("web-abc123")


def test_two_threads_open_a_new_postgresql_store_at_once(postgres: Postgres) -> None:
    """The action server's first readiness check and its first retention run can
    open the store together: one migrates, the other waits and gets the same
    engine (two migrations at once wait on each other's locks)."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.store import db as store_db

    url = postgres.new_database()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(store_db.engine, url) for _ in range(2)]
        engines = [f.result(timeout=60) for f in futures]
    assert engines[0] is engines[1]
    assert "cases" in inspect(engines[0]).get_table_names()


def test_every_table_is_declared_in_the_one_schema_module() -> None:
    """bot/store/tables.py is the store's schema: no other module declares a table."""
    store_dir = Path(__file__).resolve().parents[2] / "bot" / "store"
    declaring = sorted(
        p.name for p in store_dir.rglob("*.py") if "Table(" in p.read_text(encoding="utf-8")
    )
    assert declaring == ["tables.py"]
