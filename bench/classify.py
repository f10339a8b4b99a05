"""Measure every classifier engine on labelled datasets, through the worker's code path.

Run `python bench/classify.py [DATASET_DIR ...]` (default: the four dev sets in
shared/datasets). A dataset folder holds rules.json, labels.csv (path,label) and the documents.
Each engine is built by `build_classifier(settings)`, exactly as the worker builds it, with the
null threshold set to 0 so that every document gets the type of its best rule; then, per dataset
and engine, it prints:

- accuracy and macro-F1 of that best rule, and the expected calibration error (10 bins) of its
  confidence;
- at the engine's default null threshold: the share of documents answered and the accuracy of
  those answers;
- the open-set result: each rule removed in turn, the share of its documents whose best
  confidence then falls under the default threshold (so they would get None), averaged over
  the rules;
- milliseconds per document (wall clock, the model on `classifier_threads` = 2 threads), and for
  documents of 2.5-3.5 KB.

It ends with one `RESULT name=value ...` line. `--engines` picks engines (default: lexical, hybrid
(the default engine: all-MiniLM-L6-v2 + USE multilingual) and hybrid-minilm (all-MiniLM-L6-v2
alone)); `--no-open-set` skips the open-set pass, which classifies every document again.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from docsort.classifiers import hybrid, lexical
from docsort.classifiers.base import Classifier, Rule
from docsort.classifiers.factory import build_classifier
from docsort.settings import Settings

DEV_SETS = ("bbc_news", "sdg_goals", "doc_genres", "business_docs")
ENGINES = {
    "lexical": {"classifier_engine": "lexical"},
    "hybrid": {"classifier_engine": "hybrid", "classifier_models": "minilm+use"},
    "hybrid-minilm": {"classifier_engine": "hybrid", "classifier_models": "minilm"},
}
DEFAULT_THRESHOLDS = {
    "lexical": lexical.DEFAULT_NULL_THRESHOLD,
    "hybrid": hybrid.PROFILES["minilm+use"].null_threshold,
    "hybrid-minilm": hybrid.PROFILES["minilm"].null_threshold,
}
SMALL_DOC = (2500, 3500)  # bytes: the "3 KB document" of the speed target


@dataclass
class Dataset:
    """A labelled dataset: its rules, its documents' texts and their gold types."""

    rules: list[Rule]
    texts: list[str]
    labels: list[str]


@dataclass
class Measured:
    """One engine on one dataset."""

    accuracy: float
    macro_f1: float
    ece: float
    answered: float
    answered_accuracy: float
    open_set_null: float | None
    ms_per_doc: float
    ms_3kb: float | None


def main() -> None:
    """Build each engine, measure it on each dataset, print the table and the RESULT line."""
    default_root = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", type=Path, help="dataset folders")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--no-open-set", action="store_true")
    args = parser.parse_args()
    folders = args.datasets or [default_root / name for name in DEV_SETS]
    data = {folder.name: load(folder) for folder in folders}
    figures: list[str] = []
    header = (
        f"{'engine':20} {'dataset':14} {'acc':>6} {'F1':>6} {'ECE':>6} {'answer':>7} "
        f"{'ans.acc':>7} {'open∅':>6} {'ms/doc':>7} {'ms 3KB':>7}"
    )
    print(header)
    for engine in args.engines.split(","):
        settings = Settings(**ENGINES[engine], classifier_null_threshold=0.0)  # type: ignore[arg-type]
        started = time.perf_counter()
        classifier = build_classifier(settings)
        load_s = time.perf_counter() - started
        for name, dataset in data.items():
            m = measure(classifier, dataset, DEFAULT_THRESHOLDS[engine], not args.no_open_set)
            print(
                f"{engine:20} {name:14} {m.accuracy:6.3f} {m.macro_f1:6.3f} {m.ece:6.3f} "
                f"{m.answered:7.2f} {m.answered_accuracy:7.3f} {_opt(m.open_set_null, 6, 2)} "
                f"{m.ms_per_doc:7.1f} {_opt(m.ms_3kb, 7, 1)}"
            )
            prefix = f"{engine}_{name}"
            figures += [f"{prefix}_acc={m.accuracy:.3f}", f"{prefix}_f1={m.macro_f1:.3f}"]
            figures += [f"{prefix}_ece={m.ece:.3f}", f"{prefix}_ms={m.ms_per_doc:.1f}"]
            if m.open_set_null is not None:
                figures.append(f"{prefix}_open_null={m.open_set_null:.2f}")
        print(f"{engine:20} (built in {load_s:.2f} s, threads {settings.classifier_threads})")
    print("RESULT " + " ".join(figures))


def measure(classifier: Classifier, dataset: Dataset, threshold: float, open_set: bool) -> Measured:
    """Classify every document of `dataset` (and, with `open_set`, again without its rule)."""
    predictions: list[str | None] = []
    confidences: list[float] = []
    times: list[float] = []
    sizes: list[int] = []
    for text in dataset.texts:
        started = time.perf_counter()
        result = classifier.classify(text, dataset.rules)
        times.append(time.perf_counter() - started)
        sizes.append(len(text.encode()))
        predictions.append(result.type)
        confidences.append(result.confidence)
    right = [p == g for p, g in zip(predictions, dataset.labels, strict=True)]
    answered = [c >= threshold for c in confidences]
    answered_right = sum(a and r for a, r in zip(answered, right, strict=True))
    small = [t for t, s in zip(times, sizes, strict=True) if SMALL_DOC[0] <= s <= SMALL_DOC[1]]
    return Measured(
        accuracy=sum(right) / len(right),
        macro_f1=macro_f1(dataset, predictions),
        ece=ece(confidences, right),
        answered=sum(answered) / len(answered),
        answered_accuracy=answered_right / max(1, sum(answered)),
        open_set_null=open_set_null(classifier, dataset, threshold) if open_set else None,
        ms_per_doc=1000 * statistics.mean(times),
        ms_3kb=1000 * statistics.median(small) if small else None,
    )


def macro_f1(dataset: Dataset, predictions: list[str | None]) -> float:
    """The mean over the rules of each rule's F1 (a None counts as a miss)."""
    scores = []
    for rule in dataset.rules:
        pairs = list(zip(predictions, dataset.labels, strict=True))
        tp = sum(p == g == rule.type for p, g in pairs)
        fp = sum(p == rule.type != g for p, g in pairs)
        fn = sum(g == rule.type != p for p, g in pairs)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return statistics.mean(scores)


def open_set_null(classifier: Classifier, dataset: Dataset, threshold: float) -> float:
    """Each rule removed in turn: mean share of its documents whose best confidence < threshold."""
    shares = []
    for removed in dataset.rules:
        others: list[Rule] = [r for r in dataset.rules if r.type != removed.type]
        texts = [t for t, g in zip(dataset.texts, dataset.labels, strict=True) if g == removed.type]
        if not others or not texts:
            continue
        nulls = sum(classifier.classify(t, others).confidence < threshold for t in texts)
        shares.append(nulls / len(texts))
    return statistics.mean(shares)


def load(folder: Path) -> Dataset:
    """Read a dataset folder (rules.json, labels.csv with path,label, the documents)."""
    rules = [Rule.model_validate(r) for r in json.loads((folder / "rules.json").read_text())]
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [(folder / row["path"]).read_text(encoding="utf-8") for row in rows]
    return Dataset(rules, texts, [row["label"] for row in rows])


def ece(confidences: list[float], correct: list[bool], bins: int = 10) -> float:
    """Expected calibration error: mean |accuracy - confidence| over equal-width bins."""
    sums = [[0.0, 0.0, 0.0] for _ in range(bins)]  # count, confidence, right
    for confidence, ok in zip(confidences, correct, strict=True):
        cell = sums[min(int(confidence * bins), bins - 1)]
        cell[0] += 1
        cell[1] += confidence
        cell[2] += ok
    return sum(abs(right - conf) for _, conf, right in sums) / len(confidences)


def _opt(value: float | None, width: int, digits: int) -> str:
    return f"{value:{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


if __name__ == "__main__":
    main()
