"""A Babel extractor for the guidance YAML, so ``pybabel extract`` collects every
sentence the user can see from bot/knowledge/data as well as from the code.

babel.cfg names it as ``bot.i18n_extract:extract_knowledge``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

# The keys whose values are shown to the user, wherever they appear in a file.
TEXT_KEYS = frozenset(
    {"text", "question", "label", "why", "title", "name", "purpose", "hours", "description"}
)
# Keys never shown to the user (references, dates, notes for reviewers).
SKIP_KEYS = frozenset({"sources", "url", "seen", "note", "gaps", "id", "web", "email", "phone"})


def _walk(node: yaml.Node, key: str | None = None) -> Iterator[tuple[int, str]]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            name = k.value if isinstance(k, yaml.ScalarNode) else None
            if name in SKIP_KEYS:
                continue
            yield from _walk(v, name)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item, key)
    elif (
        isinstance(node, yaml.ScalarNode)
        and key in TEXT_KEYS
        and node.tag == "tag:yaml.org,2002:str"  # not null, dates, numbers
        and node.value.strip()
    ):
        yield node.start_mark.line + 1, node.value


def extract_knowledge(
    fileobj: Any, keywords: Any, comment_tags: Any, options: dict
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extraction method: (line, function name, message, comments)."""
    if str(getattr(fileobj, "name", "")).endswith("sources.yml"):
        return  # publication titles are cited as published, not translated
    source = fileobj.read()
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    root = yaml.compose(source, Loader=yaml.SafeLoader)
    if root is None:
        return
    for line, message in _walk(root):
        yield line, None, message, []
