"""Route a document to its extractor by detected type (runs inside the sandbox child)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted
from docsort.parsing.extractors.html import extract_html
from docsort.parsing.extractors.pdf import extract_pdf
from docsort.parsing.extractors.text import extract_text
from docsort.parsing.models import ParsedDocument, ParseLimits, ParseRequest
from docsort.parsing.sniff import detect_type

Extractor = Callable[[Path, ParseRequest, ParseLimits], Extracted]

EXTRACTORS: dict[str, Extractor] = {
    "pdf": extract_pdf,
    "html": extract_html,
    "txt": extract_text,
    "md": extract_text,
    "csv": extract_text,
}


def parse_path(path: Path, request: ParseRequest, limits: ParseLimits) -> ParsedDocument:
    """Detect a document's type from its content and extract the requested pages' text.

    Unsafe on untrusted input outside the sandbox: call `sandbox.parse_document` instead.
    """
    detected = detect_type(path)
    if detected.kind == "empty":
        raise DocumentError("empty", "the document is empty (0 bytes)")
    extractor = EXTRACTORS.get(detected.kind)
    if extractor is None:
        raise DocumentError(
            "unsupported_type", f"unsupported type: {detected.description} ({detected.mime})"
        )
    extracted = extractor(path, request, limits)
    return ParsedDocument(
        detected_type=detected.kind,
        mime_type=detected.mime,
        page_count=extracted.page_count,
        pages=extracted.pages,
    )
