"""How well the NLU reads professionals' words: intent F1 by cross-validation.

    .venv/bin/python -m bench.nlu [--folds 3]

Runs `rasa test nlu --cross-validation` on data/nlu (each fold trains the real
pipeline from config.yml on the other folds and tests on the held-out one) and
prints F1 for every intent, the overall (weighted) F1, and the targets:
at least 0.95 on affirm / deny / unsure / urgent, 0.90 overall.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY_INTENTS = ("affirm", "deny", "unsure", "urgent")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="keep Rasa's reports in DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:  # the per-fold models are not kept
        out = args.keep or tmp
        subprocess.run(
            [
                str(Path(sys.executable).parent / "rasa"), "test", "nlu",
                "--nlu", "data/nlu", "--config", "config.yml",
                "--cross-validation", "--folds", str(args.folds),
                "--out", out, "--quiet",
            ],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        report = json.loads((Path(out) / "intent_report.json").read_text())
        errors_file = Path(out) / "intent_errors.json"
        errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    print(f"intent F1 ({args.folds}-fold cross-validation on data/nlu):")
    for intent, scores in sorted(report.items()):
        if (
            isinstance(scores, dict)
            and "f1-score" in scores
            and intent
            not in (
                "macro avg",
                "weighted avg",
                "micro avg",
            )
        ):
            print(f"  {intent:16} {scores['f1-score']:.3f}  (n={scores['support']})")
    overall = report["weighted avg"]["f1-score"]
    print(f"  overall (weighted) {overall:.3f}; macro {report['macro avg']['f1-score']:.3f}")
    confusions = Counter(
        (e["intent"], (e.get("intent_prediction") or {}).get("name")) for e in errors
    )
    print("most common confusions (true -> predicted):")
    for (true, predicted), n in confusions.most_common(8):
        print(f"  {true} -> {predicted}: {n}")
    key = {i: report[i]["f1-score"] for i in KEY_INTENTS}
    ok = all(v >= 0.95 for v in key.values()) and overall >= 0.90
    print("targets (0.95 on affirm/deny/unsure/urgent, 0.90 overall):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
