"""A worker killed in the middle of a job: a new worker finishes it, exactly once per file."""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from llama_cloud import LlamaCloud

from docsort.devserver import temporal_binary
from tests.conftest import new_api_key, sqlite_url
from tests.e2e.helpers import wait_for_v1_job
from tests.support.documents import INVOICE_TEXT, MATCH_HTML, RECIPE_TEXT, RULES
from tests.support.stack import Stack

FILES = 50


@pytest.fixture
def crash_stack(tmp_path: Path, temporal_address: str) -> Iterator[Stack]:
    """A stack of its own (own queues) with small pages, so the parent continues as new."""
    stack = Stack(
        data_dir=tmp_path,
        database_url=sqlite_url(tmp_path),
        temporal_address=temporal_address,
        extra_env={"DOCSORT_BATCH_PAGE_SIZE": "10", "DOCSORT_BATCH_MAX_IN_FLIGHT": "5"},
    ).start(with_worker=False)
    try:
        yield stack
    finally:
        stack.stop()


def test_killed_worker_is_replaced_and_job_completes_once_per_file(crash_stack: Stack) -> None:
    key = new_api_key(crash_stack)
    client = LlamaCloud(base_url=crash_stack.base_url, api_key=key, max_retries=0)
    texts = [INVOICE_TEXT, RECIPE_TEXT, MATCH_HTML]
    expected = ["invoice", "recipe", "match_report"]
    file_ids = []
    for i in range(FILES):
        name = f"doc-{i}.{'html' if i % 3 == 2 else 'txt'}"
        file_ids.append(
            client.files.create(
                file=(name, io.BytesIO(f"{texts[i % 3]}\nref {i}".encode())), purpose="classify"
            ).id
        )
    job = client.classifier.jobs.create(file_ids=file_ids, rules=RULES)

    first = crash_stack.start_worker()
    _wait_until_some_done(client, job.id, at_least=8)
    crash_stack.kill_worker(first)
    done_at_crash = _done_count(client, job.id)
    assert done_at_crash < FILES, "the job finished before the crash; make it longer"

    crash_stack.start_worker()
    finished = wait_for_v1_job(client, job.id, timeout_s=240)
    assert finished.status == "SUCCESS"

    items = client.classifier.jobs.get_results(job.id).items
    assert len(items) == FILES
    assert [item.file_id for item in items] == file_ids
    assert len({item.id for item in items}) == FILES
    for i, item in enumerate(items):
        assert item.result is not None and item.result.type == expected[i % 3]

    runs = _count_workflows(crash_stack, f'WorkflowId = "classify-job-{job.id}"')
    assert runs >= FILES // 10, "the parent should continue as new every 10 files"
    children = _count_workflows(crash_stack, f'WorkflowId STARTS_WITH "classify-job-{job.id}/"')
    assert children == FILES


def _count_workflows(stack: Stack, query: str) -> int:
    """Workflow executions matching a visibility query, counted by the temporal CLI."""
    command = [str(temporal_binary()), "workflow", "count", "--address", stack.temporal_address]
    deadline = time.monotonic() + 30
    while True:
        out = subprocess.run(
            [*command, "--query", query], capture_output=True, text=True, check=True
        ).stdout
        count = int(out.split(":")[-1])
        if count or time.monotonic() > deadline:
            return count
        time.sleep(0.5)


def _done_count(client: LlamaCloud, job_id: str) -> int:
    items = client.classifier.jobs.get_results(job_id).items
    return sum(1 for item in items if (item.model_extra or {}).get("status") == "COMPLETED")


def _wait_until_some_done(client: LlamaCloud, job_id: str, at_least: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if _done_count(client, job_id) >= at_least:
            return
        time.sleep(0.1)
    raise TimeoutError("the first worker made no progress")
