"""Extraction in-process (`parse_path`): text, HTML and PDF against the corpus manifest."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from docsort.parsing.dispatch import parse_path
from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors.html import extract_html, html_to_text
from docsort.parsing.extractors.text import extract_text
from docsort.parsing.models import ParseLimits, ParseRequest
from docsort.parsing.pages import select_pages

ALL = ParseRequest()
LIMITS = ParseLimits()


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces, as the manifest's phrases are."""
    return " ".join(text.split())


def parse_error(path: Path, request: ParseRequest = ALL) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse_path(path, request, LIMITS)
    return caught.value


# --- the manifest ---------------------------------------------------------------------------


def test_text_html_and_born_digital_pdfs_yield_their_phrases_and_no_absent_strings(
    corpus_dir: Path, text_entry: dict[str, Any]
) -> None:
    document = parse_path(corpus_dir / text_entry["file"], ALL, LIMITS)

    text = normalise(document.text)
    missing = [phrase for phrase in text_entry["phrases"] if normalise(phrase) not in text]
    leaked = [absent for absent in text_entry.get("absent", []) if absent in text]
    assert missing == []
    assert leaked == []
    assert document.page_count == text_entry.get("pages", 1)
    assert [page.number for page in document.pages] == list(range(1, document.page_count + 1))


# --- types this cut does not parse ----------------------------------------------------------


def test_docx_named_as_pdf_is_refused_as_unsupported_docx(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "docx_named_as.pdf")

    assert error.kind == "unsupported_type"
    assert "DOCX" in str(error)
    assert "wordprocessingml" in str(error)


def test_plain_zip_archive_is_refused_naming_the_archive(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "plain_archive.zip")

    assert error.kind == "unsupported_type"
    assert str(error) == "unsupported type: ZIP archive (application/zip)"


def test_random_bytes_are_refused_as_unrecognised_binary_data(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "random_bytes.bin")

    assert error.kind == "unsupported_type"
    assert str(error) == "unsupported type: unrecognised binary data (application/octet-stream)"


def test_zero_byte_file_fails_as_empty(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "zero_bytes.pdf")

    assert (error.kind, str(error)) == ("empty", "the document is empty (0 bytes)")


# --- PDF --------------------------------------------------------------------------------------


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


def test_scanned_pdf_without_text_layer_fails_as_empty(corpus_dir: Path) -> None:
    error = parse_error(corpus_dir / "scanned_en.pdf")

    assert error.kind == "empty"
    assert "OCR" in str(error)


def test_pdf_page_without_text_is_kept_as_an_empty_page(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "mixed_text_and_scan.pdf", ALL, LIMITS)

    assert [page.number for page in document.pages] == [1, 2, 3]
    assert "DS-00301" in document.pages[1].text
    assert document.pages[2].text == ""


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


# --- page selection ---------------------------------------------------------------------------


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


# --- text decoding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + "Grüße €".encode(), "Grüße €"),
        (codecs.BOM_UTF16_LE + "Grüße €".encode("utf-16-le"), "Grüße €"),
        (codecs.BOM_UTF16_BE + "Grüße €".encode("utf-16-be"), "Grüße €"),
        ("Grüße €".encode(), "Grüße €"),
        ("Grüße €".encode("cp1252"), "Grüße €"),
        (b"caf\xe9\x81 \x80 5", "café € 5"),  # 0x81 is undefined in cp1252: still decoded
        (b"line one\r\nline two\rline three", "line one\nline two\nline three"),
    ],
    ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "utf8", "cp1252", "cp1252-holes", "crlf"],
)
def test_text_is_decoded_bom_then_utf8_then_cp1252(
    tmp_path: Path, data: bytes, expected: str
) -> None:
    path = tmp_path / "doc"
    path.write_bytes(data)

    extracted = extract_text(path, ALL, LIMITS)

    assert extracted.pages[0].text == expected


def test_text_with_nul_bytes_is_refused_as_an_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(b"looks like text\x00but is not\x00")

    with pytest.raises(DocumentError) as caught:
        extract_text(path, ALL, LIMITS)

    assert caught.value.kind == "encoding"
    assert "NUL" in str(caught.value)


def test_whitespace_only_text_fails_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(b" \n\t\r\n  ")

    with pytest.raises(DocumentError) as caught:
        extract_text(path, ALL, LIMITS)

    assert caught.value.kind == "empty"


def test_text_beyond_max_text_chars_is_truncated(corpus_dir: Path) -> None:
    limits = ParseLimits(max_text_chars=100)

    document = parse_path(corpus_dir / "notes_utf16.txt", ALL, limits)

    assert len(document.text) == 100
    assert document.text.startswith("UTF16-MARKER")


# --- HTML -------------------------------------------------------------------------------------


def test_html_drops_scripts_styles_templates_and_comments() -> None:
    html = (
        "<html><head><style>p{}</style><script>var a='SCRIPT'</script></head><body>"
        "<noscript>NOSCRIPT</noscript><template><p>TEMPLATE</p></template>"
        "<!-- COMMENT --><p>kept</p></body></html>"
    )

    assert html_to_text(html) == "kept"


def test_html_block_structure_becomes_lines_and_whitespace_collapses() -> None:
    html = (
        "<h1>Title</h1><p>first   paragraph\n  wrapped with <b>bold</b>text</p>"
        "<ul><li>one</li><li>two</li></ul>line<br>break"
        "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"
    )

    assert html_to_text(html).split("\n") == [
        "Title",
        "first paragraph wrapped with boldtext",
        "one",
        "two",
        "line",
        "break",
        "a b",
        "c d",
    ]


def test_html_charset_comes_from_bom_then_meta_then_utf8_then_cp1252(tmp_path: Path) -> None:
    cases = {
        "bom": codecs.BOM_UTF8 + '<meta charset="windows-1251"><p>Grüße</p>'.encode(),
        "meta": '<meta charset="windows-1251"><p>Счёт</p>'.encode("cp1251"),
        "http-equiv": (
            '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Счёт</p>'
        ).encode("koi8-r"),
        "utf8": "<p>Grüße</p>".encode(),
        "cp1252": "<p>Grüße</p>".encode("cp1252"),
        "latin1-label": '<meta charset="iso-8859-1"><p>€ 5</p>'.encode("cp1252"),
    }
    texts = {}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        texts[name] = extract_html(path, ALL, LIMITS).pages[0].text

    assert texts == {
        "bom": "Grüße",
        "meta": "Счёт",
        "http-equiv": "Счёт",
        "utf8": "Grüße",
        "cp1252": "Grüße",
        "latin1-label": "€ 5",
    }


def test_html_without_visible_text_fails_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"<html><head><script>var x = 1;</script></head><body> </body></html>")

    with pytest.raises(DocumentError) as caught:
        extract_html(path, ALL, LIMITS)

    assert caught.value.kind == "empty"
