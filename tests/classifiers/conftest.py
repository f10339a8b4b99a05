"""Fixtures for the classifier tests: the shared dev datasets, read in place (never copied)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from docsort.classifiers import Rule

# CI clones the repository beside the shared/ folder, as on the development machine.
DATASETS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
DEV_DATASETS = ("bbc_news", "sdg_goals", "doc_genres", "business_docs")

# A dataset: its rules and its (text, gold type) documents.
Dataset = tuple[list[Rule], list[tuple[str, str]]]


def _load(name: str) -> Dataset:
    folder = DATASETS_DIR / name
    if not (folder / "rules.json").is_file():
        pytest.fail(f"dataset {name!r} not found under {DATASETS_DIR} (shared/ beside the repo)")
    rules = [Rule.model_validate(r) for r in json.loads((folder / "rules.json").read_text())]
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    documents = [((folder / row["path"]).read_text(encoding="utf-8"), row["label"]) for row in rows]
    return rules, documents


@pytest.fixture(scope="session")
def dev_datasets() -> dict[str, Dataset]:
    """The four dev datasets (rules and labelled documents) by folder name."""
    return {name: _load(name) for name in DEV_DATASETS}


@pytest.fixture(scope="session")
def bbc_news(dev_datasets: dict[str, Dataset]) -> Dataset:
    """The bbc_news dev split: 955 articles in 5 sections."""
    return dev_datasets["bbc_news"]
