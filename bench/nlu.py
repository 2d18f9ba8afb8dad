"""How well the NLU reads professionals' words: intent F1 by cross-validation.

    .venv/bin/python -m bench.nlu [--folds 3] [--seed 1] [--config config.yml] [--nlu data/nlu]

Runs `rasa test nlu --cross-validation` on data/nlu (each fold trains the real
pipeline from config.yml on the other folds and tests on the held-out one) and
prints F1 for every intent, the overall (weighted) F1, and the targets:
at least 0.95 on affirm / deny / unsure / urgent, 0.90 overall.

Rasa draws the folds at random; ``--seed`` fixes the draw, so two pipelines can
be compared on the same folds (a change of folds alone moves an intent's F1 by
up to about 0.03).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bot.nlp.answer_lexicon import answer_intent

ROOT = Path(__file__).resolve().parents[1]
KEY_INTENTS = ("affirm", "deny", "unsure", "urgent")
# `rasa` with NumPy's global generator seeded first: Rasa's StratifiedKFold
# shuffles with it (rasa.nlu.test.generate_folds passes no random_state).
SEEDED_RASA = (
    "import sys, numpy; numpy.random.seed(int(sys.argv.pop(1))); "
    "from rasa.__main__ import main; sys.argv[0] = 'rasa'; main()"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="keep Rasa's reports in DIR")
    parser.add_argument("--seed", type=int, default=1, help="which random folds")
    parser.add_argument("--config", default="config.yml", help="the pipeline to measure")
    parser.add_argument("--nlu", default="data/nlu", help="the training data to measure on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:  # the per-fold models are not kept
        out = args.keep or tmp
        subprocess.run(
            [
                sys.executable, "-c", SEEDED_RASA, str(args.seed), "test", "nlu",
                "--nlu", args.nlu, "--config", args.config,
                "--cross-validation", "--folds", str(args.folds),
                "--out", out, "--quiet", "--successes",
            ],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        report = json.loads((Path(out) / "intent_report.json").read_text())
        errors_file = Path(out) / "intent_errors.json"
        errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
        successes_file = Path(out) / "intent_successes.json"
        successes = json.loads(successes_file.read_text()) if successes_file.exists() else []
    print(
        f"intent F1 ({args.folds}-fold cross-validation, folds seed {args.seed}, "
        f"on {args.nlu}, {args.config}):"
    )
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
    # The reviewed answer-word list (bot/nlp/answer_words.yml) reads its own words
    # for certain, in every fold; words were added to it from earlier error
    # analyses, so the figures above flatter the classifier. These are the same
    # predictions restricted to messages the list does not cover: how well
    # phrasing nobody listed is read.
    unlisted = [r for r in successes + errors if answer_intent(r["text"]) is None]
    listed = len(successes) + len(errors) - len(unlisted)
    print(f"messages the reviewed list reads: {listed} of {len(successes) + len(errors)}")
    print("intent F1 on the other messages (the classifier alone):")
    scores = f1_by_intent(unlisted)
    for intent in KEY_INTENTS:
        f1, n = scores.get(intent, (0.0, 0))
        print(f"  {intent:16} {f1:.3f}  (n={n})")
    print(f"  overall (weighted) {weighted(scores):.3f}")
    return 0


def f1_by_intent(results: list[dict]) -> dict[str, tuple[float, int]]:
    """Per-intent F1 and support from Rasa's per-message predictions."""
    true = Counter(r["intent"] for r in results)
    predicted = Counter(_predicted(r) for r in results)
    hits = Counter(r["intent"] for r in results if _predicted(r) == r["intent"])
    out = {}
    for intent, support in true.items():
        precision = hits[intent] / predicted[intent] if predicted[intent] else 0.0
        recall = hits[intent] / support
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[intent] = (f1, support)
    return out


def _predicted(result: dict) -> str | None:
    return (result.get("intent_prediction") or {}).get("name")


def weighted(scores: dict[str, tuple[float, int]]) -> float:
    total = sum(n for _, n in scores.values())
    return sum(f1 * n for f1, n in scores.values()) / total if total else 0.0


if __name__ == "__main__":
    sys.exit(main())
