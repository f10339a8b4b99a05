"""Type detection from a file's content (never its name or a client-supplied MIME type)."""

from __future__ import annotations

import os
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import magic

# MIME type (as libmagic names it) -> (short kind, label a person recognises).
_KNOWN: dict[str, tuple[str, str]] = {
    "application/pdf": ("pdf", "PDF document"),
    "text/html": ("html", "HTML document"),
    "application/xhtml+xml": ("html", "HTML document"),
    "text/plain": ("txt", "plain text"),
    "text/csv": ("csv", "CSV text"),
    "text/markdown": ("md", "Markdown text"),
    "text/x-markdown": ("md", "Markdown text"),
    "text/xml": ("xml", "XML document"),
    "application/xml": ("xml", "XML document"),
    "text/rtf": ("rtf", "RTF document"),
    "application/json": ("json", "JSON data"),
    "message/rfc822": ("eml", "e-mail message"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "docx",
        "Word document (DOCX)",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "xlsx",
        "Excel workbook (XLSX)",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "pptx",
        "PowerPoint presentation (PPTX)",
    ),
    "application/msword": ("doc", "Word 97-2003 document (DOC)"),
    "application/vnd.ms-excel": ("xls", "Excel 97-2003 workbook (XLS)"),
    "application/vnd.ms-powerpoint": ("ppt", "PowerPoint 97-2003 presentation (PPT)"),
    "application/vnd.oasis.opendocument.text": ("odt", "OpenDocument text (ODT)"),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods", "OpenDocument spreadsheet (ODS)"),
    "application/epub+zip": ("epub", "EPUB e-book"),
    "application/zip": ("zip", "ZIP archive"),
    "application/gzip": ("gzip", "gzip archive"),
    "application/x-tar": ("tar", "tar archive"),
    "application/x-7z-compressed": ("7z", "7-Zip archive"),
    "application/x-rar": ("rar", "RAR archive"),
    "image/png": ("png", "PNG image"),
    "image/jpeg": ("jpeg", "JPEG image"),
    "image/tiff": ("tiff", "TIFF image"),
    "image/gif": ("gif", "GIF image"),
    "image/webp": ("webp", "WebP image"),
    "image/bmp": ("bmp", "BMP image"),
    "image/x-ms-bmp": ("bmp", "BMP image"),
    "image/svg+xml": ("svg", "SVG image"),
    "application/encrypted": ("encrypted", "encrypted document"),
    "application/octet-stream": ("binary", "unrecognised binary data"),
    "inode/x-empty": ("empty", "empty file"),
    "application/x-empty": ("empty", "empty file"),
}

# Structured text formats that are not read as plain text (they get their own kind above).
_NOT_PLAIN_TEXT = frozenset({"text/html", "text/xml", "text/rtf"})

# A ZIP whose parts say it is an Office document (libmagic only looks at the first entries).
_OOXML_MAIN_PARTS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_END_MAGIC = b"PK\x05\x06"
# The end-of-central-directory record sits in the last 22 bytes plus a comment of ≤ 64 KiB.
_ZIP_END_SEARCH = 22 + 65535
# Archives with more entries are not looked into (listing them would cost memory).
_MAX_ZIP_ENTRIES_LISTED = 5000
_MAX_MIMETYPE_ENTRY = 200

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# UTF-16 without a BOM: how much is looked at, and the share of NUL bytes that gives it away.
_UTF16_SAMPLE_BYTES = 4096
_UTF16_MIN_BYTES = 16
_UTF16_NUL_SHARE = 0.9
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class DetectedType:
    """What a file really is: a short `kind` (pdf, txt, docx, zip, binary, …), its MIME type
    and a label for messages."""

    kind: str
    mime: str
    description: str


def detect_type(path: Path) -> DetectedType:
    """Detect a file's type from its bytes with libmagic."""
    with path.open("rb") as handle:
        mime, raw_description = _libmagic(handle.fileno())
        handle.seek(0)
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(_ZIP_MAGIC) and mime in ("application/zip", "application/octet-stream"):
        mime = _zip_content_type(path) or mime
    if mime in _KNOWN:
        kind, label = _KNOWN[mime]
        if kind == "binary" and (_is_utf16_text(head) or bomless_utf16_encoding(head)):
            return DetectedType("txt", "text/plain", "plain text (UTF-16)")
        return DetectedType(kind, mime, label)
    if mime.startswith("text/") and mime not in _NOT_PLAIN_TEXT:
        # libmagic's text/x-c, text/x-shellscript, … are guesses about plain text.
        return DetectedType("txt", mime, "plain text")
    if _is_utf16_text(head):
        return DetectedType("txt", "text/plain", "plain text (UTF-16)")
    if mime.startswith("image/"):
        return DetectedType("image", mime, f"{mime.removeprefix('image/').upper()} image")
    label = raw_description.split(",", 1)[0].strip() or "unrecognised data"
    return DetectedType("other", mime, label)


def _zip_content_type(path: Path) -> str | None:
    """The Office or OpenDocument type a ZIP's part names declare (its central directory is
    read, no part is inflated but an OpenDocument's few-byte `mimetype`)."""
    if not _few_zip_entries(path):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                for part, mime in _OOXML_MAIN_PARTS.items():
                    if part in names:
                        return mime
            if "mimetype" in names:
                entry = archive.getinfo("mimetype")
                if entry.file_size <= _MAX_MIMETYPE_ENTRY:
                    declared = archive.read(entry).decode("ascii", errors="replace").strip()
                    return declared if declared in _KNOWN else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    return None


def _few_zip_entries(path: Path) -> bool:
    """Whether the ZIP's end record announces at most `_MAX_ZIP_ENTRIES_LISTED` entries."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        handle.seek(max(0, size - _ZIP_END_SEARCH))
        tail = handle.read(_ZIP_END_SEARCH)
    at = tail.rfind(_ZIP_END_MAGIC)
    if at < 0 or len(tail) < at + 12:
        return False
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    return entries <= _MAX_ZIP_ENTRIES_LISTED


def warm_up() -> None:
    """Load libmagic's database now (the zygote does this once, before it forks)."""
    _handles_for_use()


class _Magic:
    """libmagic handles (not thread-safe, so shared under a lock)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mime = magic.Magic(mime=True)
        self.description = magic.Magic()


_handles: _Magic | None = None
_handles_lock = threading.Lock()


def _handles_for_use() -> _Magic:
    global _handles
    with _handles_lock:
        if _handles is None:
            _handles = _Magic()
        return _handles


def _libmagic(fd: int) -> tuple[str, str]:
    handles = _handles_for_use()
    try:
        with handles.lock:
            os.lseek(fd, 0, os.SEEK_SET)  # libmagic reads from the current offset
            mime = str(handles.mime.from_descriptor(fd))
            os.lseek(fd, 0, os.SEEK_SET)
            description = str(handles.description.from_descriptor(fd))
    except magic.MagicException as error:
        if "memory" in str(error).lower():  # "regex error 12 … (Memory exhausted)"
            raise MemoryError(f"libmagic: {error}") from error
        raise
    return mime, description


def bomless_utf16_encoding(head: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` for text without a BOM whose every other byte is NUL (as
    UTF-16 stores Latin-script text), if it decodes without stray control characters."""
    sample = head[:_UTF16_SAMPLE_BYTES]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < _UTF16_MIN_BYTES:
        return None
    nul_even = sample[0::2].count(0) / (len(sample) // 2)
    nul_odd = sample[1::2].count(0) / (len(sample) // 2)
    if nul_odd >= _UTF16_NUL_SHARE and nul_even <= 1 - _UTF16_NUL_SHARE:
        encoding = "utf-16-le"
    elif nul_even >= _UTF16_NUL_SHARE and nul_odd <= 1 - _UTF16_NUL_SHARE:
        encoding = "utf-16-be"
    else:
        return None
    text = sample.decode(encoding, errors="replace")
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        return None
    return encoding


def _is_utf16_text(head: bytes) -> bool:
    """UTF-16 with a BOM that decodes cleanly and has no NUL or stray control characters."""
    if not head.startswith(_UTF16_BOMS) or len(head) < 4:
        return False
    encoding = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
    body = head[2 : len(head) - (len(head) % 2)]
    try:
        text = body.decode(encoding, errors="strict")
    except UnicodeDecodeError:
        # A chunk boundary may split a surrogate pair; allow that only at the very end.
        try:
            text = body[:-2].decode(encoding, errors="strict")
        except UnicodeDecodeError:
            return False
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)
