"""v2 page selections: 1-based strings such as `"1,3,5-7"`."""

from __future__ import annotations

import re

MAX_PAGE = 100_000
_PART = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def parse_page_ranges(value: str) -> list[int]:
    """`"1,3,5-7"` → `[1, 3, 5, 6, 7]` (sorted, unique); ValueError naming what is malformed."""
    if not value.strip():
        raise ValueError("target_pages is empty; omit it to take every page")
    pages: set[int] = set()
    for part in value.split(","):
        match = _PART.match(part)
        if match is None:
            raise ValueError(f"{part.strip()!r} is not a page number or a range like 5-7")
        start = int(match.group(1))
        end = int(match.group(2) or start)
        if start < 1:
            raise ValueError("page numbers start at 1")
        if end < start:
            raise ValueError(f"range {start}-{end} runs backwards")
        if end > MAX_PAGE:
            raise ValueError(
                f"page {end} is beyond the largest page number docsort takes ({MAX_PAGE})"
            )
        pages.update(range(start, end + 1))
    return sorted(pages)
