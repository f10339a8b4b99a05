"""The classifier interface every engine (embedded or LLM) implements, and its data types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, Field


class Rule(BaseModel):
    """One document type a caller asks for: its name and a plain-words description."""

    type: str
    description: str


class ClassificationResult(BaseModel):
    """The outcome for one document: the chosen type (None if no rule fits), how sure, and why."""

    type: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    reasoning: str


class Classifier(Protocol):
    """Assigns a document to one of the given rules, or to none.

    Implementations are synchronous and CPU-bound; callers run them on a worker thread.
    """

    def classify(self, text: str, rules: Sequence[Rule]) -> ClassificationResult:
        """Classify `text` against `rules` (at least one rule)."""
        ...
