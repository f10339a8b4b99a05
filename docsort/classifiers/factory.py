"""Builds the classifier engine the settings choose (once per worker process)."""

from __future__ import annotations

from docsort.classifiers import hybrid, lexical
from docsort.classifiers.base import Classifier
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
