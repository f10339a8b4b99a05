"""Word documents (DOCX): headers, body paragraphs and tables in order, footers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted, TextBudget, clean_text
from docsort.parsing.extractors.office import reading_package
from docsort.parsing.models import ParsedPage, ParseLimits, ParseRequest
from docsort.parsing.pages import select_pages
from docsort.parsing.zipcheck import check_zip

LABEL = "Word document"
_CELL_SEPARATOR = " | "
_NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
# Paragraphs of text boxes (the VML copy under mc:Fallback repeats the DrawingML one).
_TEXT_BOX_PARAGRAPHS = etree.XPath(
    ".//w:txbxContent[not(ancestor::mc:Fallback)]//w:p", namespaces=_NAMESPACES
)
_RUN_TEXT = etree.XPath(".//w:t/text()", namespaces=_NAMESPACES)


def extract_docx(path: Path, request: ParseRequest, limits: ParseLimits) -> Extracted:
    """A DOCX as one page: header text, then the body (paragraphs, tables, text boxes), then
    footer text. The ZIP container is checked for bombs before anything is inflated."""
    check_zip(path, limits, LABEL)
    selected = select_pages(1, request)
    with reading_package(LABEL):
        document = docx.Document(str(path))
        headers, footers = _headers_and_footers(document)
        lines = [*headers, *_content_lines(document), *_text_boxes(document), *footers]
    text = clean_text("\n".join(line for line in lines if line.strip()))
    if not text:
        raise DocumentError("empty", "the Word document contains no text")
    taken = TextBudget(limits.max_text_chars).take(text)
    return Extracted(1, [ParsedPage(number=page, text=taken) for page in selected])


def _content_lines(container: Any) -> Iterator[str]:
    """Paragraphs and tables of a body, header, footer or table cell, in document order."""
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _table_lines(block)


def _table_lines(table: Table) -> Iterator[str]:
    """One line per row, cells separated by ` | `; a merged cell counts once."""
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(line for line in _content_lines(cell) if line.strip()))
        yield _CELL_SEPARATOR.join(cells)


def _headers_and_footers(document: Any) -> tuple[list[str], list[str]]:
    """Distinct header and footer lines across sections (a linked header counts once)."""
    headers: list[str] = []
    footers: list[str] = []
    for section in document.sections:
        for parts, found in (
            ((section.first_page_header, section.header, section.even_page_header), headers),
            ((section.first_page_footer, section.footer, section.even_page_footer), footers),
        ):
            for part in parts:
                if part.is_linked_to_previous:
                    continue
                for line in _content_lines(part):
                    if line.strip() and line not in found:
                        found.append(line)
    return headers, footers


def _text_boxes(document: Any) -> Iterator[str]:
    """Lines of the text boxes anchored in the body (not reached by python-docx's API)."""
    for paragraph in _TEXT_BOX_PARAGRAPHS(document.element.body):
        yield "".join(_RUN_TEXT(paragraph))
