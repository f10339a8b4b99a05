"""Page images for MULTIMODAL, rendered in the real parsing sandbox."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from docsort.parsing.models import ParseLimits, ParseRequest
from docsort.parsing.sandbox import parse_document
from tests.support.documents import make_pdf

SIZES = [(300, 600), (400, 400), (600, 300), (500, 250)]


def _pdf(tmp_path: Path) -> Path:
    path = tmp_path / "cards.pdf"
    path.write_bytes(make_pdf([[f"card {n}"] for n in range(1, 5)], SIZES))
    return path


def test_selected_pdf_pages_are_rendered_under_the_pixel_cap(tmp_path: Path) -> None:
    images = tmp_path / "images"
    images.mkdir()
    limits = ParseLimits(page_image_max_pixels=40_000)
    parsed = parse_document(
        _pdf(tmp_path), ParseRequest(pages=[1, 3], image_dir=str(images)), limits
    )
    assert parsed.image_pages == [1, 3]
    assert sorted(p.name for p in images.iterdir()) == ["page-1.png", "page-3.png"]
    for number in (1, 3):
        with Image.open(images / f"page-{number}.png") as image:
            width, height = SIZES[number - 1]
            assert image.width * image.height <= 40_000
            assert abs(image.width / image.height - width / height) < 0.02


def test_only_the_first_pages_up_to_the_page_cap_are_rendered(tmp_path: Path) -> None:
    images = tmp_path / "images"
    images.mkdir()
    limits = ParseLimits(page_image_max_pages=2)
    parsed = parse_document(_pdf(tmp_path), ParseRequest(image_dir=str(images)), limits)
    assert [p.number for p in parsed.pages] == [1, 2, 3, 4]
    assert parsed.image_pages == [1, 2]
    assert any("first 2 of 4 pages" in w for w in parsed.warnings)


def test_an_image_document_is_its_own_page_image_and_text_has_none(tmp_path: Path) -> None:
    picture = Image.new("RGB", (1200, 400), "white")
    ImageDraw.Draw(picture).text((20, 20), "INVOICE 42 amount due", fill="black")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    scan = tmp_path / "scan.png"
    scan.write_bytes(buffer.getvalue())
    images = tmp_path / "images"
    images.mkdir()
    limits = ParseLimits(page_image_max_pixels=120_000)
    request = ParseRequest(image_dir=str(images))
    parsed = parse_document(scan, request, limits)
    assert parsed.image_pages == [1]
    with Image.open(images / "page-1.png") as image:
        assert image.width * image.height <= 120_000 and image.width > image.height

    note = tmp_path / "note.txt"
    note.write_text("A plain note about an invoice.")
    text_only = parse_document(note, request, limits)
    assert text_only.image_pages == []
    assert any("no page images" in w for w in text_only.warnings)
