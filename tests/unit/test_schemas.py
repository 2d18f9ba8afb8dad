"""The JSON Schema files reviewers' editors read are the loaders' own schemas:
regenerated from the models, they are what is committed, and the shipped content
passes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot import schemas
from bot.knowledge import DATA_DIR
from bot.knowledge.schema import FILES
from bot.ops import cli
from bot.training.scenarios import LIBRARY_DIR


def test_the_committed_schemas_are_up_to_date() -> None:
    assert schemas.stale() == [], "run: golden-hour schemas"


def test_a_stale_schema_is_found_and_rewritten(tmp_path: Path) -> None:
    schemas.write(tmp_path)
    assert schemas.stale(tmp_path) == []
    target = tmp_path / "guidance" / "contacts.schema.json"
    target.write_text(target.read_text().replace('"phone"', '"telephone"'))
    assert schemas.stale(tmp_path) == ["guidance/contacts.schema.json"]


def test_the_command_checks_the_committed_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schemas", "--check"]) == 0


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_shipped_guidance_file_passes_its_model(name: str) -> None:
    model = FILES[name]
    doc = yaml.safe_load((DATA_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    model.validate(doc)  # raises on any problem, soft or hard


def test_the_guidance_schema_refuses_unknown_keys_and_names_the_vocabularies() -> None:
    actions = json.loads(schemas.rendered()["guidance/immediate_actions.schema.json"])
    entry = actions["definitions"]["ActionEntry"]
    assert entry["additionalProperties"] is False
    assert entry["properties"]["when"]["enum"] == [
        "any",
        "office_hours",
        "out_of_hours",
        "unknown_hours",
    ]
    assert entry["properties"]["last_reviewed"]["format"] == "date"


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_shipped_guidance_file_passes_the_exported_schema(name: str) -> None:
    """What an editor checks against accepts the shipped content (dates as text,
    as an editor's YAML plug-in reads them)."""
    jsonschema = pytest.importorskip("jsonschema")  # installed with Rasa
    doc = yaml.safe_load((DATA_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    as_json = json.loads(json.dumps(doc, default=str))
    schema = json.loads(schemas.rendered()[f"guidance/{name}.schema.json"])
    jsonschema.validate(as_json, schema)


def test_every_shipped_scenario_passes_the_exported_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schemas.rendered()["scenario.schema.json"])
    files = sorted(LIBRARY_DIR.glob("*.yml"))
    assert files
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(json.dumps(doc, default=str)), schema)


def test_the_scenario_schema_names_the_choices_and_refuses_a_real_story() -> None:
    schema = json.loads(schemas.rendered()["scenario.schema.json"])
    audience = schema["definitions"]["AudienceEntry"]["properties"]
    assert "england" in audience["nation"]["enum"] and "teacher" in audience["role"]["enum"]
    assert schema["properties"]["fictional"]["const"] is True
    assert schema["additionalProperties"] is False
