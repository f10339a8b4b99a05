"""Spreadsheets (XLSX, XLS, ODS) with calamine: every sheet is a page, one line per row."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import python_calamine as calamine

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted, TextBudget, clean_text
from docsort.parsing.models import ParsedPage, ParseLimits, ParseRequest
from docsort.parsing.pages import select_pages
from docsort.parsing.zipcheck import check_zip

_LABELS = {"xlsx": "Excel workbook", "xls": "Excel workbook", "ods": "OpenDocument spreadsheet"}
_CELL_SEPARATOR = "\t"
# Significant digits kept from a float: enough for any number a person typed, few enough to
# drop binary noise (1200.4999999999998 → 1200.5).
_DIGITS = 15


def extract_spreadsheet(
    path: Path, request: ParseRequest, limits: ParseLimits, *, kind: str
) -> Extracted:
    """The selected sheets, each headed by its name; `kind` is xlsx, xls or ods (the ZIP
    formats are checked for bombs first)."""
    label = _LABELS[kind]
    if kind != "xls":
        check_zip(path, limits, label)
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise DocumentError("password", "the workbook is password-protected") from None
    except (calamine.CalamineError, ValueError, OSError) as error:
        raise DocumentError("malformed", f"the {label} is damaged: {_reason(error)}") from None
    try:
        names = list(workbook.sheet_names)
        if not names:
            raise DocumentError("empty", f"the {label} has no sheets")
        selected = select_pages(len(names), request)
        budget = TextBudget(limits.max_text_chars)
        pages: list[ParsedPage] = []
        for number in selected:
            if budget.exhausted:
                break
            text = _sheet_text(workbook, number, names[number - 1], budget, label)
            pages.append(ParsedPage(number=number, text=text))
    finally:
        workbook.close()
    if not any(page.text for page in pages):
        raise DocumentError("empty", f"the {label} contains no text")
    return Extracted(len(names), pages)


def format_cell(value: object) -> str:
    """A cell as a person reads it: whole numbers without `.0`, floats without binary
    noise, dates and times in ISO 8601, booleans as TRUE/FALSE."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_float(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


def _format_float(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, f".{_DIGITS}g")


def _sheet_text(
    workbook: calamine.CalamineWorkbook, number: int, name: str, budget: TextBudget, label: str
) -> str:
    try:
        sheet = workbook.get_sheet_by_index(number - 1)
        lines = [name]
        used = len(name)
        for row in sheet.iter_rows():
            cells = [format_cell(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            line = _CELL_SEPARATOR.join(cells)
            lines.append(line)
            used += len(line) + 1
            if used >= budget.remaining:
                break
    except calamine.PasswordError:
        raise DocumentError("password", "the workbook is password-protected") from None
    except (calamine.CalamineError, ValueError) as error:
        raise DocumentError(
            "malformed", f"the {label} is damaged: sheet {number} cannot be read ({_reason(error)})"
        ) from None
    return budget.take(clean_text("\n".join(lines)))


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__
