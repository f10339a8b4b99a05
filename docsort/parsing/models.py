"""What a parse is asked for, the limits it runs under, and what it returns."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

PageNumber = Annotated[int, Field(ge=1)]


class ParseRequest(BaseModel):
    """Which pages to take from a document.

    `pages` are 1-based page numbers, sorted and de-duplicated by the caller (None or an
    empty list: all pages); `max_pages` caps how many are taken, applied after `pages`.
    """

    model_config = ConfigDict(frozen=True)

    pages: list[int] | None = None
    max_pages: Annotated[int, Field(ge=1)] | None = None


class ParseLimits(BaseModel):
    """Resource caps for parsing one untrusted document."""

    model_config = ConfigDict(frozen=True)

    memory_mb: Annotated[int, Field(ge=64)] = 2048
    timeout_s: Annotated[float, Field(gt=0)] = 60.0
    max_pixels: Annotated[int, Field(ge=1)] = 50_000_000
    max_text_chars: Annotated[int, Field(ge=1)] = 5_000_000


class ParsedPage(BaseModel):
    """The text of one page; `number` is its 1-based position in the document."""

    number: PageNumber
    text: str


class ParsedDocument(BaseModel):
    """The text extracted from the selected pages of one document."""

    detected_type: str
    mime_type: str
    page_count: int
    pages: list[ParsedPage]

    @property
    def text(self) -> str:
        """The selected pages' text, separated by blank lines."""
        return "\n\n".join(page.text for page in self.pages)
