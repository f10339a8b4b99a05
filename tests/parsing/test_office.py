"""Office documents in-process: DOCX, XLSX/XLS/ODS, PPTX, and the ZIP checks before them."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import xlwt

from docsort.parsing.dispatch import parse_path
from docsort.parsing.extractors.sheets import format_cell
from docsort.parsing.extractors.slides import NOTES_HEADING
from docsort.parsing.models import ParseLimits, ParseRequest
from tests.parsing.support import ALL, LIMITS, parse_error

# --- DOCX ---------------------------------------------------------------------------------------


def test_docx_reads_header_then_body_and_tables_then_footer(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "report.docx", ALL, LIMITS)

    lines = document.text.split("\n")
    assert lines[0] == "HEADER-CONFIDENTIAL"
    assert lines[1] == "Quarterly supplier review"
    assert "Supplier | Score | Region" in lines
    assert "Fabrikam | 72 | South" in lines
    assert lines[-1] == "FOOTER-PAGE-NOTE"
    assert (document.detected_type, document.page_count) == ("docx", 1)


def test_docx_text_boxes_are_read_once(tmp_path: Path) -> None:
    path = tmp_path / "letter.docx"
    _write_docx_with_text_box(path, "BODY-LINE", "TEXT-BOX-LINE")

    document = parse_path(path, ALL, LIMITS)

    assert document.text.split("\n") == ["BODY-LINE", "TEXT-BOX-LINE"]


def test_docx_with_entity_expansion_is_refused_as_malformed(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "billion_laughs.docx")

    assert error.kind == "malformed"
    assert error.message.startswith("the Word document is damaged: a part is not well-formed XML")


def test_docx_without_its_main_part_is_malformed_naming_the_part(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "missing_part.docx")

    assert error.kind == "malformed"
    assert "word/document.xml" in error.message


# --- ZIP checks -----------------------------------------------------------------------------------


def test_zip_bomb_is_refused_by_its_compression_ratio_before_inflating(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "zip_bomb_200mb.docx")

    assert (error.kind, error.message) == (
        "resource_limit",
        "a part of the Word document is compressed 344:1 (191 MB unpacked), "
        "over the limit of 200:1 (a ZIP bomb?)",
    )


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (
            ParseLimits(zip_max_entries=10),
            "the Word document holds 19 parts, over the limit of 10",
        ),
        (
            ParseLimits(zip_max_uncompressed_bytes=512 * 1024),
            "the Word document would unpack to 0.8 MB, over the limit of 0.5 MB (a ZIP bomb?)",
        ),
    ],
    ids=["entries", "total-size"],
)
def test_zip_limits_refuse_an_office_file_before_it_is_opened(
    corpus_dir: Path, limits: ParseLimits, message: str
) -> None:
    error = parse_error(corpus_dir / "report.docx", limits=limits)

    assert (error.kind, error.message) == ("resource_limit", message)


def test_cut_off_zip_container_is_malformed(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "truncated.docx")

    assert (error.kind, error.message) == (
        "malformed",
        "the Word document is damaged: its ZIP container cannot be read",
    )


# --- spreadsheets ---------------------------------------------------------------------------------


def test_xlsx_reads_every_sheet_as_a_page_with_iso_dates(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "invoices.xlsx", ALL, LIMITS)

    invoices, notes = document.pages
    lines = invoices.text.split("\n")
    assert lines[:3] == [
        "Invoices",
        "Invoice\tCustomer\tAmount\tDate\t\tTotal",
        "INV-0001\tCustomer 1\t113.37\t2024-01-02",
    ]
    assert notes.text.startswith("Notes\nSECOND-SHEET-MARKER")


def test_xls_is_read_with_numbers_without_float_noise(tmp_path: Path) -> None:
    path = tmp_path / "book.xls"
    book = xlwt.Workbook()
    first = book.add_sheet("Umsatz")
    first.write(0, 0, "Betrag")
    first.write(0, 1, 1200.4999999999998)
    first.write(1, 0, "Datum")
    first.write(1, 1, dt.date(2024, 3, 12), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    book.add_sheet("Leer").write(0, 0, "XLS-SECOND-SHEET")
    book.save(str(path))

    document = parse_path(path, ALL, LIMITS)

    assert (document.detected_type, document.page_count) == ("xls", 2)
    assert document.pages[0].text == "Umsatz\nBetrag\t1200.5\nDatum\t2024-03-12"
    assert document.pages[1].text == "Leer\nXLS-SECOND-SHEET"


def test_ods_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sheet.ods"
    _write_ods(path, "ODS-MARKER", 3.5)

    document = parse_path(path, ALL, LIMITS)

    assert (document.detected_type, document.text) == ("ods", "Blatt1\nODS-MARKER\t3.5")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1200.4999999999998, "1200.5"),
        (0.1 + 0.2, "0.3"),
        (87.0, "87"),
        (-3, "-3"),
        (1e20, "1e+20"),
        (True, "TRUE"),
        (dt.date(2024, 1, 2), "2024-01-02"),
        (dt.datetime(2024, 1, 2), "2024-01-02"),
        (dt.datetime(2024, 1, 2, 13, 5, 9, 250), "2024-01-02T13:05:09"),
        (dt.time(8, 30), "08:30:00"),
        ("  padded ", "padded"),
    ],
)
def test_cells_are_written_as_a_person_reads_them(value: object, text: str) -> None:
    assert format_cell(value) == text


def test_spreadsheet_with_entity_expansion_is_refused_as_malformed(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "billion_laughs.xlsx")

    assert error.kind == "malformed"
    assert error.message.startswith("the Excel workbook is damaged: sheet 1 cannot be read")


# --- PPTX -----------------------------------------------------------------------------------------


def test_pptx_slide_reads_title_bullets_then_speaker_notes(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "deck.pptx", ParseRequest(pages=[1]), LIMITS)

    lines = document.pages[0].text.split("\n")
    assert lines[0] == "Logistics strategy 2025"
    assert "SLIDE-ONE-BULLET" in lines
    notes_at = lines.index(NOTES_HEADING)
    assert "SPEAKER-NOTES-MARKER" in "\n".join(lines[notes_at:])
    assert "SLIDE-ONE-BULLET" not in "\n".join(lines[notes_at:])


def test_pptx_table_rows_are_lines_with_cells_separated(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "deck.pptx", ParseRequest(pages=[2]), LIMITS)

    rows = [line for line in document.text.split("\n") if " | " in line]
    assert any("TABLE-CELL-MARKER" in row for row in rows)


# --- builders -------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def _write_docx_with_text_box(path: Path, body: str, box: str) -> None:
    """A minimal DOCX: one paragraph, then a text box in both its DrawingML and VML forms."""

    def text_box(text: str) -> str:
        return f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"

    document = (
        f'<w:document xmlns:w="{_W}" xmlns:mc="{_MC}" xmlns:wps="{_WPS}"><w:body>'
        f"<w:p><w:r><w:t>{body}</w:t></w:r></w:p>"
        "<w:p><w:r><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><wps:txbx>{text_box(box)}</wps:txbx></mc:Choice>'
        f"<mc:Fallback><w:pict>{text_box(box)}</w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
        "</w:body></w:document>"
    )
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    relationships = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", relationships)
        archive.writestr("word/document.xml", document)


def _write_ods(path: Path, text: str, number: float) -> None:
    """A minimal OpenDocument spreadsheet with one row: a string and a number."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    content = (
        f'<office:document-content xmlns:office="{office}" xmlns:table="{table}" '
        f'xmlns:text="{text_ns}" office:version="1.2"><office:body><office:spreadsheet>'
        '<table:table table:name="Blatt1"><table:table-row>'
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
        f'<table:table-cell office:value-type="float" office:value="{number}">'
        f"<text:p>{number}</text:p></table:table-cell>"
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
