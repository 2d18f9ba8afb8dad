"""The core (the conversation, the triage engine, the guidance, the reader,
privacy) knows nothing of Rasa, the database, the web servers or the process's
environment: it is pure code that the adapters call. Checked on what importing
it actually loads, in a fresh interpreter, and on what its files read."""

from __future__ import annotations

import ast
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
ADAPTERS = ("bot.store", "bot.channels", "bot.rasa_adapter", "bot.ops", "actions")


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


# --- the channels: each sub-package stands alone on the common pipeline ----------------

CHANNELS_DIR = ROOT / "bot" / "channels"


def imported_modules(path: Path, module: str) -> set[str]:
    """Every module ``path`` (the module ``module``) imports, relative imports
    resolved; ``from a import b`` counts as ``a`` and ``a.b``, since ``b`` may be
    a module."""
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def channel_rule_breaks(channels_dir: Path, root: Path) -> list[str]:
    """Imports that break the channels' rules: a channel's sub-package may use
    ``bot.channels.common`` (and the core) but no other channel's sub-package, and
    ``common`` uses no channel at all."""
    packages = {p.parent.name for p in channels_dir.glob("*/__init__.py")}
    channels = packages - {"common"}
    prefix = ".".join(channels_dir.relative_to(root).parts) + "."
    breaks = []
    for package in sorted(packages):
        allowed = {package, "common"} if package != "common" else {"common"}
        for path in sorted((channels_dir / package).rglob("*.py")):
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            for name in sorted(imported_modules(path, module)):
                if not name.startswith(prefix):
                    continue
                target = name[len(prefix) :].split(".")[0]
                if target in channels and target not in allowed:
                    breaks.append(f"{path.relative_to(root)} imports {name}")
    return breaks


def test_each_channel_uses_only_the_common_pipeline_and_common_uses_no_channel() -> None:
    assert channel_rule_breaks(CHANNELS_DIR, ROOT) == []


def test_the_channel_rule_catches_a_channel_importing_another(tmp_path: Path) -> None:
    channels = tmp_path / "bot" / "channels"
    for package, source in {
        "common": "from bot.channels.sms import render\n",
        "sms": "from bot.channels.common import inbound\nfrom ..teams import cards\n",
        "teams": "import bot.channels.widget.session\n",
        "widget": "from bot.channels import rest\n",
        "rest": "from bot.channels.rest import door\nfrom bot.channels.common import lanes\n",
    }.items():
        (channels / package).mkdir(parents=True)
        (channels / package / "__init__.py").write_text("")
        (channels / package / "channel.py").write_text(source)
    assert channel_rule_breaks(channels, tmp_path) == [
        "bot/channels/common/channel.py imports bot.channels.sms",
        "bot/channels/common/channel.py imports bot.channels.sms.render",
        "bot/channels/sms/channel.py imports bot.channels.teams",
        "bot/channels/sms/channel.py imports bot.channels.teams.cards",
        "bot/channels/teams/channel.py imports bot.channels.widget.session",
        "bot/channels/widget/channel.py imports bot.channels.rest",
    ]
