"""Images and OCR in-process: formats, frames, orientation, limits and OCR languages.

Real OCR runs only on small crops (a tenth of a second each); the full scans are read, and
their character error rates checked, in the corpus test.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from docsort.languages import tesseract_language
from docsort.parsing import ocr
from docsort.parsing.dispatch import parse_path
from docsort.parsing.models import ParseLimits, ParseRequest
from tests.parsing.conftest import REPO_ROOT
from tests.parsing.support import ALL, LIMITS, parse_error

HEADING = "Document reference DS-00400"


@pytest.fixture(scope="module")
def heading_crop(corpus_dir: Path) -> Image.Image:
    """The first text line of the English scan (2550x400 px at 300 dpi)."""
    with Image.open(corpus_dir / "scan_en.png") as scan:
        return scan.crop((0, 0, 2550, 400))


@pytest.mark.parametrize("image_format", ["WEBP", "BMP", "TIFF", "JPEG"])
def test_image_formats_are_read_with_ocr(
    heading_crop: Image.Image, tmp_path: Path, image_format: str
) -> None:
    path = tmp_path / "scan.bin"
    heading_crop.save(path, format=image_format)

    document = parse_path(path, ALL, LIMITS)

    assert document.detected_type == image_format.lower()
    assert (document.page_count, document.text) == (1, HEADING)


def test_uninstalled_ocr_language_falls_back_to_english_with_a_warning(
    heading_crop: Image.Image, tmp_path: Path
) -> None:
    if "kmr" in ocr.installed_languages():
        pytest.skip("the Kurmanji model is installed here")
    path = tmp_path / "scan.png"
    heading_crop.save(path)

    document = parse_path(path, ParseRequest(lang="kmr"), LIMITS)

    assert document.text == HEADING
    assert document.warnings == [
        "OCR language 'kmr' is not installed; the text was read with English instead"
    ]


def test_installed_languages_include_the_packs_the_set_up_installs() -> None:
    assert {"eng", "deu", "rus", "chi_sim", "ara"} <= ocr.installed_languages()


def test_every_api_language_code_gives_a_request_that_resolves_to_an_installed_model() -> None:
    table = REPO_ROOT / "docsort" / "data" / "lang_codes.csv"
    codes = [row["api_code"] for row in csv.DictReader(table.read_text("utf-8").splitlines())]

    resolved = {
        ocr.resolve_language(ParseRequest(lang=tesseract_language(c)).lang)[0] for c in codes
    }

    assert len(codes) > 100
    assert resolved <= ocr.installed_languages()


def test_language_resolution_keeps_installed_parts_and_warns_about_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ocr, "installed_languages", lambda: frozenset({"eng", "rus"}))

    assert ocr.resolve_language("rus+eng") == ("rus+eng", [])
    assert ocr.resolve_language("rus+ukr") == (
        "rus",
        ["OCR language 'ukr' is not installed; the text was read with rus"],
    )
    assert ocr.resolve_language("Cyrillic") == (
        "eng",
        ["OCR language 'Cyrillic' is not installed; the text was read with English instead"],
    )


def test_ocr_spaces_between_chinese_characters_are_dropped() -> None:
    assert ocr.tidy_text("发票 编号 二零\n二四年。\n\n财务部 Total 12") == (
        "发票编号二零二四年。\n\n财务部 Total 12"
    )


def test_ocr_page_over_its_timeout_fails_as_resource_limit(
    heading_crop: Image.Image, tmp_path: Path
) -> None:
    path = tmp_path / "scan.png"
    heading_crop.save(path)

    error = parse_error(path, limits=ParseLimits(ocr_page_timeout_s=0.001))

    assert (error.kind, error.message) == (
        "resource_limit",
        "OCR of page 1 took longer than 0.001 s and was stopped",
    )


# --- frames, orientation and limits, with OCR replaced by a recorder ----------------------------


@dataclass
class OcrCall:
    """One image handed to OCR."""

    page: int
    size: tuple[int, int]
    mode: str
    dpi: int | None


@pytest.fixture
def ocr_calls(monkeypatch: pytest.MonkeyPatch) -> list[OcrCall]:
    """Replaces tesseract with a recorder."""
    calls: list[OcrCall] = []

    def record(self: object, image: Image.Image, *, page: int, dpi: int | None) -> str:
        calls.append(OcrCall(page, image.size, image.mode, dpi))
        return f"TEXT OF PAGE {page}"

    monkeypatch.setattr(ocr.Ocr, "read", record)
    return calls


def test_every_tiff_frame_is_a_page_and_only_selected_ones_are_read(
    corpus_dir: Path, ocr_calls: list[OcrCall]
) -> None:
    document = parse_path(corpus_dir / "scan_ru_2pages.tiff", ParseRequest(pages=[2]), LIMITS)

    assert (document.page_count, document.text) == (2, "TEXT OF PAGE 2")
    assert ocr_calls == [OcrCall(page=2, size=(2550, 3300), mode="1", dpi=300)]


def test_exif_orientation_is_applied_and_a_camera_dpi_is_not_trusted(
    corpus_dir: Path, ocr_calls: list[OcrCall]
) -> None:
    parse_path(corpus_dir / "photo_exif_rotated.jpg", ALL, LIMITS)

    # Stored 1650x1275 (landscape) with Orientation 6 and a 72 dpi default in its header.
    assert ocr_calls == [OcrCall(page=1, size=(1275, 1650), mode="L", dpi=None)]


def test_image_over_the_pixel_limit_is_refused_before_decoding(
    corpus_dir: Path, ocr_calls: list[OcrCall]
) -> None:
    error = parse_error(corpus_dir / "scan_en.png", limits=ParseLimits(max_image_pixels=5_000_000))

    assert (error.kind, error.message) == (
        "resource_limit",
        "the image is larger than the limit of 5,000,000 pixels",
    )
    assert ocr_calls == []


def test_truncated_image_is_malformed(corpus_dir: Path, tmp_path: Path) -> None:
    data = (corpus_dir / "scan_en.png").read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])

    error = parse_error(path)

    assert error.kind == "malformed"
    assert error.message.startswith("the image is damaged")


def test_colour_images_with_transparency_are_flattened_to_greyscale_on_white() -> None:
    rgba = Image.new("RGBA", (10, 10), (0, 0, 0, 0))

    prepared = ocr.prepare_image(rgba, max_pixels=1000)

    assert (prepared.mode, prepared.getpixel((0, 0))) == ("L", 255)


def test_large_images_are_scaled_down_to_the_pixel_cap() -> None:
    prepared = ocr.prepare_image(Image.new("1", (4000, 3000), 1), max_pixels=1_200_000)

    assert prepared.size == (1264, 948)
    assert prepared.width * prepared.height <= 1_200_000
