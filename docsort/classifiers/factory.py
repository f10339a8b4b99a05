"""Builds the classifier engine the settings choose (once per worker process)."""

from __future__ import annotations

from docsort.classifiers.base import Classifier
from docsort.classifiers.lexical import (
    DEFAULT_NULL_THRESHOLD,
    DEFAULT_TEMPERATURE,
    LexicalClassifier,
)
from docsort.settings import Settings


def build_classifier(settings: Settings) -> Classifier:
    """The configured engine with its temperature and null threshold."""
    return LexicalClassifier(
        temperature=settings.classifier_temperature or DEFAULT_TEMPERATURE,
        null_threshold=(
            DEFAULT_NULL_THRESHOLD
            if settings.classifier_null_threshold is None
            else settings.classifier_null_threshold
        ),
    )
