"""PDF: the text layer of the selected pages (pypdfium2)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted, TextBudget, clean_text
from docsort.parsing.models import ParsedPage, ParseLimits, ParseRequest
from docsort.parsing.pages import select_pages


def extract_pdf(path: Path, request: ParseRequest, limits: ParseLimits) -> Extracted:
    """Text of the selected pages of a PDF; unselected pages are never loaded.

    A page PDFium cannot load is left out (the rest of a damaged file is still worth
    classifying); if no selected page can be read the document is malformed, and if none
    has any text it is empty (scanned pages need OCR, which this cut does not do).
    """
    document = _open(path)
    try:
        page_count = len(document)
        if page_count == 0:
            raise DocumentError("empty", "the PDF has no pages")
        selected = select_pages(page_count, request)
        budget = TextBudget(limits.max_text_chars)
        pages: list[ParsedPage] = []
        unreadable: list[int] = []
        for number in selected:
            if budget.exhausted:
                break
            text = _page_text(document, number)
            if text is None:
                unreadable.append(number)
            else:
                pages.append(ParsedPage(number=number, text=budget.take(text)))
    finally:
        document.close()
    if not pages:
        raise DocumentError("malformed", _unreadable_message(unreadable))
    if not any(page.text for page in pages):
        raise DocumentError(
            "empty",
            "no text found on the selected pages (scanned pages need OCR, "
            "which is not supported yet)",
        )
    return Extracted(page_count, pages)


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise DocumentError("password", "the document is password-protected") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise DocumentError(
                "password", "the document is encrypted with an unsupported security handler"
            ) from None
        if code == pdfium_c.FPDF_ERR_FILE:
            raise OSError(f"cannot open {path.name} for reading") from error
        raise DocumentError(
            "malformed", "the PDF is damaged or not a PDF (its structure cannot be read)"
        ) from None


def _page_text(document: pdfium.PdfDocument, number: int) -> str | None:
    """The text of page `number` (1-based), or None if PDFium cannot load the page."""
    try:
        page = document[number - 1]
    except pdfium.PdfiumError:
        return None
    try:
        textpage = page.get_textpage()
        try:
            return clean_text(str(textpage.get_text_bounded()))
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        return None
    finally:
        page.close()


def _unreadable_message(unreadable: list[int]) -> str:
    if len(unreadable) == 1:
        return f"the PDF is damaged: page {unreadable[0]} cannot be read"
    return "the PDF is damaged: none of the selected pages can be read"
