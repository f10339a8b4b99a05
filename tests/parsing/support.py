"""Helpers shared by the parsing tests: requests, error capture, CER, process checks."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import psutil
import pytest

from docsort.parsing import forkserver
from docsort.parsing.dispatch import parse_path
from docsort.parsing.errors import DocumentError
from docsort.parsing.models import ParseLimits, ParseRequest

ALL = ParseRequest()
LIMITS = ParseLimits()


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces, as the manifest's phrases are."""
    return " ".join(text.split())


def parse_error(
    path: Path, request: ParseRequest = ALL, limits: ParseLimits = LIMITS
) -> DocumentError:
    """The DocumentError an in-process parse of `path` ends in (fails the test if none)."""
    with pytest.raises(DocumentError) as caught:
        parse_path(path, request, limits)
    return caught.value


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over the reference length, both NFKC-normalised with whitespace
    collapsed first."""
    ref = normalise(unicodedata.normalize("NFKC", reference))
    hyp = normalise(unicodedata.normalize("NFKC", hypothesis))
    previous = list(range(len(hyp) + 1))
    for i, ref_char in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, hyp_char in enumerate(hyp, start=1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_char != hyp_char)
            )
        previous = current
    return previous[-1] / max(len(ref), 1)


def sandbox_children() -> list[psutil.Process]:
    """Processes the zygote forked (and their OCR processes) that are still alive."""
    server = forkserver._server
    if server is None or server.pid is None:
        return []
    try:
        return psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def no_children_left() -> bool:
    """No sandbox child of the zygote is alive, and no parser process other than the zygote
    hangs directly off this process (other fixtures' processes, such as a test stack's worker
    and its own zygote, are ignored)."""
    server = forkserver._server
    zygote = server.pid if server is not None else None
    strays = [
        process
        for process in psutil.Process().children()
        if process.pid != zygote and _is_parser(process)
    ]
    return sandbox_children() == [] and strays == []


def _is_parser(process: psutil.Process) -> bool:
    try:
        command = " ".join(process.cmdline())
    except psutil.Error:
        return False
    return "docsort.parsing" in command or "tesseract" in command
