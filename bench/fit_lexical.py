"""Fit the lexical engine's temperature and null threshold on the four dev datasets.

Run `python bench/fit_lexical.py [--datasets DIR]`. Prints the accuracy per dataset (the argmax,
which no temperature changes), the expected calibration error (10 bins) of the confidences for
each temperature, the temperature with the lowest mean ECE, then, at that temperature, how each
null threshold trades in-scope answers against out-of-scope documents turned into None, and
ends with one `RESULT name=value ...` line.

The null threshold chosen maximises the mean over rule sets of the net score of the in-scope
documents, (answered right - answered wrong) / documents, with None scoring 0: a wrong type costs
as much as a right one gains (with calibrated confidences the optimum is near 0.5). Shown beside
it: the share of out-of-scope documents turned into None, out-of-scope documents being dev
documents of one dataset classified against another dataset's rules where no rule fits them
(for instance a novel chapter against the news sections).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path

from docsort.classifiers import LexicalClassifier, Rule
from docsort.classifiers.lexical import softmax

DATASETS = {
    "bbc": "bbc_news",
    "sdg": "sdg_goals",
    "genres": "doc_genres",
    "business": "business_docs",
}
TEMPERATURES = (0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.07, 0.1)
THRESHOLDS = (0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
BINS = 10
# For each rule set: (dataset, label) pairs of documents that none of its rules describes.
OUT_OF_SCOPE = {
    "bbc": [("genres", "literature"), ("genres", "spam_email"), ("business", "receipt"),
            ("business", "resume")],
    "sdg": [("genres", "literature"), ("business", "receipt"), ("business", "resume"),
            ("bbc", "sport"), ("bbc", "entertainment")],
    "genres": [("business", "receipt"), ("business", "resume"), ("business", "contract")],
    "business": [("genres", "literature"), ("genres", "speech"), ("genres", "report_excerpt")],
}  # fmt: skip


@dataclass
class Dataset:
    """One dev dataset: its rules and its labelled documents."""

    rules: list[Rule]
    texts: list[str]
    labels: list[str]


def main() -> None:
    """Evaluate the grid and print the tables and the RESULT line."""
    default_dir = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=default_dir)
    args = parser.parse_args()
    data = {key: load(args.datasets / name) for key, name in DATASETS.items()}
    engine = LexicalClassifier()

    started = time.perf_counter()
    sims = {key: [engine.similarities(t, d.rules) for t in d.texts] for key, d in data.items()}
    n_docs = sum(len(d.texts) for d in data.values())
    elapsed_ms = (time.perf_counter() - started) * 1000 / n_docs
    correct = {key: [_argmax(s) == _gold(data[key], i) for i, s in enumerate(sims[key])]
               for key in data}  # fmt: skip
    accuracy = {key: sum(c) / len(c) for key, c in correct.items()}
    out_of_scope = {key: _out_of_scope_similarities(engine, data, key) for key in data}
    print(f"{n_docs} documents, {elapsed_ms:.2f} ms each (similarities only)")
    print("accuracy (argmax): " + "  ".join(f"{k}={a:.3f}" for k, a in accuracy.items()))

    print(f"\nECE ({BINS} bins) by temperature")
    print("temperature " + " ".join(f"{k:>9}" for k in data) + "      mean")
    mean_ece: dict[float, float] = {}
    for temperature in TEMPERATURES:
        eces = [ece([max(softmax(s, temperature)) for s in sims[k]], correct[k]) for k in data]
        mean_ece[temperature] = sum(eces) / len(eces)
        row = " ".join(f"{e:9.3f}" for e in eces)
        print(f"{temperature:11.3f} {row} {mean_ece[temperature]:9.3f}")
    temperature = min(TEMPERATURES, key=lambda t: (mean_ece[t], t))
    print(f"chosen temperature {temperature} (lowest mean ECE {mean_ece[temperature]:.3f})")

    print(f"\nnull thresholds at temperature {temperature}: in-scope coverage / accuracy of the")
    print("answers / out-of-scope share turned into None, per rule set; then the mean net score")
    score: dict[float, float] = {}
    oos_rejected: dict[float, float] = {}
    for threshold in THRESHOLDS:
        cells: list[str] = []
        net: list[float] = []
        rejections: list[float] = []
        for key in data:
            confs = [_confidence(s, temperature) for s in sims[key]]
            answered = [c >= threshold for c in confs]
            right = sum(a and ok for a, ok in zip(answered, correct[key], strict=True))
            coverage = sum(answered) / len(answered)
            precision = right / max(1, sum(answered))
            oos = [_confidence(s, temperature) for s in out_of_scope[key]]
            rejected = sum(c < threshold for c in oos) / len(oos)
            net.append((2 * right - sum(answered)) / len(answered))
            rejections.append(rejected)
            cells.append(f"{key} {coverage:.2f}/{precision:.2f}/{rejected:.2f}")
        score[threshold] = sum(net) / len(net)
        oos_rejected[threshold] = sum(rejections) / len(rejections)
        print(f"{threshold:5.2f}  " + "  ".join(cells) + f"  net={score[threshold]:.3f}")
    threshold = max(THRESHOLDS, key=lambda t: (score[t], -t))
    print(f"chosen null threshold {threshold} (mean net score {score[threshold]:.3f})")

    figures = " ".join(f"{k}_acc={a:.3f}" for k, a in accuracy.items())
    print(
        f"RESULT {figures} temperature={temperature} ece={mean_ece[temperature]:.3f} "
        f"null_threshold={threshold} net={score[threshold]:.3f} "
        f"out_of_scope_null={oos_rejected[threshold]:.3f}"
    )


def load(folder: Path) -> Dataset:
    """Read a dataset folder (rules.json, labels.csv, docs/)."""
    rules = [Rule.model_validate(r) for r in json.loads((folder / "rules.json").read_text())]
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [(folder / row["path"]).read_text(encoding="utf-8") for row in rows]
    return Dataset(rules, texts, [row["label"] for row in rows])


def ece(confidences: list[float], correct: list[bool], bins: int = BINS) -> float:
    """Expected calibration error: the mean |accuracy - confidence| over equal-width bins."""
    sums: list[list[float]] = [[0.0, 0.0, 0.0] for _ in range(bins)]  # count, conf, right
    for conf, ok in zip(confidences, correct, strict=True):
        cell = sums[min(int(conf * bins), bins - 1)]
        cell[0] += 1
        cell[1] += conf
        cell[2] += ok
    total = len(confidences)
    return sum(abs(right - conf) / total for n, conf, right in sums if n)


def _argmax(scores: list[float]) -> int:
    return max(range(len(scores)), key=lambda i: (scores[i], -i))


def _gold(dataset: Dataset, i: int) -> int:
    return [r.type for r in dataset.rules].index(dataset.labels[i])


def _confidence(sims: list[float], temperature: float) -> float:
    # As the classifier reports it: 0 when no rule word occurs, else the best softmax share.
    return max(softmax(sims, temperature)) if any(sims) else 0.0


def _out_of_scope_similarities(
    engine: LexicalClassifier, data: dict[str, Dataset], key: str
) -> list[list[float]]:
    rules = data[key].rules
    return [
        engine.similarities(text, rules)
        for source, label in OUT_OF_SCOPE[key]
        for text, gold in zip(data[source].texts, data[source].labels, strict=True)
        if gold == label
    ]


if __name__ == "__main__":
    main()
