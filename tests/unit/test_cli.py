"""The golden-hour command dispatches to each tool and says what it has."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.ops import cli

ROOT = Path(__file__).resolve().parents[2]


def test_scenario_check_runs_through_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenario", "check", str(ROOT / "scenarios")]) == 0
    assert "14 scenarios are valid." in capsys.readouterr().out


def test_a_broken_scenario_path_fails_through_the_command(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("id: broken\ntitle: no more than this\n", encoding="utf-8")
    assert cli.main(["scenario", "check", str(broken)]) == 2


def test_unknown_and_missing_commands_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenarios"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'scenarios'" in err
    assert "scenario" in err and "trainer" in err
    assert cli.main([]) == 2


def test_each_command_names_itself_in_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    for name in cli.COMMANDS:
        with pytest.raises(SystemExit) as exit_:
            cli.main([name, "--help"])
        assert exit_.value.code == 0
        assert f"usage: golden-hour {name}" in capsys.readouterr().out


def test_the_installed_command_is_on_the_path_of_the_environment() -> None:
    script = Path(sys.executable).with_name("golden-hour")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "golden-hour COMMAND" in done.stdout
