"""Build the spaCy pipeline from bot/nlp/patterns/*.jsonl.

``python -m bot.nlp.build OUT_DIR``: writes a loadable pipeline (blank English +
EntityRuler) to OUT_DIR. Rasa's SpacyNLP loads it by path (see config.yml).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import spacy
from spacy.language import Language

PATTERN_DIR = Path(__file__).parent / "patterns"


def load_patterns(pattern_dir: Path = PATTERN_DIR) -> list[dict]:
    patterns: list[dict] = []
    for path in sorted(pattern_dir.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                pattern = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path.name}:{number}: not valid JSON ({exc})") from exc
            if set(pattern) - {"label", "pattern", "id"} or "label" not in pattern:
                raise SystemExit(f"{path.name}:{number}: needs 'label' and 'pattern' only")
            patterns.append(pattern)
    return patterns


def build(pattern_dir: Path = PATTERN_DIR) -> Language:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(load_patterns(pattern_dir))
    nlp.meta["name"] = "golden_hour_en"
    nlp.meta["description"] = "Blank English pipeline with Golden Hour's entity rules"
    return nlp


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bot.nlp.build OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    build().to_disk(out)
    print(f"spaCy pipeline written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
