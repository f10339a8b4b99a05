"""Every corpus file, through the sandbox, ends as its manifest entry says, within the limits,
and leaves the parser healthy.

The limits are the defaults with a quarter of the memory (512 MB): every bomb has to be
stopped by a limit, and every legitimate document has to fit under it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from docsort.languages import tesseract_language
from docsort.parsing import forkserver
from docsort.parsing.errors import DocumentError
from docsort.parsing.models import ParsedDocument, ParseLimits, ParseRequest
from docsort.parsing.sandbox import ParseUsage, parse_document_with_usage
from tests.parsing.support import character_error_rate, no_children_left, normalise

CORPUS_LIMITS = ParseLimits(memory_mb=512)
# Highest character error rate accepted per page, by the page's language.
MAX_CER = {"en": 0.02, "de": 0.02, "ru": 0.02, "zh": 0.15, "ar": 0.08}
# What each `expect: error:…` allows: error kinds, and whether a partial document will do.
ALLOWED_ERRORS: dict[str, tuple[set[str], bool]] = {
    "error:password": ({"password"}, False),
    "error:empty": ({"empty"}, False),
    "error:malformed": ({"malformed"}, False),
    "error:malformed-or-partial": ({"malformed"}, True),
    "error:malformed-or-empty": ({"malformed", "empty"}, False),
    "error:resource-limit": ({"resource_limit"}, False),
    "error:resource-limit-or-empty": ({"resource_limit", "empty"}, False),
    "error:unsupported-type": ({"unsupported_type"}, False),
}
# How the unsupported-type message names the detected type, by manifest kind.
UNSUPPORTED_NAMES = {"zip": "ZIP archive", "unknown": "unrecognised binary data"}
# The test process itself must stay small: documents are parsed in children only.
MAX_PARENT_RSS_MB = 1024


def test_corpus_file_ends_as_the_manifest_expects(
    corpus_dir: Path, corpus_entry: dict[str, Any]
) -> None:
    codes = corpus_entry.get("lang", "en").split(",")
    request = ParseRequest(lang="+".join(tesseract_language(code) for code in codes))
    zygote_before = _zygote_pid()
    started = time.monotonic()

    try:
        document, usage = parse_document_with_usage(
            corpus_dir / corpus_entry["file"], request, CORPUS_LIMITS
        )
        error = None
    except DocumentError as caught:
        document, usage, error = None, None, caught

    elapsed = time.monotonic() - started
    expect = corpus_entry["expect"]
    if expect.startswith("error:"):
        _check_error(corpus_entry, document, error)
    else:
        assert error is None, f"{expect} expected, got {error!r}"
        assert document is not None
        _check_document(corpus_entry, document, codes)
    _check_within_limits(elapsed, usage)
    _check_healthy(zygote_before)


def _check_document(entry: dict[str, Any], document: ParsedDocument, codes: list[str]) -> None:
    text = normalise(document.text)
    assert [p for p in entry.get("phrases", []) if normalise(p) not in text] == []
    assert [a for a in entry.get("absent", []) if a in text] == []
    if "pages" in entry:
        assert document.page_count == entry["pages"]
    truths = entry.get("ground_truth_pages", [])
    if truths:
        limit = max(MAX_CER[code] for code in codes)
        rates = [
            character_error_rate(truth, page.text)
            for truth, page in zip(truths, document.pages, strict=True)
        ]
        assert max(rates) <= limit, f"CER per page {rates} over {limit}"
    assert document.warnings == []


def _check_error(
    entry: dict[str, Any], document: ParsedDocument | None, error: DocumentError | None
) -> None:
    kinds, partial_allowed = ALLOWED_ERRORS[entry["expect"]]
    if error is None:
        assert partial_allowed, f"{entry['expect']} expected, got a document"
        assert document is not None and document.text.strip()
        return
    assert error.kind in kinds, f"{entry['expect']} expected, got {error!r}"
    assert error.message
    if error.kind == "unsupported_type":
        assert UNSUPPORTED_NAMES[entry["kind"]] in error.message


def _check_within_limits(elapsed: float, usage: ParseUsage | None) -> None:
    assert elapsed < CORPUS_LIMITS.timeout_s
    if usage is not None:
        assert usage.max_rss_mb < CORPUS_LIMITS.memory_mb


def _check_healthy(zygote_before: int | None) -> None:
    """No process left behind, the zygote not replaced, this process still small."""
    assert no_children_left()
    if zygote_before is not None:
        assert _zygote_pid() == zygote_before
    assert forkserver._server is not None and forkserver._server.alive
    assert psutil.Process().memory_info().rss / 2**20 < MAX_PARENT_RSS_MB


def _zygote_pid() -> int | None:
    server = forkserver._server
    return server.pid if server is not None and server.alive else None


@pytest.fixture(autouse=True, scope="module")
def _warm_zygote() -> None:
    """Start the zygote before the first file, so its start is not timed against a file."""
    forkserver.shared_server()
