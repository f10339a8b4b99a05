"""Route a document to its extractor by detected type (runs inside the sandbox child)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted
from docsort.parsing.extractors.html import extract_html
from docsort.parsing.extractors.image import extract_image
from docsort.parsing.extractors.mail import extract_email
from docsort.parsing.extractors.pdf import extract_pdf
from docsort.parsing.extractors.sheets import extract_spreadsheet
from docsort.parsing.extractors.slides import extract_pptx
from docsort.parsing.extractors.text import extract_text
from docsort.parsing.extractors.word import extract_docx
from docsort.parsing.models import ParsedDocument, ParseLimits, ParseRequest
from docsort.parsing.render import render_page_images
from docsort.parsing.sniff import DetectedType, detect_type

Extractor = Callable[[Path, ParseRequest, ParseLimits], Extracted]

EXTRACTORS: dict[str, Extractor] = {
    "pdf": extract_pdf,
    "docx": extract_docx,
    "xlsx": functools.partial(extract_spreadsheet, kind="xlsx"),
    "xls": functools.partial(extract_spreadsheet, kind="xls"),
    "ods": functools.partial(extract_spreadsheet, kind="ods"),
    "pptx": extract_pptx,
    "html": extract_html,
    "txt": extract_text,
    "md": extract_text,
    "csv": extract_text,
    "png": extract_image,
    "jpeg": extract_image,
    "tiff": extract_image,
    "webp": extract_image,
    "bmp": extract_image,
}


def parse_path(path: Path, request: ParseRequest, limits: ParseLimits) -> ParsedDocument:
    """Detect a document's type from its content and extract the requested pages' text.

    Unsafe on untrusted input outside the sandbox: call `sandbox.parse_document` instead.
    """
    detected, extracted = extract(path, request, limits, depth=0)
    warnings = list(extracted.warnings)
    image_pages: list[int] = []
    if request.image_dir is not None:
        numbers = [page.number for page in extracted.pages]
        image_pages, image_warnings = render_page_images(
            path, detected.kind, numbers, Path(request.image_dir), limits
        )
        warnings += image_warnings
    return ParsedDocument(
        detected_type=detected.kind,
        mime_type=detected.mime,
        page_count=extracted.page_count,
        pages=extracted.pages,
        warnings=list(dict.fromkeys(warnings)),
        image_pages=image_pages,
    )


def extract(
    path: Path, request: ParseRequest, limits: ParseLimits, *, depth: int
) -> tuple[DetectedType, Extracted]:
    """The detected type and extracted text of a document nested `depth` levels deep (an
    e-mail attachment is at depth 1)."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise DocumentError(
            "resource_limit",
            f"the file is {size:,} bytes, over the limit of {limits.max_file_bytes:,}",
        )
    detected = detect_type(path)
    if detected.kind == "empty":
        raise DocumentError("empty", "the document is empty (0 bytes)")
    if detected.kind == "encrypted":
        raise DocumentError("password", "the document is password-protected (encrypted)")
    if detected.kind == "eml":
        return detected, _extract_email(path, request, limits, depth)
    extractor = EXTRACTORS.get(detected.kind)
    if extractor is None:
        raise DocumentError(
            "unsupported_type", f"unsupported type: {detected.description} ({detected.mime})"
        )
    return detected, extractor(path, request, limits)


def _extract_email(path: Path, request: ParseRequest, limits: ParseLimits, depth: int) -> Extracted:
    # Attachments are read whole (their own page count), in the message's OCR language.
    attachment_request = ParseRequest(max_pages=request.max_pages, lang=request.lang)

    def read_attachment(attachment: Path, nested_depth: int) -> Extracted:
        return extract(attachment, attachment_request, limits, depth=nested_depth)[1]

    return extract_email(path, request, limits, depth=depth, read_attachment=read_attachment)
