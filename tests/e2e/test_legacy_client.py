"""The older client generation: llama-cloud-services' ClassifyClient in its own virtualenv."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.clients.venvs import (
    LEGACY_CLASSIFY_SCRIPT,
    LEGACY_CLIENT_REQUIREMENTS,
    build_client_venv,
    default_venv_root,
)
from tests.support.documents import INVOICE_TEXT, MATCH_HTML, RULES
from tests.support.stack import Stack


@pytest.fixture(scope="session")
def legacy_python() -> Path:
    """The python of a virtualenv holding llama-cloud-services 0.6.x (built once per run)."""
    return build_client_venv(default_venv_root(), "legacy-classify", LEGACY_CLIENT_REQUIREMENTS)


def _classify(
    python: Path, stack: Stack, key: str, paths: list[Path], *extra: str
) -> dict[str, object]:
    project_id = httpx.get(
        f"{stack.base_url}/api/v1/projects", headers={"Authorization": f"Bearer {key}"}
    ).json()[0]["id"]
    completed = subprocess.run(
        [
            str(python),
            str(LEGACY_CLASSIFY_SCRIPT),
            "--base-url",
            stack.base_url,
            "--api-key",
            key,
            "--project-id",
            project_id,
            "--rules-json",
            json.dumps(RULES[::2]),
            "--polling-interval",
            "0.2",
            *extra,
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def test_classify_client_classifies_file_paths_with_two_rules(
    legacy_python: Path, stack: Stack, api_key: str, tmp_path: Path
) -> None:
    invoice = tmp_path / "invoice.txt"
    invoice.write_text(INVOICE_TEXT)
    match = tmp_path / "match.html"
    match.write_text(MATCH_HTML)
    outcome = _classify(legacy_python, stack, api_key, [invoice, match])
    assert outcome["status"] == "SUCCESS"
    by_path = {item["file_path"]: item for item in outcome["items"]}  # type: ignore[attr-defined]
    assert by_path[str(invoice)]["type"] == "invoice"
    assert by_path[str(match)]["type"] == "match_report"
    for item in by_path.values():
        assert 0.0 <= item["confidence"] <= 1.0
        assert item["type"] in item["reasoning"]
        assert item["file_id"].startswith("dfl-")


def test_classify_client_gets_partial_success_with_a_null_result_for_a_bad_file(
    legacy_python: Path, stack: Stack, api_key: str, tmp_path: Path
) -> None:
    invoice = tmp_path / "invoice.txt"
    invoice.write_text(INVOICE_TEXT)
    garbage = tmp_path / "scan.pdf"
    garbage.write_bytes(os.urandom(3000))
    outcome = _classify(legacy_python, stack, api_key, [invoice, garbage], "--no-raise-on-error")
    assert outcome["status"] == "PARTIAL_SUCCESS"
    by_path = {item["file_path"]: item for item in outcome["items"]}  # type: ignore[attr-defined]
    assert by_path[str(invoice)]["type"] == "invoice"
    assert by_path[str(garbage)]["type"] is None
