"""What a parse is asked for, the limits it runs under, and what it returns."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

PageNumber = Annotated[int, Field(ge=1)]
_MIB = 1024 * 1024


class ParseRequest(BaseModel):
    """Which pages to take from a document, and the OCR language.

    `pages` are 1-based page numbers, sorted and de-duplicated by the caller (None or an
    empty list: all pages); `max_pages` caps how many are taken, applied after `pages`.
    `lang` is a tesseract language string (`"eng"`, `"deu"`, `"rus+eng"`, `"Cyrillic"`),
    already mapped from the API's code by the caller. With `image_dir`, the selected pages
    are also rendered there as `page-<n>.png` (MULTIMODAL; `ParseLimits.page_image_*` caps).
    """

    model_config = ConfigDict(frozen=True)

    pages: list[int] | None = None
    max_pages: Annotated[int, Field(ge=1)] | None = None
    lang: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_+]+$")] = "eng"
    image_dir: str | None = None


class ParseLimits(BaseModel):
    """Resource caps for parsing one untrusted document (enforced in the sandbox child)."""

    model_config = ConfigDict(frozen=True)

    # The child process: address space (RLIMIT_AS) and wall clock (the process group is killed).
    memory_mb: Annotated[int, Field(ge=64)] = 2048
    timeout_s: Annotated[float, Field(gt=0)] = 60.0
    # Pixels of one page image given to OCR: a PDF page is rendered at a lower scale, and an
    # image scaled down, to stay under it.
    max_pixels: Annotated[int, Field(ge=1)] = 50_000_000
    # Characters of text taken from one document; later pages are left out.
    max_text_chars: Annotated[int, Field(ge=1)] = 5_000_000
    # Size of the document file itself.
    max_file_bytes: Annotated[int, Field(ge=1)] = 100 * _MIB
    # Pixels of one decoded image (Pillow's MAX_IMAGE_PIXELS); larger images are refused.
    max_image_pixels: Annotated[int, Field(ge=1)] = 100_000_000
    # OCR: tesseract's wall clock per page, and the resolution PDF pages are rendered at.
    ocr_page_timeout_s: Annotated[float, Field(gt=0)] = 30.0
    ocr_dpi: Annotated[int, Field(ge=50, le=600)] = 300
    # Page images for MULTIMODAL: pixels of one image (also under `max_pixels`), and how
    # many of the selected pages are rendered (the first ones).
    page_image_max_pixels: Annotated[int, Field(ge=10_000)] = 2_000_000
    page_image_max_pages: Annotated[int, Field(ge=1)] = 8
    # Office files (ZIP containers), checked before any part is opened.
    zip_max_uncompressed_bytes: Annotated[int, Field(ge=1)] = 256 * _MIB
    zip_max_ratio: Annotated[float, Field(gt=1)] = 200.0
    zip_max_entries: Annotated[int, Field(ge=1)] = 10_000
    # E-mail: nesting depth of attached messages, attachments parsed, and their size.
    email_max_depth: Annotated[int, Field(ge=0)] = 3
    email_max_attachments: Annotated[int, Field(ge=0)] = 20
    email_max_attachment_bytes: Annotated[int, Field(ge=1)] = 25 * _MIB


class ParsedPage(BaseModel):
    """The text of one page; `number` is its 1-based position in the document."""

    number: PageNumber
    text: str


class ParsedDocument(BaseModel):
    """The text extracted from the selected pages of one document.

    `warnings` are sentences for the result's reasoning and the log (an OCR language that is
    not installed, an attachment that was skipped, …); they never contain document text.
    `image_pages` are the pages rendered into the request's `image_dir`.
    """

    detected_type: str
    mime_type: str
    page_count: int
    pages: list[ParsedPage]
    warnings: list[str] = Field(default_factory=list)
    image_pages: list[int] = Field(default_factory=list)

    @property
    def text(self) -> str:
        """The selected pages' text, separated by blank lines."""
        return "\n\n".join(page.text for page in self.pages)
