"""Text extractors, one module per document family, and the helpers they share.

Each extractor takes a path, a ParseRequest and ParseLimits and returns `Extracted`:
the document's page count, the selected pages' text and any warnings.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from docsort.parsing.models import ParsedPage


class Extracted(NamedTuple):
    """An extractor's result: pages in the whole document, the selected pages, and warnings
    for the result's reasoning (never document text)."""

    page_count: int
    pages: list[ParsedPage]
    warnings: tuple[str, ...] = ()


# Control characters other than tab and newline (C0, DEL, C1), and non-characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")


# Anything the two substitutions above would change, other than the usual \r\n.
_UNUSUAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\u2028\u2029]")


def clean_text(text: str) -> str:
    """Newlines normalised to \\n, control characters dropped, outer whitespace stripped."""
    text = text.replace("\r\n", "\n")
    # Most text (every page PDFium returns) needs no more: one scan instead of two rewrites.
    if _UNUSUAL.search(text) is not None:
        text = _CONTROL.sub("", _NEWLINES.sub("\n", text))
    return text.strip()


class TextBudget:
    """Caps the total characters taken from one document (`ParseLimits.max_text_chars`)."""

    def __init__(self, max_chars: int) -> None:
        self.remaining = max_chars

    @property
    def exhausted(self) -> bool:
        """True once the cap is reached: later pages are not extracted."""
        return self.remaining <= 0

    def take(self, text: str) -> str:
        """`text`, cut to what is left of the budget."""
        taken = text if len(text) <= self.remaining else text[: max(self.remaining, 0)]
        self.remaining -= len(taken)
        return taken
