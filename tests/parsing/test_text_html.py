"""Plain text and HTML in-process: decoding, NUL bytes, visible text, charsets."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from docsort.parsing.dispatch import parse_path
from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors.html import extract_html, html_to_text
from docsort.parsing.extractors.text import extract_text
from docsort.parsing.models import ParseLimits
from tests.parsing.support import ALL, LIMITS

# --- text decoding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + "Grüße €".encode(), "Grüße €"),
        (codecs.BOM_UTF16_LE + "Grüße €".encode("utf-16-le"), "Grüße €"),
        (codecs.BOM_UTF16_BE + "Grüße €".encode("utf-16-be"), "Grüße €"),
        ("Grüße €".encode(), "Grüße €"),
        ("Rechnung für die Müllerstraße".encode("utf-16-le"), "Rechnung für die Müllerstraße"),
        ("Rechnung für die Müllerstraße".encode("utf-16-be"), "Rechnung für die Müllerstraße"),
        ("Grüße €".encode("cp1252"), "Grüße €"),
        (b"caf\xe9\x81 \x80 5", "café € 5"),  # 0x81 is undefined in cp1252: still decoded
        (b"line one\r\nline two\rline three", "line one\nline two\nline three"),
    ],
    ids=[
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf8",
        "utf16le",
        "utf16be",
        "cp1252",
        "cp1252-holes",
        "crlf",
    ],
)
def test_text_is_decoded_bom_then_utf16_then_utf8_then_cp1252(
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


def test_utf16_text_without_a_bom_is_detected_and_read(tmp_path: Path) -> None:
    path = tmp_path / "notes"
    path.write_bytes(("Rechnung für die Müllerstraße 12\n" * 5).encode("utf-16-le"))

    document = parse_path(path, ALL, LIMITS)

    assert document.detected_type == "txt"
    assert document.text.startswith("Rechnung für die Müllerstraße 12\n")
