"""The hybrid engine's reasoning: one or two sentences a person can check against the document."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["EMPTY_REASONING", "QUOTE_CHARS", "chosen", "not_convincing", "quote", "runner_up_of"]

EMPTY_REASONING = "The document is empty: it has no text to classify, so no rule can match."
# Longest quote shown, in characters (a quote is cut at a word boundary and ends with "...").
QUOTE_CHARS = 160
# Under this lead over the runner-up, a null is put down to the two rules being too close.
_CLOSE_MARGIN = 0.15
_SPACES = re.compile(r"\s+")


def chosen(rule: str, confidence: float, runner_up: tuple[str, float] | None, passage: str) -> str:
    """Why `rule` was chosen: its confidence, the runner-up's, and the passage that matched."""
    return (
        f"Chose '{rule}' (confidence {confidence:.2f}; {_runner_up(runner_up)}). "
        f'The passage that matches it best: "{passage}".'
    )


def not_convincing(
    rule: str,
    confidence: float,
    runner_up: tuple[str, float] | None,
    threshold: float,
    passage: str,
    none_of_these: float,
) -> str:
    """Why no rule was chosen: the closest one, its confidence, and why that fell short.

    `none_of_these` is the probability that the document fits none of the rules.
    """
    if none_of_these >= confidence:
        why = f"and the document is no closer to it than to unrelated text ({none_of_these:.2f})"
    elif runner_up is not None and confidence - runner_up[1] < _CLOSE_MARGIN:
        why = f"and barely ahead of '{runner_up[0]}' ({runner_up[1]:.2f})"
    else:
        why = f"so no rule fits clearly ({_runner_up(runner_up)})"
    return (
        f"No rule is convincing: the closest, '{rule}', has confidence {confidence:.2f}, under "
        f'the threshold {threshold:.2f}, {why}. Its closest passage: "{passage}".'
    )


def quote(text: str, span: tuple[int, int] | None) -> str:
    """The text of `span` (or the start of `text`) on one line, at most QUOTE_CHARS long."""
    start, end = span if span is not None else (0, QUOTE_CHARS * 2)
    passage = _SPACES.sub(" ", text[start:end]).strip().replace('"', "'")
    if len(passage) <= QUOTE_CHARS:
        return passage
    cut = passage[: QUOTE_CHARS - 3]
    if " " in cut[QUOTE_CHARS // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "..."


def runner_up_of(
    types: Sequence[str], probabilities: Sequence[float], order: Sequence[int]
) -> tuple[str, float] | None:
    """The second rule in `order` with its probability, or None with a single rule."""
    if len(order) < 2:
        return None
    return types[order[1]], probabilities[order[1]]


def _runner_up(runner_up: tuple[str, float] | None) -> str:
    if runner_up is None:
        return "the only rule"
    return f"runner-up '{runner_up[0]}' {runner_up[1]:.2f}"
