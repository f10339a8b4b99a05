"""Routing by detected type: what is parsed, what is refused and how it is named."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from docsort.parsing.dispatch import parse_path
from docsort.parsing.models import ParseLimits
from tests.parsing.support import ALL, LIMITS, parse_error


def test_docx_named_as_pdf_is_parsed_as_a_word_document(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "docx_named_as.pdf", ALL, LIMITS)

    assert (document.detected_type, document.page_count) == ("docx", 1)
    assert "Fabrikam" in document.text


def test_plain_zip_archive_is_refused_naming_the_archive(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "plain_archive.zip")

    assert error.kind == "unsupported_type"
    assert str(error) == "unsupported type: ZIP archive (application/zip)"


def test_random_bytes_are_refused_as_unrecognised_binary_data(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "random_bytes.bin")

    assert error.kind == "unsupported_type"
    assert str(error) == "unsupported type: unrecognised binary data (application/octet-stream)"


def test_image_format_outside_the_supported_list_is_refused(tmp_path: Path) -> None:
    gif = tmp_path / "scan.png"
    Image.new("L", (40, 20), 255).save(gif, format="GIF")

    error = parse_error(gif)

    assert (error.kind, error.message) == (
        "unsupported_type",
        "unsupported type: GIF image (image/gif)",
    )


def test_zero_byte_file_fails_as_empty(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "zero_bytes.pdf")

    assert (error.kind, str(error)) == ("empty", "the document is empty (0 bytes)")


def test_file_over_the_size_limit_is_refused_before_it_is_read(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "notes.txt", limits=ParseLimits(max_file_bytes=1000))

    assert (error.kind, error.message) == (
        "resource_limit",
        "the file is 1,097 bytes, over the limit of 1,000",
    )
