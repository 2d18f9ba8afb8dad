"""A deployment's own local-authority numbers (children's social care front door,
emergency duty team). Only contacts marked ``local: true`` may be filled in."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from bot.knowledge.loader import KnowledgeError
from bot.knowledge.model import Knowledge

_ALLOWED = {"phone", "web", "hours", "name"}


def apply_local_contacts(knowledge: Knowledge, path: Path) -> Knowledge:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError([f"{path.name}: cannot read local contacts ({exc})"]) from exc
    problems: list[str] = []
    contacts = dict(knowledge.contacts)
    if not isinstance(doc, dict):
        raise KnowledgeError([f"{path.name}: expected a mapping of contact id to details"])
    for cid, details in doc.items():
        where = f"{path.name}: entry '{cid}'"
        base = contacts.get(cid)
        if base is None or not base.local:
            problems.append(f"{where}: not a local contact (only local contacts can be set here)")
            continue
        if not isinstance(details, dict) or set(details) - _ALLOWED:
            problems.append(f"{where}: only {sorted(_ALLOWED)} may be given")
            continue
        contacts[cid] = dataclasses.replace(base, **details)
    if problems:
        raise KnowledgeError(problems)
    return dataclasses.replace(knowledge, contacts=contacts)
