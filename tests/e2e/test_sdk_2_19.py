"""The newest SDK (2.19.0, in its own virtualenv) against the v2 surfaces."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.clients.venvs import SDK_2_19_REQUIREMENTS, build_client_venv, default_venv_root
from tests.support.documents import INVOICE_TEXT, RULES
from tests.support.stack import Stack

FLOW_SCRIPT = Path(__file__).resolve().parent.parent / "clients" / "sdk_flow_v2.py"


@pytest.fixture(scope="session")
def sdk_219_python() -> Path:
    """The python of a virtualenv holding llama-cloud 2.19.0 (built once per run)."""
    return build_client_venv(default_venv_root(), "sdk-2.19.0", SDK_2_19_REQUIREMENTS)


def test_newest_sdk_classifies_configures_replays_lists_cancels_and_deletes(
    sdk_219_python: Path, stack: Stack, api_key: str, tmp_path: Path, datasets_dir: Path
) -> None:
    text = tmp_path / "invoice.txt"
    text.write_text(INVOICE_TEXT)
    completed = subprocess.run(
        [
            str(sdk_219_python),
            str(FLOW_SCRIPT),
            "--base-url",
            stack.base_url,
            "--api-key",
            api_key,
            "--rules-json",
            json.dumps(RULES),
            "--text-file",
            str(text),
            "--slow-file",
            str(datasets_dir / "parsing-corpus" / "files" / "scanned_en.pdf"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout)
    assert seen["sdk_version"] == "2.19.0"
    assert seen["file_name"] == "invoice.txt"
    assert seen["inline"]["status"] == "COMPLETED" and seen["inline"]["type"] == "invoice"
    assert seen["inline"]["parse"].startswith("pjb-")
    assert seen["config"] == {"same_id": True, "name": "sdk-219-renamed"}
    assert seen["by_config"] == {"status": "COMPLETED", "type": "invoice", "rules": 3}
    assert seen["replay_same_id"] is True
    assert seen["listed"] == seen["created"]
    assert seen["deleted"] is True
    batch = seen["batch"]
    assert batch["status"] == "COMPLETED" and batch["type"] == "classify_v2"
    assert batch["counters"] == [3, 3, 0]
    assert batch["types"] == ["invoice", "invoice", "invoice"]
    assert batch["listed"] == [batch["id"]]
    assert batch["cancel_finished"] == "refused 400"
    assert seen["slow_status_before_cancel"] == "RUNNING"
    assert seen["cancel_status"] == "CANCELLED"
    assert seen["status_after_cancel"] == "CANCELLED"
