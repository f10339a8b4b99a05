"""Document classifiers: the `Classifier` interface and the engines that implement it."""

from docsort.classifiers.base import ClassificationResult, Classifier, Rule
from docsort.classifiers.lexical import (
    DEFAULT_NULL_THRESHOLD,
    DEFAULT_TEMPERATURE,
    LexicalClassifier,
)

__all__ = [
    "DEFAULT_NULL_THRESHOLD",
    "DEFAULT_TEMPERATURE",
    "ClassificationResult",
    "Classifier",
    "LexicalClassifier",
    "Rule",
]
