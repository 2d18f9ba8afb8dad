"""One list of environment variables (bot/environment.py), held to the code and
to every deployment file: nothing read that is not listed, nothing listed that
nothing reads, and the Kubernetes values name only variables the code knows."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.environment import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bGOLDEN_HOUR_[A-Z0-9_]*[A-Z0-9]\b")
KUBERNETES = sorted((ROOT / "deploy" / "kubernetes").glob("*.yml"))


def sources() -> list[Path]:
    files = [p for d in ("bot", "actions", "scripts") for p in (ROOT / d).rglob("*") if p.is_file()]
    files += [p for p in (ROOT / "deploy").rglob("*") if p.is_file()]
    files += [ROOT / "endpoints.yml", ROOT / "credentials.yml"]
    return [p for p in files if p.suffix in ("", ".py", ".yml", ".cfg", ".sh")]


def named_in(paths: list[Path]) -> set[str]:
    return {m for p in paths for m in NAME.findall(p.read_text(errors="replace"))}


def test_every_variable_the_code_and_deploy_files_read_is_listed() -> None:
    unlisted = named_in(sources()) - set(VARIABLES)
    assert not unlisted, f"add to bot/environment.py: {sorted(unlisted)}"


def test_every_listed_variable_is_read_somewhere() -> None:
    own = {name for name in VARIABLES if name.startswith("GOLDEN_HOUR_")}
    found = named_in([p for p in sources() if p.name != "environment.py"])
    assert own - found == set(), sorted(own - found)


def test_the_kubernetes_values_name_only_known_variables() -> None:
    assert KUBERNETES, "deploy/kubernetes/ holds the Helm values"
    for path in KUBERNETES:
        values = yaml.safe_load(path.read_text())
        names = {entry["name"] for entry in values["extraEnv"]}
        assert names and names <= set(VARIABLES), (path.name, sorted(names - set(VARIABLES)))


def test_the_kubernetes_probes_are_the_servers_live_and_ready_routes() -> None:
    for path in KUBERNETES:
        values = yaml.safe_load(path.read_text())
        assert values["livenessProbe"]["httpGet"]["path"] == "/live", path.name
        assert values["readinessProbe"]["httpGet"]["path"] == "/ready", path.name


def test_the_rasa_servers_start_from_the_same_production_files() -> None:
    args = yaml.safe_load((ROOT / "deploy" / "kubernetes" / "rasa-values.yml").read_text())["args"]
    for flag, file in (
        ("--endpoints", "deploy/endpoints.production.yml"),
        ("--credentials", "deploy/credentials.production.yml"),
    ):
        assert args[args.index(flag) + 1] == file and (ROOT / file).is_file()


def test_the_configuration_page_explains_every_variable() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    unexplained = [name for name in VARIABLES if f"`{name}`" not in page]
    assert unexplained == [], f"add to docs/configuration.md: {unexplained}"
