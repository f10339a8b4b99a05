"""The table of accepted `parsing_configuration.lang` codes and their OCR languages."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

# ISO 639-1 codes that two rows of the table share: which tesseract language the bare code means.
_AMBIGUOUS_ISO_CODES = {"sr": "srp", "zh": "chi_sim"}


@cache
def _table() -> dict[str, str]:
    text = resources.files("docsort.data").joinpath("lang_codes.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    table = {row["api_code"]: row["tesseract"] for row in rows}
    for row in rows:
        if row["iso639_1"]:
            table.setdefault(row["iso639_1"], row["tesseract"])
    table.update(_AMBIGUOUS_ISO_CODES)
    return table


def is_known_language(code: str) -> bool:
    """Whether `code` is a v1 language code or an ISO 639-1 code docsort accepts."""
    return code in _table()


def tesseract_language(code: str) -> str:
    """The tesseract language (or script model) for an accepted code."""
    return _table()[code]
