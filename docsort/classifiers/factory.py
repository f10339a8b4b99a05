"""Builds the classifier engine the settings choose (once per worker process)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from docsort.classifiers import hybrid, lexical
from docsort.classifiers.base import ClassificationResult, Classifier, Rule
from docsort.classifiers.embedding import TextEncoder, load_encoder
from docsort.settings import Settings


def build_classifier(settings: Settings) -> Classifier:
    """The configured engine with its temperature and null threshold (loads models once)."""
    if settings.classifier_engine == "lexical":
        return lexical.LexicalClassifier(
            temperature=settings.classifier_temperature or lexical.DEFAULT_TEMPERATURE,
            null_threshold=(
                lexical.DEFAULT_NULL_THRESHOLD
                if settings.classifier_null_threshold is None
                else settings.classifier_null_threshold
            ),
        )
    profile = hybrid.PROFILES[settings.classifier_models]
    return hybrid.HybridClassifier(
        build_encoders(profile, settings.classifier_threads),
        profile,
        temperature=settings.classifier_temperature,
        null_threshold=settings.classifier_null_threshold,
        max_chunks=settings.classifier_max_chunks,
    )


def build_encoders(profile: hybrid.Profile, threads: int) -> list[TextEncoder]:
    """The process-wide embedding models a profile uses, in its order (each loaded once)."""
    encoders: list[TextEncoder] = []
    for model in profile.models:
        if model == "use":
            from docsort.classifiers.multilingual import load_multilingual_encoder

            encoders.append(load_multilingual_encoder())
        else:
            encoders.append(load_encoder(threads))
    return encoders


class LazyClassifier:
    """Builds its engine on the first document (thread-safe), not when the worker starts."""

    def __init__(self, build: Callable[[], Classifier]) -> None:
        self._build = build
        self._engine: Classifier | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the engine has been built."""
        return self._engine is not None

    def classify(self, text: str, rules: Sequence[Rule]) -> ClassificationResult:
        """Classify with the engine, building it first if no document came before."""
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._build()
                engine = self._engine
        return engine.classify(text, rules)


def worker_classifier(settings: Settings) -> Classifier:
    """The embedded engine of a worker's classify queue: loaded at start, unless FAST jobs go
    to an LLM provider; then the queue only gets work from a deployment set up otherwise, and
    the models (~400 MB) are loaded when its first document arrives."""
    if settings.classifier_fast_provider:
        return LazyClassifier(lambda: build_classifier(settings))
    return build_classifier(settings)
