"""Cases that last, through the real servers: a Rasa restart mid-conversation, the
store's database going away and coming back, and notes encrypted at rest."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine

from bot.store.cases import CaseStore
from tests.e2e.harness import Servers, http

pytestmark = pytest.mark.e2e

NOTE = "she has two phones and a white jacket and will not say who pays for them"


@pytest.fixture(scope="module")
def own_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Servers of this module's own, so their database can be taken away."""
    running = Servers(workdir=tmp_path_factory.mktemp("store-servers")).start()
    yield running
    running.stop()


@pytest.fixture
def store(own_servers: Servers, monkeypatch: pytest.MonkeyPatch) -> CaseStore:
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEYS", own_servers.data_key)
    return CaseStore(create_engine(f"sqlite:///{own_servers.workdir / 'golden_hour.db'}"))


def start_case(servers: Servers) -> str:
    sender = f"store-{uuid.uuid4().hex[:8]}"
    servers.send(sender, "hello")
    servers.send(sender, "/deny")
    servers.send(sender, '/inform{"choice": "role.health"}')
    return sender


def case_of(servers: Servers, sender: str) -> dict:
    return servers.tracker(sender)["slots"]["case"]


def test_a_rasa_restart_mid_conversation_loses_nothing(own_servers: Servers) -> None:
    sender = start_case(own_servers)
    before = case_of(own_servers, sender)
    assert before["pending"] == "nation"
    own_servers.stop_rasa()
    own_servers.start_rasa()
    reply = own_servers.send(sender, '/inform{"choice": "nation.scotland"}')
    after = case_of(own_servers, sender)
    assert after["ref"] == before["ref"] and after["role"] == "health"
    assert after["nation"] == "scotland" and "Where did you meet the child?" in reply.text


def test_notes_are_saved_encrypted_and_the_case_follows_each_turn(
    own_servers: Servers, store: CaseStore
) -> None:
    sender = start_case(own_servers)
    for message in ('/inform{"choice": "nation.wales"}', '/inform{"choice": "setting.school"}'):
        own_servers.send(sender, message)
    own_servers.send(sender, "/affirm")  # going-missing screen
    own_servers.send(sender, '/inform{"choice": "pick.missing_episodes"}')  # a sign listed
    own_servers.send(sender, NOTE)
    ref = case_of(own_servers, sender)["ref"]
    saved = store.case(ref)
    assert saved is not None and saved["nation"] == "wales"
    # a going-missing sign: high at least (immediate if NLU heard the note as urgent)
    assert saved["going_missing"] in ("high", "immediate")
    assert NOTE in [a["note"] for a in saved["answers"].values()]
    raw = (own_servers.workdir / "golden_hour.db").read_bytes()
    assert b"white jacket" not in raw
    trail = store.audit_trail(ref)
    assert {channel for _who, channel, _action in trail} == {"rest"}
    assert "action_answer" in {action for _who, _channel, action in trail}


def test_database_down_gets_the_safety_message_and_catches_up(
    own_servers: Servers, store: CaseStore
) -> None:
    sender = start_case(own_servers)
    ref = case_of(own_servers, sender)["ref"]
    db = own_servers.workdir / "golden_hour.db"
    away = db.with_suffix(".away")
    db.rename(away)
    db.mkdir()  # the database cannot be opened while a folder stands in its place
    try:
        reply = own_servers.send(sender, '/inform{"choice": "nation.england"}')
        assert reply.status == 200
        assert "Where did you meet the child?" in reply.text  # the conversation goes on
        assert "could not save" in reply.text and "999" in reply.text
        # The servers are alive, and say they are not ready while the store is down.
        assert http("GET", f"{own_servers.base}/live")[0] == 200
        status, health = own_servers.health()
        assert status == 503 and health["action_server"] == "not_ready"
    finally:
        db.rmdir()
        away.rename(db)
    assert own_servers.health()[0] == 200  # ready again
    reply = own_servers.send(sender, '/inform{"choice": "setting.health"}')
    assert "could not save" not in reply.text
    saved = store.case(ref)
    # the turn made while the database was away is in the store now
    assert saved is not None and saved["nation"] == "england" and saved["setting"] == "health"


def test_the_tracker_table_keeps_no_typed_words(own_servers: Servers, store: CaseStore) -> None:
    sender = start_case(own_servers)
    for message in ('/inform{"choice": "nation.wales"}', '/inform{"choice": "setting.school"}'):
        own_servers.send(sender, message)
    own_servers.send(sender, "yes")  # going-missing screen, typed
    own_servers.send(sender, "1")  # the first sign listed, typed (then "how do you know?")
    note = "she has a purple rucksack from the man and will not say where she sleeps"
    own_servers.send(sender, note)
    case = case_of(own_servers, sender)
    sealed = [a["note"] for a in case["answers"].values() if a["note"]]
    assert len(sealed) == 1 and sealed[0].startswith("sealed:")  # the slot holds it sealed
    saved = store.case(case["ref"])
    assert saved is not None and note in [a["note"] for a in saved["answers"].values()]
    raw = (own_servers.workdir / "conversations.db").read_bytes()
    assert b"purple rucksack" not in raw  # neither the message nor the slot in the clear
    assert b"yep" not in raw
    assert b"nation.wales" in raw  # button payloads are kept as sent
    events = own_servers.tracker(sender)["events"]
    typed = [e for e in events if e["event"] == "user" and not e["text"].startswith("/")]
    assert typed and {e["text"] for e in typed} == {"[not kept]"}
    assert "affirm" in {e["parse_data"]["intent"]["name"] for e in typed}  # intents kept
