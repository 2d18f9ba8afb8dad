"""Write the content schemas as JSON Schema, for the content reviewers' editors.

    golden-hour schemas [--check]      (or: python -m bot.schemas)

writes schemas/guidance/<file>.schema.json for each guidance file and
schemas/scenario.schema.json, from the same pydantic models the loaders check
with (bot/knowledge/schema.py, bot/training/scenario_schema.py). ``--check``
writes nothing and fails when a committed file is out of date.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.knowledge.schema import FILES
from bot.knowledge.schema_kit import Entry
from bot.training.scenario_schema import ScenarioFile

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "schemas"
DRAFT = "http://json-schema.org/draft-07/schema#"


def _text(model: type[Entry], title: str) -> str:
    schema = {"$schema": DRAFT, **model.schema()}
    schema["title"] = title
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def rendered() -> dict[str, str]:
    """Each schema file's path under schemas/ and its text."""
    out = {
        f"guidance/{name}.schema.json": _text(model, f"{name}.yml") for name, model in FILES.items()
    }
    out["scenario.schema.json"] = _text(ScenarioFile, "role-play scenario")
    return out


def stale(root: Path = SCHEMA_DIR) -> list[str]:
    """The schema files under ``root`` that are missing or differ from the models."""
    return [
        rel
        for rel, text in rendered().items()
        if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text
    ]


def write(root: Path = SCHEMA_DIR) -> list[Path]:
    written = []
    for rel, text in rendered().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None, prog: str = "python -m bot.schemas") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if a file is out of date"
    )
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale()
        for rel in out_of_date:
            print(f"schemas/{rel} is out of date: run golden-hour schemas", file=sys.stderr)
        return 1 if out_of_date else 0
    for path in write():
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
