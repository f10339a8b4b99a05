"""Plain text (txt, md, csv): decode BOM → UTF-16 → UTF-8 → cp1252, refuse NUL bytes."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted, TextBudget, clean_text
from docsort.parsing.models import ParsedPage, ParseLimits, ParseRequest
from docsort.parsing.pages import select_pages
from docsort.parsing.sniff import bomless_utf16_encoding

# Longest first: the UTF-32 LE BOM begins with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Bytes cp1252 leaves undefined (0x81, 0x8D, …) decode as their Latin-1 code points (as
# browsers do), so a cp1252 decode never fails.
_CP1252_FALLBACK = "docsort-cp1252-latin1"


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error(_CP1252_FALLBACK, _latin1_fallback)


def extract_text(path: Path, request: ParseRequest, limits: ParseLimits) -> Extracted:
    """A text file as one page."""
    selected = select_pages(1, request)
    # A character takes at most 4 bytes in any encoding tried, so this is enough for the cap.
    cap = limits.max_text_chars * 4 + 4
    with path.open("rb") as handle:
        # read(n) allocates n bytes up front: never ask for more than the file holds.
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(min(size, cap) + 1)
    text = decode_bytes(data[:cap], complete=len(data) <= cap)
    if "\x00" in text:
        raise DocumentError(
            "encoding", "the text contains NUL bytes: it is binary data or an unsupported encoding"
        )
    text = clean_text(text)
    if not text:
        raise DocumentError("empty", "the document contains no text")
    taken = TextBudget(limits.max_text_chars).take(text)
    return Extracted(1, [ParsedPage(number=page, text=taken) for page in selected])


def decode_bytes(data: bytes, *, complete: bool = True, declared: str | None = None) -> str:
    """Decode text: a BOM wins, then UTF-16 recognised by its NUL bytes, then the `declared`
    charset, then UTF-8, then cp1252.

    `complete=False` means `data` was cut off, so a character split at the end is dropped.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding, "replace", complete)
    utf16 = bomless_utf16_encoding(data)
    if utf16 is not None:
        return _decode(data, utf16, "replace", complete)
    for encoding in [name for name in (declared, "utf-8") if name is not None]:
        try:
            return _decode(data, encoding, "strict", complete)
        except (UnicodeDecodeError, LookupError):
            continue
    return _decode(data, "cp1252", _CP1252_FALLBACK, complete)


def _decode(data: bytes, encoding: str, errors: str, complete: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    return str(decoder.decode(data, final=complete))
