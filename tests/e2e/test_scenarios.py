"""Every role-play scenario in the library, played through the real Rasa server and
action server over the REST channel, reaches its model outcome; a scenario with a
wrong model outcome makes the runner's command fail with a diff naming the field;
and a learner's own conversation gets its debrief."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.runtime import knowledge
from bot.training.runner import HttpTransport, play
from bot.training.scenarios import LIBRARY_DIR, load_scenarios, scenario_files
from tests.e2e.harness import ROOT, Servers

pytestmark = pytest.mark.e2e

LIBRARY = scenario_files(LIBRARY_DIR)
YOUTH_CLUB = LIBRARY_DIR / "low-concern-new-friends-at-youth-club.yml"


def runner(
    servers: Servers, *args: str, token: str | None = None
) -> subprocess.CompletedProcess[str]:
    token = token or servers.auth_token or ""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.training.runner",
            *args,
            "--url",
            servers.base,
            "--token",
            token,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_the_scenario_reaches_its_model_outcome_through_the_real_servers(
    servers: Servers, path: Path
) -> None:
    kb = knowledge()
    scenario = load_scenarios(path, kb=kb).scenarios[0]
    run = play(scenario, HttpTransport(servers.base, servers.auth_token), kb)
    assert run.error is None, run.error
    assert run.result is not None and run.played is not None
    diff = [f"{c.field}: expected {c.expected}, got {c.got}" for c in run.result.mismatches()]
    assert run.ok, f"{scenario.id} differs from its model outcome: {diff}; notes: {run.notes}"
    assert run.played.finished and run.played.levels_from == "draft"
    # Full marks, unless the scenario records a known difference (which is shown).
    assert run.result.score.indicators == 50
    assert run.result.score.total == 100 or run.result.known()


def test_a_wrong_model_outcome_fails_the_command_with_a_diff_naming_the_field(
    servers: Servers, tmp_path: Path
) -> None:
    doc = yaml.safe_load(YOUTH_CLUB.read_text())
    assert doc["model_outcome"]["going_missing"] == "low"
    doc["model_outcome"]["going_missing"] = "medium"  # valid, but not what happens
    wrong = tmp_path / YOUTH_CLUB.name
    wrong.write_text(yaml.safe_dump(doc, sort_keys=False))

    text = runner(servers, "run", str(wrong))
    assert text.returncode == 1, text.stdout + text.stderr
    assert "does NOT match the model outcome" in text.stdout
    assert "going_missing: expected medium, got low" in text.stdout
    assert "0 of 1 scenarios match" in text.stdout

    machine = runner(servers, "run", str(wrong), "--json")
    assert machine.returncode == 1
    [result] = json.loads(machine.stdout)
    assert result["matches"] is False
    failed = [c for c in result["checks"] if not c["ok"]]
    assert failed == [
        {
            "field": "going_missing",
            "expected": "medium",
            "got": "low",
            "ok": False,
            "known_difference": None,
        }
    ]


def test_the_right_model_outcome_passes_the_command(servers: Servers) -> None:
    done = runner(servers, "run", str(YOUTH_CLUB))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 scenarios match their model outcome." in done.stdout


def test_a_learners_own_conversation_gets_its_debrief(servers: Servers, tmp_path: Path) -> None:
    kb = knowledge()
    # The learner misses the gang sign and reads a quiet boy as frightened.
    doc = yaml.safe_load(YOUTH_CLUB.read_text())
    doc["facts"]["gang_association"] = "no"
    doc["facts"]["withdrawn_fearful"] = {"answer": "yes", "detail": "He seems quieter."}
    learner_file = tmp_path / YOUTH_CLUB.name
    learner_file.write_text(yaml.safe_dump(doc, sort_keys=False))
    learner = load_scenarios(learner_file, kb=kb).scenarios[0]
    sender = "learner-youth-club"
    run = play(learner, HttpTransport(servers.base, servers.auth_token), kb, sender=sender)
    assert run.error is None and run.played is not None and run.played.finished

    told = runner(servers, "debrief", str(YOUTH_CLUB), "--sender", sender)
    assert told.returncode == 0, told.stderr
    gang = kb.indicators["gang_association"]
    assert "Score: 50/100 (indicators 0/50, immediate advice 20/20" in told.stdout
    assert "Indicators you missed:" in told.stdout and gang.question in told.stdout
    assert gang.why in told.stdout
    assert kb.indicators["withdrawn_fearful"].question in told.stdout  # not in the facts
    assert "This scenario is fictional" in told.stdout


def test_a_wrong_token_is_a_clear_error_not_a_crash(servers: Servers) -> None:
    done = runner(servers, "run", str(YOUTH_CLUB), token="not-the-token")
    assert done.returncode == 2
    assert "HTTP 401 (check --token)" in done.stdout
