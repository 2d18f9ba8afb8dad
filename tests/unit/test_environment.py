"""One list of environment variables (bot/environment.py), held to the code and
to every deployment file: nothing read that is not listed, nothing listed that
nothing reads, the Kubernetes values name only variables the code knows, and the
configuration page's tables are the ones the list writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.environment import LIST, SECTIONS, VARIABLES, page_with_tables, table

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


def test_the_configuration_tables_are_the_ones_the_list_writes() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    assert page_with_tables(page) == page, "run python -m bot.environment"


def test_a_table_edited_by_hand_is_put_back_and_a_missing_one_is_an_error() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    edited = page.replace(
        "| `GOLDEN_HOUR_MAX_SENDER_CHARS` | `128` |", "| `GOLDEN_HOUR_MAX_SENDER_CHARS` | `64` |"
    )
    assert edited != page and page_with_tables(edited) == page
    without = page.replace("<!-- table: sms", "<!-- a table: sms")
    with pytest.raises(ValueError, match="no marked table 'sms'"):
        page_with_tables(without)


def test_every_variable_says_its_default_and_what_it_does_in_a_known_table() -> None:
    assert len(VARIABLES) == len(LIST)  # no name twice
    for variable in LIST:
        assert variable.default and variable.what and variable.section in SECTIONS, variable
        assert f"`{variable.name}`" in table(variable.section)


def test_no_secret_has_a_value_for_its_default() -> None:
    """A secret's default says where it comes from, never a value to copy."""
    secrets = [v for v in LIST if v.secret]
    assert {"GOLDEN_HOUR_DATA_KEYS", "GOLDEN_HOUR_ACTION_SECRET", "GOLDEN_HOUR_REST_TOKEN"} <= {
        v.name for v in secrets
    }
    for variable in secrets:
        assert variable.default.split()[0] in {"unset", "none", "derived", "random", "built-in"}


def _shown(value: object) -> str:
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


def test_every_typed_default_is_the_one_the_docs_show() -> None:
    typed = [v for v in LIST if v.value is not None]
    assert len(typed) >= 15
    for variable in typed:
        assert _shown(variable.value) in variable.default, variable.name


def test_the_settings_take_the_lists_defaults_and_types(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import read, settings

    for variable in LIST:
        monkeypatch.delenv(variable.name, raising=False)
    settings.cache_clear()
    try:
        unset = settings()
        assert unset.max_message_chars == VARIABLES["GOLDEN_HOUR_MAX_MESSAGE_CHARS"].value
        assert (
            unset.trainer_lockout_window_s == VARIABLES["GOLDEN_HOUR_TRAINER_LOCKOUT_SECONDS"].value
        )
        assert unset.resume_days == 7 and unset.action_port == 5055

        monkeypatch.setenv("GOLDEN_HOUR_HEALTH_TIMEOUT", "3.5")
        monkeypatch.setenv("GOLDEN_HOUR_ACTION_PORT", " 6055 ")
        monkeypatch.setenv("GOLDEN_HOUR_LOG_LEVEL", "debug")
        settings.cache_clear()
        given = settings()
        assert (given.health_timeout_s, given.action_port, given.log_level) == (3.5, 6055, "DEBUG")
        assert read("GOLDEN_HOUR_RETENTION_DAYS") == 30
        monkeypatch.setenv("GOLDEN_HOUR_RETENTION_DAYS", "")
        assert read("GOLDEN_HOUR_RETENTION_DAYS") == 30  # empty is unset
    finally:
        settings.cache_clear()


# The only places that still touch the environment directly, and why; everything
# else reads through bot.config (settings() once, read() at call time).
DIRECT = {
    "bot/config.py": "the reader itself",
    "bot/ops/topology.py": "hands the environment to the processes it starts",
    "bot/action_secret.py": "checks the environment it is given (the process's by default)",
    "bot/nlp/sentence_encoder.py": "sets HF_HUB_OFFLINE for the transformers library",
    "bot/store/retention.py": "builds Rasa's tracker URL from the endpoints files' variables",
    "bot/channels/common/pipeline.py": "the turn timeout, which wins over credentials.yml",
}


def test_the_code_reads_the_environment_through_the_settings_except_where_said() -> None:
    touching = {
        str(p.relative_to(ROOT))
        for d in ("bot", "actions")
        for p in (ROOT / d).rglob("*.py")
        if re.search(r"\bos\.(environ|getenv)\b", p.read_text(encoding="utf-8"))
    }
    assert touching <= set(DIRECT), sorted(touching - set(DIRECT))
