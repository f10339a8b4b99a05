"""Page selection: the v1 and v2 ways of naming pages, and what a request takes."""

from __future__ import annotations

from pathlib import Path

import pytest

from docsort.parsing.dispatch import parse_path
from docsort.parsing.errors import DocumentError
from docsort.parsing.models import ParseRequest
from docsort.parsing.pages import MAX_PAGE_NUMBER, pages_from_v1, parse_page_ranges, select_pages
from tests.parsing.support import LIMITS, parse_error

# --- v2 strings and v1 lists ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", [1]),
        ("1,3,5-7", [1, 3, 5, 6, 7]),
        (" 5 - 7 , 1 ", [1, 5, 6, 7]),
        ("3,1,3,2-3", [1, 2, 3]),
        ("4-4", [4]),
    ],
)
def test_v2_page_ranges_become_sorted_unique_page_numbers(
    value: str, expected: list[int] | None
) -> None:
    if expected is None:
        with pytest.raises(ValueError):
            parse_page_ranges(value)
    else:
        assert parse_page_ranges(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "the page selection is empty: give pages like '1,3,5-7'"),
        ("  ", "the page selection is empty: give pages like '1,3,5-7'"),
        ("1,,2", "part 2 of the page selection '1,,2' is empty"),
        ("1,", "part 2 of the page selection '1,' is empty"),
        ("0", "'0': pages are numbered from 1"),
        ("0-3", "'0-3': pages are numbered from 1"),
        ("7-5", "'7-5': the range runs backwards (7 > 5)"),
        ("two", "'two' is not a page number or a range like '5-7'"),
        ("1.5", "'1.5' is not a page number or a range like '5-7'"),
        ("-3", "'-3' is not a page number or a range like '5-7'"),
        ("3-", "'3-' is not a page number or a range like '5-7'"),
        ("1-2-3", "'1-2-3' is not a page number or a range like '5-7'"),
        ("\u0663", "'\u0663' is not a page number or a range like '5-7'"),
        (
            "1-1000000000",
            f"'1-1000000000': page 1000000000 is beyond the largest page number accepted "
            f"({MAX_PAGE_NUMBER})",
        ),
        (
            "9" * 5000,
            f"'{'9' * 5000}': page 1000000000 is beyond the largest page number accepted "
            f"({MAX_PAGE_NUMBER})",
        ),
    ],
    ids=[
        "empty", "blank", "empty-part", "trailing-comma", "zero", "zero-range", "reversed",
        "word", "decimal", "negative", "open-range", "double-range", "arabic-digit",
        "huge-range", "absurd-number",
    ],
)  # fmt: skip
def test_malformed_v2_page_ranges_are_refused_with_a_clear_message(
    value: str, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        parse_page_ranges(value)

    assert str(caught.value) == message


def test_v1_target_pages_are_zero_based_and_become_sorted_unique_page_numbers() -> None:
    assert pages_from_v1([4, 0, 2, 4]) == [1, 3, 5]
    assert pages_from_v1([]) == []


@pytest.mark.parametrize(
    ("indexes", "message"),
    [
        ([0, -1], "page index -1 is negative: v1 pages are numbered from 0"),
        (
            [MAX_PAGE_NUMBER],
            f"page index {MAX_PAGE_NUMBER} is beyond the largest page accepted "
            f"({MAX_PAGE_NUMBER - 1})",
        ),
    ],
)
def test_malformed_v1_target_pages_are_refused_with_a_clear_message(
    indexes: list[int], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        pages_from_v1(indexes)

    assert str(caught.value) == message


# --- what a request takes -----------------------------------------------------------------------


def test_select_pages_takes_all_pages_by_default_and_caps_to_max_pages() -> None:
    assert select_pages(4, ParseRequest()) == [1, 2, 3, 4]
    assert select_pages(4, ParseRequest(max_pages=3)) == [1, 2, 3]
    assert select_pages(4, ParseRequest(pages=[2, 4])) == [2, 4]


def test_select_pages_treats_an_empty_page_list_as_all_pages() -> None:
    assert select_pages(3, ParseRequest(pages=[], max_pages=2)) == [1, 2]


def test_select_pages_refuses_page_zero() -> None:
    with pytest.raises(DocumentError) as caught:
        select_pages(3, ParseRequest(pages=[0, 1]))

    assert caught.value.kind == "page_out_of_range"
    assert str(caught.value) == "page 0 does not exist: pages are numbered from 1"


def test_select_pages_names_every_page_beyond_the_document() -> None:
    with pytest.raises(DocumentError) as caught:
        select_pages(1, ParseRequest(pages=[1, 2, 3]))

    assert caught.value.kind == "page_out_of_range"
    assert str(caught.value) == "pages 2, 3 are beyond the document's 1 page"


def test_text_document_is_one_page_and_page_two_is_out_of_range(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "notes.txt", ParseRequest(pages=[1]), LIMITS)
    error = parse_error(corpus_dir / "page.html", ParseRequest(pages=[2]))

    assert (document.page_count, [page.number for page in document.pages]) == (1, [1])
    assert error.kind == "page_out_of_range"


def test_max_pages_applies_before_the_range_check() -> None:
    assert select_pages(5, ParseRequest(pages=[4, 2, 900], max_pages=2)) == [2, 4]


def test_select_pages_sorts_and_deduplicates_the_requested_pages() -> None:
    assert select_pages(9, ParseRequest(pages=[7, 2, 7, 5])) == [2, 5, 7]


def test_slides_and_sheets_count_as_pages(corpus_dir: Path) -> None:
    slide = parse_path(corpus_dir / "deck.pptx", ParseRequest(pages=[2]), LIMITS)
    sheet = parse_path(corpus_dir / "invoices.xlsx", ParseRequest(pages=[2]), LIMITS)
    beyond = parse_error(corpus_dir / "invoices.xlsx", ParseRequest(pages=[3]))

    assert (slide.page_count, [p.number for p in slide.pages]) == (2, [2])
    assert "TABLE-CELL-MARKER" in slide.text
    assert "SLIDE-ONE-BULLET" not in slide.text
    assert (sheet.page_count, [p.number for p in sheet.pages]) == (2, [2])
    assert "SECOND-SHEET-MARKER" in sheet.text
    assert "INV-0001" not in sheet.text
    assert (beyond.kind, beyond.message) == (
        "page_out_of_range",
        "page 3 is beyond the document's 2 pages",
    )
