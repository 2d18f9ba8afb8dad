"""The core (the conversation, the triage engine, the guidance, the reader,
privacy) knows nothing of Rasa, the database, the web servers or the process's
environment: it is pure code that the adapters call. Checked on what importing
it actually loads, in a fresh interpreter, and on what its files read."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = (
    "bot.conversation",
    "bot.listen",
    "bot.advice",
    "bot.choices",
    "bot.replies",
    "bot.triage",
    "bot.knowledge",
    "bot.reader",
    "bot.privacy",
    "bot.training.debrief",
)
FORBIDDEN = ("rasa", "rasa_sdk", "sqlalchemy", "sanic", "aiohttp", "twilio", "socketio")
ADAPTERS = ("bot.store", "bot.channels", "bot.ops", "actions")


def test_importing_the_core_loads_no_framework_and_no_adapter() -> None:
    script = (
        "import importlib, json, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    frameworks = sorted({m.split(".")[0] for m in loaded} & set(FORBIDDEN))
    adapters = sorted(m for m in loaded if m.startswith(ADAPTERS))
    assert frameworks == [] and adapters == [], (frameworks, adapters)


def test_the_core_reads_no_environment_variable() -> None:
    reads = re.compile(r"os\.environ|os\.getenv|getenv\(")
    files = []
    for name in CORE:
        path = ROOT / Path(*name.split("."))
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]
    offenders = [str(f.relative_to(ROOT)) for f in files if reads.search(f.read_text())]
    assert offenders == [], offenders
