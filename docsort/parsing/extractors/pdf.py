"""PDF: the text layer of the selected pages (pypdfium2); pages that are scans are OCRed."""

from __future__ import annotations

import math
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted, TextBudget, clean_text
from docsort.parsing.models import ParsedPage, ParseLimits, ParseRequest
from docsort.parsing.ocr import Ocr
from docsort.parsing.pages import select_pages

# A page whose text layer has fewer visible characters than this, and that holds an image,
# is a scan: it is rendered and read with OCR.
OCR_BELOW_CHARS = 32
_POINTS_PER_INCH = 72


def extract_pdf(path: Path, request: ParseRequest, limits: ParseLimits) -> Extracted:
    """Text of the selected pages of a PDF; unselected pages are never loaded.

    A page PDFium cannot load is left out (the rest of a damaged file is still worth
    classifying); if no selected page can be read the document is malformed, and if none
    has any text, even after OCR, it is empty.
    """
    document = _open(path)
    try:
        page_count = len(document)
        if page_count == 0:
            raise DocumentError("empty", "the PDF has no pages")
        selected = select_pages(page_count, request)
        reader = _PageReader(document, request.lang, limits)
        budget = TextBudget(limits.max_text_chars)
        pages: list[ParsedPage] = []
        unreadable: list[int] = []
        for number in selected:
            if budget.exhausted:
                break
            text = reader.text(number)
            if text is None:
                unreadable.append(number)
            else:
                pages.append(ParsedPage(number=number, text=budget.take(text)))
    finally:
        document.close()
    if not pages:
        raise DocumentError("malformed", _unreadable_message(unreadable))
    if not any(page.text for page in pages):
        raise DocumentError("empty", "no text found on the selected pages, not even with OCR")
    return Extracted(page_count, pages, reader.warnings)


class _PageReader:
    """Reads pages of one open document: the text layer, or OCR of the rendered page."""

    def __init__(self, document: pdfium.PdfDocument, lang: str, limits: ParseLimits) -> None:
        self.document = document
        self.lang = lang
        self.limits = limits
        self.ocr: Ocr | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings of the OCR engine, if any page needed it."""
        return tuple(self.ocr.warnings) if self.ocr is not None else ()

    def text(self, number: int) -> str | None:
        """The text of page `number` (1-based), or None if PDFium cannot load the page."""
        try:
            page = self.document[number - 1]
        except pdfium.PdfiumError:
            return None
        try:
            text = _text_layer(page)
            if text is None:
                return None
            if _visible_chars(text) < OCR_BELOW_CHARS and self._holds_image(page, number):
                return self._read_with_ocr(page, number)
            return text
        finally:
            page.close()

    def _holds_image(self, page: pdfium.PdfPage, number: int) -> bool:
        """Whether the page draws an image; an image too large to decode is refused."""
        found = False
        for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
            if not isinstance(image, pdfium.PdfImage):
                continue
            try:
                width, height = image.get_px_size()
            except pdfium.PdfiumError:
                continue
            if width * height > self.limits.max_image_pixels:
                raise DocumentError(
                    "resource_limit",
                    f"page {number} holds a {width}x{height} image, over the limit of "
                    f"{self.limits.max_image_pixels:,} pixels",
                )
            found = True
        return found

    def _read_with_ocr(self, page: pdfium.PdfPage, number: int) -> str:
        scale = _render_scale(page, self.limits)
        try:
            image = page.render(scale=scale, grayscale=True).to_pil()
        except pdfium.PdfiumError:
            return ""
        if self.ocr is None:
            self.ocr = Ocr(self.lang, self.limits)
        return self.ocr.read(image, page=number, dpi=round(scale * _POINTS_PER_INCH))


def _render_scale(page: pdfium.PdfPage, limits: ParseLimits) -> float:
    """`ocr_dpi` as a scale, lowered until the rendered page fits in `max_pixels`."""
    width, height = page.get_size()
    scale = limits.ocr_dpi / _POINTS_PER_INCH
    area = max(width * height, 1.0)
    if area * scale * scale > limits.max_pixels:
        scale = (limits.max_pixels / area) ** 0.5
    # The bitmap's sides are rounded up to whole pixels.
    while scale > 0.01 and math.ceil(width * scale) * math.ceil(height * scale) > limits.max_pixels:
        scale *= 0.995
    return scale


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


def _text_layer(page: pdfium.PdfPage) -> str | None:
    try:
        textpage = page.get_textpage()
    except pdfium.PdfiumError:
        return None
    try:
        return clean_text(str(textpage.get_text_bounded()))
    except pdfium.PdfiumError:
        return None
    finally:
        textpage.close()


def _visible_chars(text: str) -> int:
    return len("".join(text.split()))


def _unreadable_message(unreadable: list[int]) -> str:
    if len(unreadable) == 1:
        return f"the PDF is damaged: page {unreadable[0]} cannot be read"
    return "the PDF is damaged: none of the selected pages can be read"
