"""Type detection looks at content only and names every type it will not parse."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlwt
from PIL import Image

from docsort.parsing.sniff import detect_type

# Manifest kind -> the kinds detect_type may report for it.
_EXPECTED_KINDS: dict[str, set[str]] = {
    "image": {"png", "jpeg", "tiff"},
    "md": {"md", "txt"},  # libmagic cannot tell Markdown from plain text
    "csv": {"csv", "txt"},
    "unknown": {"binary"},
}


def test_every_corpus_file_is_detected_as_its_real_kind(
    corpus_dir: Path, corpus_entry: dict[str, Any]
) -> None:
    detected = detect_type(corpus_dir / corpus_entry["file"])

    if corpus_entry.get("bytes") == 0:
        expected = {"empty"}
    else:
        expected = _EXPECTED_KINDS.get(corpus_entry["kind"], {corpus_entry["kind"]})
    assert detected.kind in expected
    assert detected.mime
    assert detected.description


def test_docx_named_as_pdf_is_detected_as_docx(corpus_dir: Path) -> None:
    detected = detect_type(corpus_dir / "docx_named_as.pdf")

    assert detected.kind == "docx"
    assert "DOCX" in detected.description


def test_detection_ignores_the_file_name(corpus_dir: Path, tmp_path: Path) -> None:
    html_named_pdf = tmp_path / "invoice.pdf"
    html_named_pdf.write_bytes((corpus_dir / "page.html").read_bytes())
    pdf_named_txt = tmp_path / "notes.txt"
    pdf_named_txt.write_bytes((corpus_dir / "born_digital_en.pdf").read_bytes())
    no_extension = tmp_path / "data"
    no_extension.write_bytes((corpus_dir / "table.csv").read_bytes())

    assert detect_type(html_named_pdf).kind == "html"
    assert detect_type(pdf_named_txt).kind == "pdf"
    assert detect_type(no_extension).kind == "csv"


def test_utf16_text_with_bom_counts_as_text(tmp_path: Path) -> None:
    text = "Rechnung für die Müllerstraße 12\nZahlbar in vierzehn Tagen.\n" * 5
    little = tmp_path / "le"
    little.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    big = tmp_path / "be"
    big.write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))

    assert detect_type(little).kind == "txt"
    assert detect_type(big).kind == "txt"


def test_random_bytes_are_binary_with_a_readable_label(corpus_dir: Path) -> None:
    detected = detect_type(corpus_dir / "random_bytes.bin")

    assert detected.kind == "binary"
    assert detected.mime == "application/octet-stream"
    assert detected.description == "unrecognised binary data"


def test_plain_zip_is_a_zip_archive_not_an_office_document(corpus_dir: Path) -> None:
    detected = detect_type(corpus_dir / "plain_archive.zip")

    assert (detected.kind, detected.mime, detected.description) == (
        "zip",
        "application/zip",
        "ZIP archive",
    )


def test_empty_file_is_detected_as_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    assert detect_type(empty).kind == "empty"


def test_unknown_binary_formats_are_named_by_libmagic(tmp_path: Path) -> None:
    zlib_stream = tmp_path / "notes.txt"
    zlib_stream.write_bytes(codecs.encode(b"some text " * 100, "zlib"))

    detected = detect_type(zlib_stream)

    assert detected.kind == "other"
    assert "zlib" in detected.description.lower()


@pytest.mark.parametrize(
    ("image_format", "kind"),
    [("PNG", "png"), ("JPEG", "jpeg"), ("TIFF", "tiff"), ("WEBP", "webp"), ("BMP", "bmp")],
)
def test_supported_image_formats_are_detected(tmp_path: Path, image_format: str, kind: str) -> None:
    path = tmp_path / "picture.pdf"
    Image.new("L", (32, 32), 200).save(path, format=image_format)

    assert detect_type(path).kind == kind


def test_xls_workbook_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "book.docx"
    book = xlwt.Workbook()
    book.add_sheet("Sheet").write(0, 0, "cell")
    book.save(str(path))

    assert detect_type(path).kind == "xls"


def test_office_zip_is_recognised_by_its_parts_whatever_their_order(
    corpus_dir: Path, tmp_path: Path
) -> None:
    # libmagic only looks at the first entries: behind a few metadata parts it gives up.
    reordered = tmp_path / "report.zip"
    with (
        zipfile.ZipFile(corpus_dir / "report.docx") as source,
        zipfile.ZipFile(reordered, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = source.namelist()
        first = [name for name in names if name.startswith(("docProps/", "customXml/"))]
        for name in first + [name for name in reversed(names) if name not in first]:
            target.writestr(name, source.read(name))

    detected = detect_type(reordered)

    assert (detected.kind, detected.description) == ("docx", "Word document (DOCX)")


def test_opendocument_spreadsheet_is_detected_by_its_mimetype_entry(tmp_path: Path) -> None:
    path = tmp_path / "sheet.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")

    assert detect_type(path).kind == "ods"
