"""Which pages of a document a parse request takes, and the API's two ways of naming them."""

from __future__ import annotations

import re

from docsort.parsing.errors import DocumentError
from docsort.parsing.models import ParseRequest

# The largest page number a selection may name (no real document has more pages).
MAX_PAGE_NUMBER = 100_000
_PART = re.compile(r"([0-9]+)(?:-([0-9]+))?")


def parse_page_ranges(value: str) -> list[int]:
    """A v2 `target_pages` string (1-based, like `"1,3,5-7"`) as sorted, unique page numbers.

    Spaces around numbers are allowed; anything else malformed (an empty part, page 0, a
    reversed range, a non-digit, a page beyond `MAX_PAGE_NUMBER`) raises ValueError with a
    message naming the offending part.
    """
    if not value.strip():
        raise ValueError("the page selection is empty: give pages like '1,3,5-7'")
    pages: set[int] = set()
    for position, raw in enumerate(value.split(","), start=1):
        part = re.sub(r"\s*-\s*", "-", raw.strip())
        if not part:
            raise ValueError(f"part {position} of the page selection {value!r} is empty")
        match = _PART.fullmatch(part)
        if match is None:
            raise ValueError(f"{raw.strip()!r} is not a page number or a range like '5-7'")
        first = _number(match.group(1))
        last = _number(match.group(2)) if match.group(2) is not None else first
        if first < 1:
            raise ValueError(f"{raw.strip()!r}: pages are numbered from 1")
        if last < first:
            raise ValueError(f"{raw.strip()!r}: the range runs backwards ({first} > {last})")
        if last > MAX_PAGE_NUMBER:
            raise ValueError(
                f"{raw.strip()!r}: page {last} is beyond the largest page number "
                f"accepted ({MAX_PAGE_NUMBER})"
            )
        pages.update(range(first, last + 1))
    return sorted(pages)


def format_page_ranges(pages: list[int]) -> str:
    """`[1, 3, 4, 5, 7]` → `"1,3-5,7"` (1-based, sorted, unique): the inverse of
    `parse_page_ranges`."""
    parts: list[str] = []
    ordered = sorted(set(pages))
    start = previous = ordered[0]
    for page in [*ordered[1:], None]:
        if page is not None and page == previous + 1:
            previous = page
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if page is not None:
            start = previous = page
    return ",".join(parts)


def pages_from_v1(target_pages: list[int]) -> list[int]:
    """v1 `target_pages` (0-based indexes) as sorted, unique 1-based page numbers.

    Raises ValueError for a negative index or one beyond `MAX_PAGE_NUMBER`.
    """
    for index in target_pages:
        if index < 0:
            raise ValueError(f"page index {index} is negative: v1 pages are numbered from 0")
        if index >= MAX_PAGE_NUMBER:
            raise ValueError(
                f"page index {index} is beyond the largest page accepted ({MAX_PAGE_NUMBER - 1})"
            )
    return sorted({index + 1 for index in target_pages})


def _number(digits: str) -> int:
    """The value of a run of ASCII digits (absurdly long runs only need to compare as large)."""
    return int(digits) if len(digits) <= 9 else 10**9


def select_pages(page_count: int, request: ParseRequest) -> list[int]:
    """The 1-based page numbers to extract, in order.

    No requested pages means all pages; the selection is sorted, de-duplicated and cut to
    the first `max_pages`; a page of that selection outside the document is an error (the
    caller asked for something that is not there).
    """
    if request.pages:
        selected = sorted(set(request.pages))
        if request.max_pages is not None:
            selected = selected[: request.max_pages]
        if selected[0] < 1:
            raise DocumentError(
                "page_out_of_range",
                f"page {selected[0]} does not exist: pages are numbered from 1",
            )
        beyond = [page for page in selected if page > page_count]
        if beyond:
            raise DocumentError("page_out_of_range", _beyond_message(beyond, page_count))
        return selected
    return list(range(1, min(page_count, request.max_pages or page_count) + 1))


def _beyond_message(beyond: list[int], page_count: int) -> str:
    total = f"{page_count} page" if page_count == 1 else f"{page_count} pages"
    if len(beyond) == 1:
        return f"page {beyond[0]} is beyond the document's {total}"
    listed = ", ".join(str(page) for page in beyond[:10])
    more = ", …" if len(beyond) > 10 else ""
    return f"pages {listed}{more} are beyond the document's {total}"
