"""The reader's reviewed word lists (bot/reader/data/*.yml), loaded once and checked:
a malformed phrase stops the reader at its first use with the file and entry named."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.reader.phrases import phrase_problem

DATA_DIR = Path(__file__).parent / "data"


class ReaderDataError(ValueError):
    pass


def _check(where: str, value: Any) -> None:
    """Every leaf string under value must be a well-formed phrase."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check(f"{where}.{key}", item)
    elif isinstance(value, list):
        for item in value:
            _check(where, item)
    else:
        problem = phrase_problem(value)
        if problem:
            raise ReaderDataError(f"{where}: {problem}")


PHRASE_KEYS = (
    "roles",
    "by_setting",
    "role_frames",
    "self_roles",
    "nations",
    "settings",
    "nationality_phrases",
    "evidence",
    "negation",
)


@cache
def load(name: str) -> dict[str, Any]:
    """One data file, with the phrase lists it declares checked."""
    path = DATA_DIR / f"{name}.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise ReaderDataError(f"{path.name}: expected a mapping")
    for key in doc.get("phrase_keys", PHRASE_KEYS):
        if key in doc:
            _check(f"{path.name}: {key}", doc[key])
    return doc
