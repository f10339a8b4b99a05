"""Fixtures for the parsing tests: the shared parsing corpus, read in place (never copied)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# CI clones the repository beside the shared/ folder, as on the development machine.
CORPUS_DIR = REPO_ROOT.parent / "shared" / "datasets" / "parsing-corpus" / "files"

ManifestEntry = dict[str, Any]


def load_manifest() -> list[ManifestEntry]:
    """The corpus manifest: one entry per file (kind, expect, pages, phrases, absent, …)."""
    manifest = CORPUS_DIR / "manifest.json"
    if not manifest.is_file():
        pytest.fail(f"parsing corpus not found at {CORPUS_DIR} (shared/ beside the repo)")
    entries: list[ManifestEntry] = json.loads(manifest.read_text(encoding="utf-8"))
    return entries


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise `corpus_entry` over every manifest file."""
    if "corpus_entry" in metafunc.fixturenames:
        entries = load_manifest()
        metafunc.parametrize("corpus_entry", entries, ids=[e["file"] for e in entries])


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The corpus files folder (read-only)."""
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"parsing corpus not found at {CORPUS_DIR} (shared/ beside the repo)")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def manifest() -> dict[str, ManifestEntry]:
    """Manifest entries by file name."""
    return {entry["file"]: entry for entry in load_manifest()}
