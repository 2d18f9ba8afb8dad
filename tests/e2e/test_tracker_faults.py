"""Rasa's tracker database locked, read-only and deleted under the real servers
(the faults of the security report): each turn that cannot be read or kept is
answered with the safety message and its emergency contacts, never a fresh
greeting and never silence; it is logged as failed; and what was stored before
is still there afterwards.

A short SQLite busy timeout (GOLDEN_HOUR_TRACKER_BUSY_TIMEOUT) keeps the locked
case quick. The tests run in order on one pair of servers; the deleted database
comes last."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import Reply, Servers

pytestmark = pytest.mark.e2e

NATION = '/inform{"choice": "nation.wales"}'
NEXT_QUESTION = "Where did you meet the child?"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    running = Servers(
        workdir=tmp_path_factory.mktemp("tracker-faults"),
        extra_env={"GOLDEN_HOUR_TRACKER_BUSY_TIMEOUT": "1"},
    ).start()
    yield running
    running.stop()


def database(servers: Servers) -> Path:
    return servers.workdir / "conversations.db"


def at_nation(servers: Servers) -> tuple[str, tuple]:
    """A conversation at its nation question; what Rasa has stored of it."""
    sender = f"fault-{uuid.uuid4().hex[:8]}"
    for message in ("hello", "/deny", '/inform{"choice": "role.teacher"}'):
        assert servers.send(sender, message).status == 200
    return sender, stored(servers, sender)


def stored(servers: Servers, sender: str) -> tuple:
    tracker = servers.tracker(sender)
    return tracker["slots"]["case"]["pending"], len(tracker["events"])


def assert_safety_message_only(reply: Reply) -> None:
    assert reply.status == 200
    assert [m.get("custom") for m in reply.messages] == [{"kind": "safety"}], reply.text
    assert "999" in reply.text and "NSPCC" in reply.text


def logged(servers: Servers, sender: str) -> list[dict]:
    """Golden Hour's JSON log lines from the Rasa server; the sender never appears."""
    text = servers.rasa_log.read_text(errors="replace")
    assert sender not in text  # not even in the driver's SQL error
    return [json.loads(line) for line in text.splitlines() if line.startswith('{"ts"')]


def assert_logged_as_failed(servers: Servers, sender: str, operation: str) -> None:
    lines = logged(servers, sender)
    assert any(e["event"] == "turn" and e.get("outcome") == "tracker_failed" for e in lines)
    assert any(
        e["event"] == "tracker store failed" and e.get("operation") == operation for e in lines
    )


def test_locked(servers: Servers) -> None:
    sender, before = at_nation(servers)
    assert before[0] == "nation"
    lock = sqlite3.connect(database(servers), isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # held past the busy timeout
    try:
        reply = servers.send(sender, NATION)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert_safety_message_only(reply)  # not the opening of a new conversation
    assert_logged_as_failed(servers, sender, "retrieve")
    assert stored(servers, sender) == before  # nothing lost, no new session on top
    assert NEXT_QUESTION in servers.send(sender, NATION).text  # and it carries on


def immutable_supported(folder: Path) -> bool:
    """chattr +i needs root and a filesystem with the flag (not every tmpfs)."""
    probe = folder / "chattr-probe"
    probe.write_bytes(b"")
    made = subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode == 0
    if made:
        subprocess.run(["chattr", "-i", str(probe)], check=True)
    probe.unlink()
    return made


def test_read_only(servers: Servers) -> None:
    if not immutable_supported(servers.workdir):
        pytest.skip("this filesystem or user cannot make a file immutable (chattr +i)")
    sender, before = at_nation(servers)
    path = database(servers)
    # Immutable: even root cannot write it (a 0444 mode does not stop root).
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        reply = servers.send(sender, NATION)
        again = servers.send(sender, NATION)
        during = servers.health()
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    assert_safety_message_only(reply)  # the answer was not kept: the user is told
    assert_safety_message_only(again)
    assert_logged_as_failed(servers, sender, "save")
    assert during[0] == 503 and during[1]["tracker_store"] == "failing"  # the health check says so
    assert stored(servers, sender) == before
    assert NEXT_QUESTION in servers.send(sender, NATION).text
    assert servers.health()[1]["tracker_store"] == "ok"  # and recovers with the next save


def test_deleted(servers: Servers) -> None:
    sender, _before = at_nation(servers)
    for path in servers.workdir.glob("conversations.db*"):
        path.unlink()
    for _ in range(2):  # every turn, not only the first
        assert_safety_message_only(servers.send(sender, NATION))
    assert_safety_message_only(servers.send(f"new-{uuid.uuid4().hex[:8]}", "hello"))
    assert_logged_as_failed(servers, sender, "retrieve")
