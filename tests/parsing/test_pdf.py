"""PDF in-process (`parse_path`): text layers, damaged files, page selection and OCR of scans."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from docsort.parsing.dispatch import parse_path
from docsort.parsing.models import ParseLimits, ParseRequest
from docsort.parsing.ocr import Ocr
from tests.parsing.support import ALL, LIMITS, parse_error


def test_encrypted_pdf_fails_with_password_error(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "encrypted_user_password.pdf")

    assert (error.kind, str(error)) == ("password", "the document is password-protected")


def test_owner_password_only_pdf_opens_without_a_password(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "encrypted_owner_only.pdf", ALL, LIMITS)

    assert document.page_count == 5
    assert "DS-00100" in document.pages[0].text
    assert "DS-00104" in document.pages[4].text


@pytest.mark.parametrize("name", ["garbage_with_pdf_header.pdf", "truncated.pdf"])
def test_damaged_pdf_fails_as_malformed(corpus_dir: Path, name: str) -> None:
    error = parse_error(corpus_dir / name)

    assert error.kind == "malformed"
    assert "damaged" in str(error)


@pytest.mark.parametrize(
    ("name", "marker"),
    [("page_tree_cycle.pdf", "LOOP-PAGE-TEXT"), ("deep_nesting.pdf", "NESTED-PAGE-TEXT")],
)
def test_hostile_pdf_structure_yields_the_readable_page(
    corpus_dir: Path, name: str, marker: str
) -> None:
    document = parse_path(corpus_dir / name, ALL, LIMITS)

    assert [page.text for page in document.pages] == [marker]


def test_selected_pages_of_a_500_page_pdf_are_exactly_those_pages(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "pages_500.pdf", ParseRequest(pages=[3, 250]), LIMITS)

    assert document.page_count == 500
    assert [page.number for page in document.pages] == [3, 250]
    assert document.pages[0].text.startswith("PAGE-MARKER-0003")
    assert document.pages[1].text.startswith("PAGE-MARKER-0250")
    assert document.text.count("PAGE-MARKER-") == 2


@pytest.fixture
def loaded_page_indexes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Records the 0-based index of every page pdfium loads."""
    loaded: list[int] = []
    real_get_page = pdfium.PdfDocument.get_page

    def spy(self: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
        loaded.append(index)
        return real_get_page(self, index)

    monkeypatch.setattr(pdfium.PdfDocument, "get_page", spy)
    yield loaded


def test_unselected_pdf_pages_are_never_loaded(
    corpus_dir: Path, loaded_page_indexes: list[int]
) -> None:
    parse_path(corpus_dir / "pages_500.pdf", ParseRequest(pages=[3, 250]), LIMITS)

    assert loaded_page_indexes == [2, 249]


def test_max_pages_of_a_500_page_pdf_loads_only_that_many_pages(
    corpus_dir: Path, loaded_page_indexes: list[int]
) -> None:
    document = parse_path(corpus_dir / "pages_500.pdf", ParseRequest(max_pages=10), LIMITS)

    assert loaded_page_indexes == list(range(10))
    assert [page.number for page in document.pages] == list(range(1, 11))


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (ParseRequest(max_pages=2), [1, 2]),
        (ParseRequest(pages=[3, 250, 499], max_pages=2), [3, 250]),
        (ParseRequest(pages=[500], max_pages=10), [500]),
    ],
)
def test_max_pages_caps_the_pages_taken(
    corpus_dir: Path, request_: ParseRequest, expected: list[int]
) -> None:
    document = parse_path(corpus_dir / "pages_500.pdf", request_, LIMITS)

    assert [page.number for page in document.pages] == expected
    assert all(page.text.startswith(f"PAGE-MARKER-{page.number:04d}") for page in document.pages)


def test_page_beyond_the_pdf_fails_with_page_out_of_range(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "born_digital_en.pdf", ParseRequest(pages=[2, 7]))

    assert (error.kind, str(error)) == (
        "page_out_of_range",
        "page 7 is beyond the document's 5 pages",
    )


def test_pdf_text_beyond_max_text_chars_is_cut_and_later_pages_skipped(corpus_dir: Path) -> None:
    limits = ParseLimits(max_text_chars=1500)

    document = parse_path(corpus_dir / "born_digital_en.pdf", ALL, limits)

    assert [page.number for page in document.pages] == [1, 2]
    assert sum(len(page.text) for page in document.pages) == 1500


# --- OCR of scanned pages -----------------------------------------------------------------------


@dataclass
class OcrCall:
    """One page image handed to OCR."""

    page: int
    size: tuple[int, int]
    dpi: int | None


@pytest.fixture
def ocr_calls(monkeypatch: pytest.MonkeyPatch) -> list[OcrCall]:
    """Replaces tesseract with a recorder: what would have been read, at which size."""
    calls: list[OcrCall] = []

    def record(self: object, image: Image.Image, *, page: int, dpi: int | None) -> str:
        calls.append(OcrCall(page, image.size, dpi))
        return f"OCR TEXT OF PAGE {page}"

    monkeypatch.setattr(Ocr, "read", record)
    return calls


def test_only_pages_without_a_text_layer_are_ocred(
    corpus_dir: Path, ocr_calls: list[OcrCall]
) -> None:
    document = parse_path(corpus_dir / "mixed_text_and_scan.pdf", ALL, LIMITS)

    assert [call.page for call in ocr_calls] == [3]
    assert "DS-00301" in document.pages[1].text
    assert document.pages[2].text == "OCR TEXT OF PAGE 3"


def test_scanned_pages_are_rendered_at_300_dpi_only_when_selected(
    corpus_dir: Path, ocr_calls: list[OcrCall]
) -> None:
    parse_path(corpus_dir / "scanned_en.pdf", ParseRequest(pages=[2]), LIMITS)

    (call,) = ocr_calls
    assert (call.page, call.dpi) == (2, 300)
    assert call.size[0] == 2550
    assert abs(call.size[1] - 3300) <= 1  # 11 in at 300 dpi; PDFium rounds up


def test_rendering_is_scaled_down_to_the_pixel_cap(
    corpus_dir: Path, ocr_calls: list[OcrCall]
) -> None:
    limits = ParseLimits(max_pixels=1_000_000)

    parse_path(corpus_dir / "scanned_en.pdf", ParseRequest(pages=[1]), limits)

    (call,) = ocr_calls
    assert call.size[0] * call.size[1] <= 1_000_000
    assert call.size[0] > 800
    assert call.dpi is not None and 100 <= call.dpi < 300


def test_page_image_over_the_pixel_limit_is_refused_before_decoding(
    corpus_dir: Path, ocr_calls: list[OcrCall]
) -> None:
    error = parse_error(
        corpus_dir / "scanned_en.pdf", ParseRequest(pages=[1]), ParseLimits(max_image_pixels=10**6)
    )

    assert (error.kind, error.message) == (
        "resource_limit",
        "page 1 holds a 2550x3300 image, over the limit of 1,000,000 pixels",
    )
    assert ocr_calls == []
