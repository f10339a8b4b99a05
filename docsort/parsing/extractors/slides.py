"""Presentations (PPTX): every slide is a page: title, text, tables, then speaker notes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pptx
from pptx.enum.shapes import MSO_SHAPE_TYPE

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted, TextBudget, clean_text
from docsort.parsing.extractors.office import reading_package
from docsort.parsing.models import ParsedPage, ParseLimits, ParseRequest
from docsort.parsing.pages import select_pages
from docsort.parsing.zipcheck import check_zip

LABEL = "PowerPoint presentation"
_CELL_SEPARATOR = " | "
NOTES_HEADING = "Speaker notes:"


def extract_pptx(path: Path, request: ParseRequest, limits: ParseLimits) -> Extracted:
    """The selected slides' text, one page per slide. Speaker notes count
    as content: they often say what the slide is about."""
    check_zip(path, limits, LABEL)
    with reading_package(LABEL):
        presentation = pptx.Presentation(str(path))
        slides = list(presentation.slides)
        if not slides:
            raise DocumentError("empty", "the presentation has no slides")
        selected = select_pages(len(slides), request)
        budget = TextBudget(limits.max_text_chars)
        pages: list[ParsedPage] = []
        for number in selected:
            if budget.exhausted:
                break
            text = clean_text("\n".join(_slide_lines(slides[number - 1])))
            pages.append(ParsedPage(number=number, text=budget.take(text)))
    if not any(page.text for page in pages):
        raise DocumentError("empty", "the presentation contains no text")
    return Extracted(len(slides), pages)


def _slide_lines(slide: Any) -> Iterator[str]:
    title = slide.shapes.title
    if title is not None and title.has_text_frame:
        yield title.text_frame.text
    for shape in slide.shapes:
        if title is not None and shape.shape_id == title.shape_id:
            continue
        yield from _shape_lines(shape)
    if slide.has_notes_slide:
        notes = slide.notes_slide.notes_text_frame
        if notes is not None and notes.text.strip():
            yield NOTES_HEADING
            yield notes.text


def _shape_lines(shape: Any) -> Iterator[str]:
    """Text of a shape: its text frame, a table's rows, or a group's shapes in turn."""
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        for member in shape.shapes:
            yield from _shape_lines(member)
        return
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            yield _CELL_SEPARATOR.join(cell.text.strip() for cell in row.cells)
        return
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        text = shape.text_frame.text
        if text.strip():
            yield text
