"""The action server answers Rasa only (security findings, 3): a forged tracker
posted to the real action server without the shared secret, or with a wrong one,
gets 401 and unseals nothing; with the secret the same call works. Only the
action server is started here (no Rasa), so this runs in a few seconds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.action_secret import HEADER
from bot.conversation import Case
from bot.store.sealed import seal_case
from tests.e2e.harness import Servers, http

pytestmark = pytest.mark.e2e

MARKER = "ZEBRAORACLE older boys pick him up after school"


@pytest.fixture(scope="module")
def actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    servers = Servers(workdir=tmp_path_factory.mktemp("action-secret"))
    servers.workdir.mkdir(parents=True, exist_ok=True)
    servers.start_actions()
    yield servers
    servers.stop()


def victims_sealed_slot(servers: Servers, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A case slot as it sits in Rasa's tracker table: the note sealed with the
    deployment's data key, which the attacker does not have."""
    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEYS", servers.data_key)
    case = Case(
        pending="recent_arrival",
        ref="GHVKTMP234",
        role="teacher",
        nation="england",
        setting="school",
        answers={
            "arrived_unaccompanied": {"value": "yes", "how": None, "when": None, "note": MARKER}
        },
        history=["role", "nation", "setting", "arrived_unaccompanied"],
        advised=True,
    )
    slot = seal_case(case.to_dict())
    assert MARKER not in json.dumps(slot)
    return slot


def forged_pause(slot: dict) -> bytes:
    """Finding 3's decryption oracle: "pause" for a conversation that is not the
    victim's, carrying the victim's copied slot."""
    return json.dumps(
        {
            "next_action": "action_pause",
            "sender_id": "attacker-local",
            "version": "3.6.2",
            "tracker": {
                "sender_id": "attacker-local",
                "slots": {"case": slot},
                "latest_message": {"text": "pause", "intent": {"name": "pause"}},
                "events": [],
                "paused": False,
                "followup_action": None,
                "active_loop": {},
                "latest_action_name": "action_listen",
            },
            "domain": {},
        }
    ).encode()


def resume_codes(servers: Servers) -> int:
    db = servers.workdir / "golden_hour.db"
    if not Path(db).exists():
        return 0
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "resume_codes" not in tables:
            return 0
        return conn.execute("SELECT count(*) FROM resume_codes").fetchone()[0]


def post(servers: Servers, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    url = f"http://127.0.0.1:{servers.action_port}/webhook"
    status, raw = http("POST", url, body, {"Content-Type": "application/json", **headers})
    return status, raw.decode("utf-8", "replace")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {HEADER: "wrong"},
        {HEADER: ""},
        {"Authorization": "Bearer guess"},
    ],
    ids=["no secret", "wrong secret", "empty secret", "other header"],
)
def test_a_forged_action_call_is_refused_and_unseals_nothing(
    actions: Servers, monkeypatch: pytest.MonkeyPatch, headers: dict[str, str]
) -> None:
    before = resume_codes(actions)
    status, body = post(actions, forged_pause(victims_sealed_slot(actions, monkeypatch)), headers)
    assert status == 401
    assert "resume code" not in body and MARKER not in body
    assert resume_codes(actions) == before  # nothing stored under a new code


def test_the_wrong_secret_of_the_right_length_is_refused(
    actions: Servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    almost = actions.action_secret[:-1] + ("0" if actions.action_secret[-1] != "0" else "1")
    status, _ = post(
        actions, forged_pause(victims_sealed_slot(actions, monkeypatch)), {HEADER: almost}
    )
    assert status == 401


def test_with_the_secret_the_action_runs(actions: Servers, monkeypatch: pytest.MonkeyPatch) -> None:
    before = resume_codes(actions)
    slot = victims_sealed_slot(actions, monkeypatch)
    status, body = post(actions, forged_pause(slot), {HEADER: actions.action_secret})
    assert status == 200
    assert "Paused. Your resume code is" in body
    assert resume_codes(actions) == before + 1


def test_the_health_check_stays_open(actions: Servers) -> None:
    status, _ = http("GET", f"http://127.0.0.1:{actions.action_port}/health")
    assert status == 200


def test_without_a_secret_the_action_server_does_not_start(tmp_path: Path) -> None:
    servers = Servers(workdir=tmp_path, action_secret="")
    with pytest.raises(RuntimeError, match="exited with 2"):
        servers.start_actions()
    assert "GOLDEN_HOUR_ACTION_SECRET" in servers.action_log.read_text()


def action_call(action: str, sender: str, slot: dict | None, intent: str, text: str) -> bytes:
    return json.dumps(
        {
            "next_action": action,
            "sender_id": sender,
            "version": "3.6.2",
            "tracker": {
                "sender_id": sender,
                "slots": {"case": slot},
                "latest_message": {"text": text, "intent": {"name": intent}, "entities": []},
                "events": [],
                "paused": False,
                "followup_action": None,
                "active_loop": {},
                "latest_action_name": "action_listen",
            },
            "domain": {},
        }
    ).encode()


def stored_answers(servers: Servers, ref: str) -> int:
    with sqlite3.connect(servers.workdir / "golden_hour.db") as conn:
        return conn.execute("SELECT count(*) FROM answers WHERE case_ref = ?", (ref,)).fetchone()[0]


def test_even_with_the_secret_a_slot_naming_another_case_cannot_overwrite_it(
    actions: Servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 3's overwrite, through the real action server: a slot with the
    victim's ref and no answers, from another conversation, changes nothing."""
    secret = {HEADER: actions.action_secret}
    slot = victims_sealed_slot(actions, monkeypatch)
    slot["ref"] = "GHWXYZ2345"
    call = action_call("action_why", "victim-conversation", slot, "why", "why")
    assert post(actions, call, secret)[0] == 200
    assert stored_answers(actions, "GHWXYZ2345") == 1
    forged = {**slot, "answers": {}, "history": []}
    call = action_call("action_answer", "attacker-local", forged, "affirm", "yes")
    status, body = post(actions, call, secret)
    assert status == 200 and "could not save" in body
    assert stored_answers(actions, "GHWXYZ2345") == 1
