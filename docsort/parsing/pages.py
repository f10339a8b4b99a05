"""Which pages of a document a parse request takes."""

from __future__ import annotations

from docsort.parsing.errors import DocumentError
from docsort.parsing.models import ParseRequest


def select_pages(page_count: int, request: ParseRequest) -> list[int]:
    """The 1-based page numbers to extract, in order.

    Requested pages outside the document are an error (the caller asked for something that
    is not there); no requested pages means all pages; then only the first `max_pages`.
    """
    if request.pages:
        below = [page for page in request.pages if page < 1]
        if below:
            raise DocumentError(
                "page_out_of_range", f"page {below[0]} does not exist: pages are numbered from 1"
            )
        beyond = [page for page in request.pages if page > page_count]
        if beyond:
            raise DocumentError("page_out_of_range", _beyond_message(beyond, page_count))
        selected = list(request.pages)
    else:
        selected = list(range(1, page_count + 1))
    if request.max_pages is not None:
        selected = selected[: request.max_pages]
    return selected


def _beyond_message(beyond: list[int], page_count: int) -> str:
    total = f"{page_count} page" if page_count == 1 else f"{page_count} pages"
    if len(beyond) == 1:
        return f"page {beyond[0]} is beyond the document's {total}"
    listed = ", ".join(str(page) for page in beyond[:10])
    more = ", …" if len(beyond) > 10 else ""
    return f"pages {listed}{more} are beyond the document's {total}"
