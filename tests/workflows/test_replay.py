"""Workflows that were running before an upgrade still replay on the current code.

`histories/` holds the histories of a directory batch of three files (its parent and one file's
child) recorded by docsort before parents awaited their children and before status writes
returned webhook events; a worker of this version must pick such runs up where they stopped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.batch import BatchWorkflow
from workflows.classify_file import ClassifyFileWorkflow
from workflows.parse_file import ParseFileWorkflow
from workflows.webhook_delivery import WebhookDeliveryWorkflow

HISTORIES = Path(__file__).parent / "histories"
BATCH_ID = "batch-bjb-42159a83-c198-445a-b810-225b6835e233"
RECORDED = {
    "batch.json": BATCH_ID,
    "classify_file.json": f"{BATCH_ID}/file-dfl-d78a3c7e-dfa3-43e4-98a5-a18cbaabe1da",
}


@pytest.mark.parametrize("name", sorted(RECORDED))
async def test_a_history_recorded_by_the_previous_version_replays(name: str) -> None:
    history = WorkflowHistory.from_json(RECORDED[name], (HISTORIES / name).read_text())
    replayer = Replayer(
        workflows=[BatchWorkflow, ClassifyFileWorkflow, ParseFileWorkflow, WebhookDeliveryWorkflow],
        data_converter=pydantic_data_converter,
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
