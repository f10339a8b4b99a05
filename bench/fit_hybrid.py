"""Fit the hybrid engine's constants on the four dev datasets, with cross-validation.

Run `python bench/fit_hybrid.py [--datasets DIR] [--models minilm+use|minilm]`. It scores every
dev document with each channel (one per embedding model, lexical, form cues) through
`HybridClassifier`,
caching the raw scores under /tmp (keyed by the texts, rules and engine constants, so a rerun
after a change recomputes), then fits, in order:

1. the typical spread of each channel across rules (`SCALE_PRIOR`: medians of the per-document
   standard deviations), which the z-scores shrink towards, and the scores of the virtual
   "none of these" option (`BACKGROUND`: medians of the scores for rules that are not the
   document's own);
2. the fusion weights, by maximum likelihood of the gold rule under the softmax of the fused
   z-scores (each dataset weighing the same), reported normalised to sum 1;
3. the temperature at six rules and its growth with the number of rules K (T = T6 *
   (K / 6) ** growth) with the lowest mean expected calibration error (10 bins) over the sets;
4. the null threshold with the best mean net score ((right - wrong) / documents, None = 0).

It prints the open-set result at each threshold (each rule removed in turn: the share of its
documents that then get None), a leave-one-dataset-out table (constants fitted on three sets,
measured on the fourth) and a final `RESULT` line.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import inspect
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from docsort.classifiers import Rule, cues, embedding, hybrid, multilingual
from docsort.classifiers import lexical as lexical_module
from docsort.classifiers import text as text_module
from docsort.classifiers.factory import build_encoders
from docsort.classifiers.hybrid import PROFILES, HybridClassifier
from docsort.classifiers.lexical import LexicalClassifier
from docsort.settings import Settings

DATASETS = ("bbc_news", "sdg_goals", "doc_genres", "business_docs")
CACHE_DIR = Path("/tmp/docsort-fit-hybrid")
TEMPERATURES = tuple(round(t, 3) for t in np.arange(0.2, 1.01, 0.02))
THRESHOLDS = (0.0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
GROWTHS = tuple(round(g, 2) for g in np.arange(0.0, 1.51, 0.1))
Array = npt.NDArray[np.float64]
Temperature = tuple[float, float]  # at six rules, growth exponent


@dataclass
class Dataset:
    """A labelled dataset: its rules, its documents' texts and their gold types."""

    rules: list[Rule]
    texts: list[str]
    labels: list[str]


@dataclass
class Scored:
    """One dataset's raw channel scores: (documents, rules, 3) and the gold rule indices."""

    raw: Array
    gold: npt.NDArray[np.int64]
    # For each rule j: the raw scores of rule j's documents against the other rules.
    open_set: list[Array]


def main() -> None:
    """Score, fit, cross-validate and print the tables and the RESULT line."""
    default_dir = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=default_dir)
    parser.add_argument("--models", choices=tuple(PROFILES), default="minilm+use")
    args = parser.parse_args()
    settings = Settings(classifier_engine="hybrid", classifier_models=args.models)
    profile = PROFILES[args.models]
    encoders = build_encoders(profile, settings.classifier_threads)
    engine = HybridClassifier(encoders, profile, max_chunks=settings.classifier_max_chunks)
    scored = {name: score(engine, load(args.datasets / name), args.models) for name in DATASETS}
    channels = [*profile.models, "lexical", "form"]

    priors = spread_priors(list(scored.values()))
    weights, temperature, threshold = fit(scored, priors)
    print(f"\nchannels: {', '.join(channels)}")
    print(f"spread priors: {_fmt(priors.spread, 4)}")
    print(f"background: {_fmt(priors.background, 4)}")
    print(
        f"weights: {_fmt(weights)}; temperature {temperature[0]} at 6 rules, growth "
        f"{temperature[1]}"
    )
    print(f"\n{'dataset':14} {'acc':>6} {'ECE':>6}  (all four sets fitted together)")
    for name, data in scored.items():
        acc, error = evaluate(data, priors, weights, temperature)
        print(f"{name:14} {acc:6.3f} {error:6.3f}")
    report_thresholds(scored, priors, weights, temperature)
    print(f"chosen null threshold {threshold}")

    print("\ncross-validation: fitted on the other three sets, measured on this one")
    print(f"{'held out':14} {'acc':>6} {'ECE':>6}  weights ({', '.join(channels)})   T")
    held_acc: list[float] = []
    for name in DATASETS:
        rest = {k: v for k, v in scored.items() if k != name}
        rest_priors = spread_priors(list(rest.values()))
        w, t, _ = fit(rest, rest_priors)
        acc, error = evaluate(scored[name], rest_priors, w, t)
        held_acc.append(acc)
        print(f"{name:14} {acc:6.3f} {error:6.3f}  {_fmt(w):24} {t[0]} x (K/6)^{t[1]}")
    print(
        f"RESULT models={args.models} weights={','.join(f'{w:.3f}' for w in weights)} "
        f"temperature={temperature[0]} temperature_growth={temperature[1]} "
        f"null_threshold={threshold} "
        f"spread={','.join(f'{p:.4f}' for p in priors.spread)} "
        f"background={','.join(f'{b:.4f}' for b in priors.background)} "
        f"cv_acc={','.join(f'{a:.3f}' for a in held_acc)}"
    )


def score(engine: HybridClassifier, data: Dataset, models: str) -> Scored:
    """Every document's raw channel scores (cached on disk under /tmp)."""
    key = _cache_key(data, models)
    path = CACHE_DIR / f"{key}.npz"
    types = [rule.type for rule in data.rules]
    if path.is_file():
        with np.load(path) as cached:
            opened = [np.asarray(cached[f"open{j}"], dtype=np.float64) for j in range(len(types))]
            return Scored(np.asarray(cached["raw"], dtype=np.float64), cached["gold"], opened)
    started = time.perf_counter()
    gold = np.array([types.index(label) for label in data.labels], dtype=np.int64)
    raw = np.stack([engine.channel_scores(t, data.rules) for t in data.texts])
    lexical_channel = raw.shape[2] - 2
    lexical = LexicalClassifier(max_chars=engine.max_chunks * 4000)
    open_set: list[Array] = []
    for j, _ in enumerate(data.rules):
        others: list[Rule] = [r for i, r in enumerate(data.rules) if i != j]
        rows = raw[gold == j][:, [i for i in range(len(types)) if i != j], :].copy()
        texts = [t for t, g in zip(data.texts, gold, strict=True) if g == j]
        # IDF depends on the rule set, so the lexical channel is recomputed without rule j.
        rows[:, :, lexical_channel] = [lexical.similarities(t, others) for t in texts]
        open_set.append(rows)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, npt.NDArray[np.generic]] = {"raw": raw, "gold": gold}
    arrays.update({f"open{j}": rows for j, rows in enumerate(open_set)})
    np.savez(path, **arrays)  # type: ignore[arg-type]
    print(f"scored {len(data.texts)} documents in {time.perf_counter() - started:.0f} s")
    return Scored(raw, gold, open_set)


@dataclass
class Priors:
    """Each channel's typical spread across rules, and its typical score for another's rule."""

    spread: Array
    background: Array


def spread_priors(sets: list[Scored]) -> Priors:
    """Medians of each channel's per-document spread and of its scores for other rules."""
    stds = np.concatenate([s.raw.std(axis=1) for s in sets])
    others = []
    for s in sets:
        own = np.zeros(s.raw.shape[:2], dtype=bool)
        own[np.arange(len(s.gold)), s.gold] = True
        others.append(s.raw[~own])
    return Priors(
        spread=np.median(stds, axis=0), background=np.median(np.concatenate(others), axis=0)
    )


def fit(scored: dict[str, Scored], priors: Priors) -> tuple[Array, Temperature, float]:
    """Weights (sum 1), temperature and null threshold fitted on `scored`."""
    features = {k: standardise(s.raw, priors) for k, s in scored.items()}
    beta = conditional_logit([features[k] for k in scored], [s.gold for s in scored.values()])
    weights = beta / beta.sum()

    def mean_ece(temperature: Temperature) -> float:
        return float(
            np.mean([evaluate(s, priors, weights, temperature)[1] for s in scored.values()])
        )

    grid = [(t, g) for t in TEMPERATURES for g in GROWTHS]
    temperature = min(grid, key=lambda t: (round(mean_ece(t), 6), t[1], t[0]))

    def net(threshold: float) -> float:
        return float(
            np.mean([_net(s, priors, weights, temperature, threshold) for s in scored.values()])
        )

    threshold = max(THRESHOLDS, key=lambda t: (round(net(t), 6), -t))
    return weights, temperature, threshold


def standardise(raw: Array, priors: Priors) -> Array:
    """The engine's z-scores (documents, rules + "none of these", channels) of raw scores."""
    background = np.broadcast_to(priors.background, (raw.shape[0], 1, raw.shape[2]))
    raw = np.concatenate([raw, background], axis=1)
    count = raw.shape[1]
    centred = raw - raw.mean(axis=1, keepdims=True)
    spread = np.sqrt(
        (count * raw.var(axis=1, keepdims=True) + hybrid.PRIOR_RULES * priors.spread**2)
        / (count + hybrid.PRIOR_RULES)
    )
    result: Array = centred / spread
    return result


def conditional_logit(features: list[Array], gold: list[npt.NDArray[np.int64]]) -> Array:
    """Weights maximising the mean (per dataset) log-likelihood of the gold rule (Newton)."""
    beta = np.zeros(features[0].shape[2])
    for _ in range(50):
        gradient = 1e-3 * beta
        hessian = 1e-3 * np.eye(len(beta))
        for x, y in zip(features, gold, strict=True):
            p = _softmax(x @ beta)
            mean_x = np.einsum("nk,nkf->nf", p, x)
            gradient += (mean_x - x[np.arange(len(y)), y]).mean(axis=0)
            second = np.einsum("nk,nkf,nkg->fg", p, x, x) / len(y)
            hessian += second - mean_x.T @ mean_x / len(y)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def evaluate(
    data: Scored, priors: Priors, weights: Array, temperature: Temperature
) -> tuple[float, float]:
    """Accuracy (argmax) and expected calibration error of the confidences."""
    probs = _rule_probabilities(data.raw, priors, weights, temperature)
    right = probs.argmax(axis=1) == data.gold
    return float(right.mean()), ece(probs.max(axis=1), right)


def report_thresholds(
    scored: dict[str, Scored], priors: Priors, weights: Array, temperature: Temperature
) -> None:
    """Per threshold: answered share / precision / open-set None share per set, mean net."""
    print("\nnull thresholds: answered / accuracy of the answers / open-set None, per set")
    for threshold in THRESHOLDS:
        cells = []
        for name, data in scored.items():
            probs = _rule_probabilities(data.raw, priors, weights, temperature)
            answered = probs.max(axis=1) >= threshold
            right = answered & (probs.argmax(axis=1) == data.gold)
            cells.append(
                f"{name[:5]} {answered.mean():.2f}/{right.sum() / max(1, answered.sum()):.2f}/"
                f"{open_set_null(data, priors, weights, temperature, threshold):.2f}"
            )
        nets = [_net(s, priors, weights, temperature, threshold) for s in scored.values()]
        print(f"{threshold:4.2f}  " + "  ".join(cells) + f"  net={np.mean(nets):.3f}")


def open_set_null(
    data: Scored, priors: Priors, weights: Array, temperature: Temperature, threshold: float
) -> float:
    """Mean over rules of the share of its documents given None once the rule is removed."""
    shares = []
    for rows in data.open_set:
        probs = _rule_probabilities(rows, priors, weights, temperature)
        shares.append(float((probs.max(axis=1) < threshold).mean()))
    return float(np.mean(shares))


def _net(
    data: Scored, priors: Priors, weights: Array, temperature: Temperature, threshold: float
) -> float:
    probs = _rule_probabilities(data.raw, priors, weights, temperature)
    answered = probs.max(axis=1) >= threshold
    right = answered & (probs.argmax(axis=1) == data.gold)
    return float((2 * right.sum() - answered.sum()) / len(answered))


def load(folder: Path) -> Dataset:
    """Read a dataset folder (rules.json, labels.csv with path,label, the documents)."""
    rules = [Rule.model_validate(r) for r in json.loads((folder / "rules.json").read_text())]
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [(folder / row["path"]).read_text(encoding="utf-8") for row in rows]
    return Dataset(rules, texts, [row["label"] for row in rows])


def ece(confidences: Array, correct: npt.NDArray[np.bool_], bins: int = 10) -> float:
    """Expected calibration error: mean |accuracy - confidence| over equal-width bins."""
    cells = np.minimum((confidences * bins).astype(int), bins - 1)
    total = 0.0
    for cell in range(bins):
        inside = cells == cell
        if inside.any():
            total += abs(correct[inside].mean() - confidences[inside].mean()) * inside.sum()
    return total / len(confidences)


def _rule_probabilities(
    raw: Array, priors: Priors, weights: Array, temperature: Temperature
) -> Array:
    """Each rule's probability (without the "none of these" column)."""
    scaled = temperature[0] * (raw.shape[1] / hybrid.REFERENCE_RULES) ** temperature[1]
    return _softmax(standardise(raw, priors) @ weights / scaled)[:, :-1]


def _softmax(scores: Array) -> Array:
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    result: Array = exps / exps.sum(axis=-1, keepdims=True)
    return result


def _cache_key(data: Dataset, models: str) -> str:
    digest = hashlib.sha256()
    # Any change to the code that makes the raw scores recomputes them (not the fused constants).
    scoring = (
        HybridClassifier._channel_scores,
        hybrid._rule_vector,
        hybrid._pool,
        hybrid._RuleSetVectors.build,
    )
    digest.update(f"{models}\0{hybrid.DEFAULT_MAX_CHUNKS}\0{hybrid.CHUNK_DECAY}\0".encode())
    digest.update("".join(inspect.getsource(f) for f in scoring).encode())
    for module in (cues, embedding, multilingual, lexical_module, text_module):
        digest.update(Path(str(module.__file__)).read_bytes())
    for rule in data.rules:
        digest.update(f"{rule.type}\0{rule.description}\0".encode())
    for text in data.texts:
        digest.update(hashlib.sha256(text.encode()).digest())
    return digest.hexdigest()[:24]


def _fmt(values: Array, digits: int = 3) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values)


if __name__ == "__main__":
    main()
