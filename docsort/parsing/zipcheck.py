"""Checks on a ZIP container (DOCX, XLSX, PPTX, ODS) made before any part of it is opened."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docsort.parsing.errors import DocumentError
from docsort.parsing.models import ParseLimits

# Entries smaller than this are not held to the ratio limit (tiny parts compress oddly well).
_RATIO_FLOOR_BYTES = 1024 * 1024


def check_zip(path: Path, limits: ParseLimits, label: str) -> None:
    """Refuse a ZIP bomb before it is inflated: too many entries, too large uncompressed in
    total, or an entry compressed beyond `zip_max_ratio`; a file that is not a readable ZIP
    is malformed. `label` names the format in messages ("Word document")."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise DocumentError(
            "malformed", f"the {label} is damaged: its ZIP container cannot be read"
        ) from None
    if len(entries) > limits.zip_max_entries:
        raise DocumentError(
            "resource_limit",
            f"the {label} holds {len(entries)} parts, over the limit of {limits.zip_max_entries}",
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits.zip_max_uncompressed_bytes:
        raise DocumentError(
            "resource_limit",
            f"the {label} would unpack to {_mb(total)}, over the limit of "
            f"{_mb(limits.zip_max_uncompressed_bytes)} (a ZIP bomb?)",
        )
    for entry in entries:
        if entry.file_size < _RATIO_FLOOR_BYTES:
            continue
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limits.zip_max_ratio:
            raise DocumentError(
                "resource_limit",
                f"a part of the {label} is compressed {ratio:.0f}:1 ({_mb(entry.file_size)} "
                f"unpacked), over the limit of {limits.zip_max_ratio:.0f}:1 (a ZIP bomb?)",
            )


def _mb(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f} MB" if megabytes < 10 else f"{megabytes:.0f} MB"
