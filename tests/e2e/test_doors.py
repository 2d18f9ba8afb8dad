"""The doors against the real Rasa server (started as the README starts it, on
loopback): Rasa's version is not on ``GET /`` (finding "Other observations"), and a
typed ``/restart`` does not wipe a conversation (finding 10). REST itself answers
here without a token because the server listens on 127.0.0.1; the token and the
refusal beyond loopback are in tests/unit/test_rest_door.py."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.harness import Servers, http

pytestmark = pytest.mark.e2e


def test_the_root_route_does_not_show_rasas_version(servers: Servers) -> None:
    status, raw = http("GET", f"{servers.base}/")
    assert status == 200
    assert b"Rasa" not in raw and b"3.6" not in raw


@pytest.mark.parametrize("typed", ["/restart", "/session_start"])
def test_a_typed_restart_mid_conversation_changes_nothing_and_says_so(
    servers: Servers, typed: str
) -> None:
    sender = f"doors-{uuid.uuid4().hex[:8]}"
    servers.send(sender, "hello")
    servers.send(sender, "no")
    servers.send(sender, '/inform{"choice": "role.police"}')
    before = servers.tracker(sender)
    reply = servers.send(sender, typed)
    assert reply.status == 400
    assert "nothing has changed" in reply.text and "start again" in reply.text
    assert "999" in reply.messages[-1]["text"]  # the emergency contacts
    after = servers.tracker(sender)
    assert after["slots"]["case"] == before["slots"]["case"]
    assert len(after["events"]) == len(before["events"])  # Rasa never saw it
    # The conversation carries on at the question it was on.
    reply = servers.send(sender, '/inform{"choice": "nation.scotland"}')
    assert reply.status == 200
    case = servers.tracker(sender)["slots"]["case"]
    assert case["role"] == "police" and case["nation"] == "scotland"
