"""The hybrid engine: sentence embeddings fused with stemmed TF-IDF and form cues.

Channels score every rule for a document: for each embedding model, the cosine between the
document's vector and the rule's (built from the description alone); the lexical engine's TF-IDF
cosine with "type + description"; and how well the document's form cues (header lines, amounts,
numbered clauses, ...) match the description. Each channel is standardised across the rules plus
a virtual "none of these" option (z-scores whose spread is shrunk towards the channel's typical
spread, so two or three rules do not look certain), the z-scores are summed with fitted weights,
and a softmax at a fitted temperature turns the sum into calibrated probabilities. The constants
of each model set (a `Profile`) are fitted by `bench/fit_hybrid.py` on the dev datasets.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from docsort.classifiers import explain
from docsort.classifiers.base import ClassificationResult, Rule
from docsort.classifiers.cues import CUES, cue_strengths
from docsort.classifiers.embedding import DocumentEmbedding, TextEncoder, Vectors
from docsort.classifiers.lexical import LexicalClassifier

__all__ = [
    "CHUNK_DECAY",
    "DEFAULT_MAX_CHUNKS",
    "PRIOR_RULES",
    "PROFILES",
    "REFERENCE_RULES",
    "HybridClassifier",
    "Profile",
    "fuse",
    "probabilities",
]

Scores = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Profile:
    """The fitted constants of one model set.

    Channels are, in order: one per embedding model, then lexical, then form cues. `spread` is
    each channel's typical standard deviation across rules and `background` its typical score
    for a rule that is not the document's own (the virtual "none of these" option's scores).
    """

    models: tuple[str, ...]
    weights: tuple[float, ...]
    temperature: float  # with REFERENCE_RULES rules; it grows as (rules / 6) ** growth
    temperature_growth: float
    null_threshold: float
    spread: tuple[float, ...]
    background: tuple[float, ...]


# Fitted by bench/fit_hybrid.py on the four dev sets (bbc_news, sdg_goals, doc_genres,
# business_docs); bench/README.md has the figures and the cross-validation. Weights by maximum
# likelihood, the temperature for the lowest mean expected calibration error, the null threshold
# for the best mean net score (right - wrong answers, None = 0).
PROFILES: dict[str, Profile] = {
    # all-MiniLM-L6-v2 and USE multilingual v3 (the default). Accuracy 0.933 / 0.639 / 0.754 /
    # 0.909, ECE 0.018 / 0.063 / 0.056 / 0.081; at the threshold it answers 98 / 81 / 92 / 95 %
    # of in-scope documents, and gives None to 28 / 33 / 26 / 21 % of a removed rule's ones.
    "minilm+use": Profile(
        models=("minilm", "use"),
        weights=(0.326, 0.322, 0.142, 0.210),
        temperature=0.30,
        temperature_growth=0.3,
        null_threshold=0.45,
        spread=(0.1024, 0.0726, 0.0276, 0.0742),
        background=(0.0871, 0.0460, 0.0061, 0.2208),
    ),
    # all-MiniLM-L6-v2 alone (English only): accuracy 0.926 / 0.664 / 0.717 / 0.792, ECE 0.041 /
    # 0.077 / 0.059 / 0.073.
    "minilm": Profile(
        models=("minilm",),
        weights=(0.543, 0.237, 0.220),
        temperature=0.38,
        temperature_growth=0.3,
        null_threshold=0.40,
        spread=(0.1024, 0.0276, 0.0742),
        background=(0.0871, 0.0061, 0.2208),
    ),
}
# Chunks of up to 250 word pieces read per document (the first ones): ~33 ms each on 2 threads.
DEFAULT_MAX_CHUNKS = 8
# Chunk i of a document weighs CHUNK_DECAY**i in its pooled vector: the first page says most.
CHUNK_DECAY = 0.7
# The temperature of a profile is for this many rules; with K rules it is multiplied by
# (K / REFERENCE_RULES) ** temperature_growth: among more rules the top z-score runs higher.
REFERENCE_RULES = 6.0
# A document's own spread of a channel is shrunk towards the typical one as if this many more
# rules had shown the typical spread.
PRIOR_RULES = 3.0

# Lexical channel reads at most this many characters per allowed chunk (as the models do).
_LEXICAL_CHARS_PER_CHUNK = 4000
_RULE_SET_CACHE_SIZE = 128
_CLAUSE_SPLIT = re.compile(r"[:;,]")
_MIN_CLAUSE_CHARS = 4
_HAS_TEXT = re.compile(r"\w")


class HybridClassifier:
    """Classifies with embedding models, TF-IDF and form cues fused; thread-safe.

    `encoders` are the profile's models in order; the first one also embeds the cue phrases and
    picks the quoted passage. The confidence is the chosen rule's softmax probability,
    calibrated on the dev sets; a best confidence under the null threshold gives type None.
    Rule-set vectors are cached per rule set.
    """

    def __init__(
        self,
        encoders: Sequence[TextEncoder],
        profile: Profile,
        temperature: float | None = None,
        null_threshold: float | None = None,
        max_chunks: int = DEFAULT_MAX_CHUNKS,
    ) -> None:
        self.temperature = profile.temperature if temperature is None else temperature
        self.null_threshold = profile.null_threshold if null_threshold is None else null_threshold
        if len(encoders) != len(profile.models):
            raise ValueError(f"the profile needs {len(profile.models)} models")
        if self.temperature <= 0:
            raise ValueError("temperature must be positive")
        if not 0.0 <= self.null_threshold <= 1.0:
            raise ValueError("null_threshold must be within [0, 1]")
        if max_chunks < 1:
            raise ValueError("max_chunks must be at least 1")
        self.encoders = tuple(encoders)
        self.profile = profile
        self.max_chunks = max_chunks
        self._lexical = LexicalClassifier(max_chars=max_chunks * _LEXICAL_CHARS_PER_CHUNK)
        self._cue_vectors = encoders[0].embed_texts([cue.phrase for cue in CUES])
        self._rule_sets: OrderedDict[tuple[str, ...], _RuleSetVectors] = OrderedDict()
        self._lock = threading.Lock()

    def classify(self, text: str, rules: Sequence[Rule]) -> ClassificationResult:
        """Pick the rule that fits `text` best, or None when no rule is convincing."""
        if not rules:
            raise ValueError("at least one rule is needed")
        if not _HAS_TEXT.search(text):
            return ClassificationResult(
                type=None, confidence=0.0, reasoning=explain.EMPTY_REASONING
            )
        vectors = self._rule_set(rules)
        documents = [e.embed_document(text, self.max_chunks) for e in self.encoders]
        scores = self._channel_scores(text, rules, vectors, documents)
        with_none = self.probabilities(scores)
        probs, none_of_these = with_none[:-1], float(with_none[-1])
        order = sorted(range(len(rules)), key=lambda i: (-probs[i], i))
        best = order[0]
        confidence = float(probs[best])
        types = [rule.type for rule in rules]
        runner_up = explain.runner_up_of(types, [float(p) for p in probs], order)
        passage = explain.quote(text, _best_passage(documents[0], vectors.rules[0][best]))
        if confidence < self.null_threshold:
            reasoning = explain.not_convincing(
                types[best], confidence, runner_up, self.null_threshold, passage, none_of_these
            )
            return ClassificationResult(type=None, confidence=confidence, reasoning=reasoning)
        reasoning = explain.chosen(types[best], confidence, runner_up, passage)
        return ClassificationResult(type=types[best], confidence=confidence, reasoning=reasoning)

    def channel_scores(self, text: str, rules: Sequence[Rule]) -> Scores:
        """The raw scores (rules, channels) that `bench/fit_hybrid.py` fits on."""
        documents = [e.embed_document(text, self.max_chunks) for e in self.encoders]
        return self._channel_scores(text, rules, self._rule_set(rules), documents)

    def probabilities(self, scores: Scores) -> Scores:
        """The calibrated probability of each rule, then of "none of these" (last)."""
        growth = (len(scores) / REFERENCE_RULES) ** self.profile.temperature_growth
        return probabilities(fuse(scores, self.profile), self.temperature * growth)

    def _channel_scores(
        self,
        text: str,
        rules: Sequence[Rule],
        vectors: _RuleSetVectors,
        documents: Sequence[DocumentEmbedding],
    ) -> Scores:
        columns = [
            (rule_vectors @ _pool(document.chunks)).astype(np.float64)
            for rule_vectors, document in zip(vectors.rules, documents, strict=True)
        ]
        columns.append(np.asarray(self._lexical.similarities(text, rules), dtype=np.float64))
        columns.append(np.asarray(cue_strengths(text), dtype=np.float64) @ vectors.cues)
        return np.stack(columns, axis=1)

    def _rule_set(self, rules: Sequence[Rule]) -> _RuleSetVectors:
        key = tuple(rule.description for rule in rules)
        with self._lock:
            cached = self._rule_sets.get(key)
            if cached is not None:
                self._rule_sets.move_to_end(key)
                return cached
        built = _RuleSetVectors.build(self.encoders, key, self._cue_vectors)
        with self._lock:
            self._rule_sets[key] = built
            while len(self._rule_sets) > _RULE_SET_CACHE_SIZE:
                self._rule_sets.popitem(last=False)
        return built


def fuse(scores: Scores, profile: Profile) -> Scores:
    """Weighted sum of each channel's z-scores over the rules and "none of these" (last)."""
    with_background = np.vstack([scores, np.asarray(profile.background)])
    count = len(with_background)
    centred = with_background - with_background.mean(axis=0)
    spread = np.sqrt(
        (count * with_background.var(axis=0) + PRIOR_RULES * np.asarray(profile.spread) ** 2)
        / (count + PRIOR_RULES)
    )
    fused: Scores = (centred / spread) @ np.asarray(profile.weights)
    return fused


def probabilities(fused: Scores, temperature: float) -> Scores:
    """Softmax of the fused scores at `temperature`, computed stably."""
    exps = np.exp((fused - fused.max()) / temperature)
    result: Scores = exps / exps.sum()
    return result


@dataclass(frozen=True, slots=True)
class _RuleSetVectors:
    """A rule set's vectors for each model, and each cue phrase's similarity to each rule."""

    rules: tuple[Vectors, ...]  # per model: (number of rules, dimension)
    cues: Scores  # (number of cues, number of rules), with the first model

    @staticmethod
    def build(
        encoders: Sequence[TextEncoder], descriptions: Sequence[str], cue_vectors: Vectors
    ) -> _RuleSetVectors:
        per_model = tuple(
            np.stack([_rule_vector(encoder, d) for d in descriptions]) for encoder in encoders
        )
        return _RuleSetVectors(
            rules=per_model, cues=(cue_vectors @ per_model[0].T).astype(np.float64)
        )


def _rule_vector(encoder: TextEncoder, description: str) -> Vectors:
    """The description embedded whole plus the mean of its clauses, normalised.

    Each text runs on its own, so a rule's vector never depends on the other rules or their order.
    """
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(description)]
    clauses = [c for c in clauses if len(c) >= _MIN_CLAUSE_CHARS] or [description]
    whole = encoder.embed_texts([description])[0]
    parts = encoder.embed_texts(clauses).mean(axis=0)
    return _unit(whole + _unit(parts))


def _pool(chunks: Vectors) -> Vectors:
    """The document vector: chunk vectors weighted towards the start, normalised."""
    if len(chunks) == 0:
        return np.zeros(chunks.shape[1], dtype=np.float32)
    weights = CHUNK_DECAY ** np.arange(len(chunks), dtype=np.float32)
    return _unit((chunks * weights[:, None]).sum(axis=0))


def _best_passage(document: DocumentEmbedding, rule_vector: Vectors) -> tuple[int, int] | None:
    if len(document.passages) == 0:
        return None
    return document.passage_spans[int(np.argmax(document.passages @ rule_vector))]


def _unit(vector: npt.NDArray[np.floating]) -> Vectors:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)
