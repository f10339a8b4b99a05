"""Batches over directories: v1 beta batch processing (SDK 2.13.0) with exact counters."""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llama_cloud import BadRequestError, LlamaCloud, NotFoundError, UnprocessableEntityError

from docsort.devserver import temporal_binary
from tests.conftest import TEST_PARSE_LIMIT, new_api_key, sqlite_url
from tests.support.documents import INVOICE_TEXT, MATCH_HTML, RECIPE_TEXT, RULES
from tests.support.stack import Stack, closed_status

TEXTS = [
    (INVOICE_TEXT, "invoice", "txt"),
    (RECIPE_TEXT, "recipe", "md"),
    (MATCH_HTML, "match_report", "html"),
]
CLASSIFY_CONFIG: Any = {"rules": RULES}
PARSE_CONFIG: Any = {"job_name": "parse_raw_file_job", "parameters": {"lang": "en"}}
SHORT_RULE: Any = {"rules": [{"type": "x", "description": "short"}]}


def _client(stack: Stack, key: str) -> LlamaCloud:
    return LlamaCloud(base_url=stack.base_url, api_key=key, max_retries=0)


def _directory(client: LlamaCloud, count: int) -> tuple[str, dict[str, str]]:
    directory = client.beta.directories.create(name=f"batch-{count}")
    expected = {}
    for i in range(count):
        text, label, ext = TEXTS[i % 3]
        added = client.beta.directories.files.upload(
            directory.id, upload_file=(f"doc-{i}.{ext}", io.BytesIO(f"{text}\nref {i}".encode()))
        )
        expected[added.id] = label
    return directory.id, expected


def _runs(stack: Stack, workflow_id: str) -> int:
    return _count(stack, f'WorkflowId = "{workflow_id}"')


def test_directory_batch_completes_with_exact_counters_across_continue_as_new(
    stack: Stack, api_key: str
) -> None:
    client = _client(stack, api_key)
    directory_id, expected = _directory(client, 25)
    job = client.beta.batch.create(
        job_config=CLASSIFY_CONFIG,
        directory_id=directory_id,
        page_size=4,
        continue_as_new_threshold=6,
    )
    assert job.id.startswith("bjb-") and job.total_items == 25 and job.job_type == "classify"
    previous = -1
    deadline = time.monotonic() + 180
    while True:
        status = client.beta.batch.get_status(job.id)
        current = status.job
        processed = current.processed_items or 0
        assert processed <= current.total_items
        assert processed >= previous, "a counter went down"
        previous = processed
        items = client.beta.batch.job_items.list(job.id, limit=1000).items
        by_status: dict[str, int] = {}
        for item in items:
            by_status[item.status] = by_status.get(item.status, 0) + 1
        terminal = sum(by_status.get(s, 0) for s in ("completed", "failed", "skipped"))
        assert terminal >= processed
        assert status.progress_percentage == pytest.approx(100 * processed / 25, abs=0.01)
        if current.status in ("completed", "failed", "cancelled"):
            break
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert current.status == "completed"
    assert (current.total_items, current.processed_items) == (25, 25)
    assert (current.failed_items, current.skipped_items) == (0, 0)
    assert status.progress_percentage == 100
    tail = client.beta.batch.job_items.list(job.id, limit=10, offset=20)
    assert len(tail.items) == 5 and tail.total_size == 25
    every = client.beta.batch.job_items.list(job.id, limit=100).items
    assert {item.item_id for item in every} == set(expected)
    for item in every:
        assert item.status == "completed" and item.job_id and item.job_id.startswith("cls-")
        assert client.classify.get(item.job_id).result.type == expected[item.item_id]  # type: ignore[union-attr]
    assert _runs(stack, f"batch-{job.id}") > 1, "continue-as-new should have happened"
    results = client.beta.batch.job_items.get_processing_results(every[0].item_id)
    assert results.processing_results and results.processing_results[0].result_id == every[0].job_id
    listed = client.beta.batch.list(directory_id=directory_id)
    assert [b.id for b in listed] == [job.id]


def test_item_ids_batch_skips_oversize_files_and_parse_batches_keep_text(
    stack: Stack, api_key: str
) -> None:
    client = _client(stack, api_key)
    directory_id, expected = _directory(client, 3)
    big = client.beta.directories.files.upload(
        directory_id, upload_file=("big.txt", io.BytesIO(b"x" * (TEST_PARSE_LIMIT + 10)))
    )
    ids = [*expected, big.id]
    job = client.beta.batch.create(job_config=CLASSIFY_CONFIG, item_ids=ids)
    done = _wait(client, job.id)
    assert (done.total_items, done.processed_items, done.skipped_items) == (4, 4, 1)
    skipped = client.beta.batch.job_items.list(job.id, status="skipped").items
    assert [(i.item_id, i.skip_reason) for i in skipped] == [(big.id, "size_limit_exceeded")]

    parse_job = client.beta.batch.create(
        job_config=PARSE_CONFIG,
        directory_id=directory_id,
    )
    assert parse_job.job_type == "parse"
    parsed = _wait(client, parse_job.id)
    assert (parsed.processed_items, parsed.skipped_items, parsed.failed_items) == (4, 1, 0)
    first = client.beta.batch.job_items.list(parse_job.id, status="completed").items[0]
    assert first.job_id and first.job_id.startswith("pjb-")
    classified = client.classify.create(file_input=first.job_id, configuration=CLASSIFY_CONFIG)
    assert (
        client.classify.wait_for_completion(classified.id, polling_interval=0.1).result is not None
    )


def test_bad_batch_requests_are_4xx(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    directory_id, expected = _directory(client, 1)
    with pytest.raises(UnprocessableEntityError):
        client.beta.batch.create(job_config=CLASSIFY_CONFIG)
    with pytest.raises(UnprocessableEntityError):
        client.beta.batch.create(
            job_config=CLASSIFY_CONFIG, directory_id=directory_id, item_ids=list(expected)
        )
    with pytest.raises(NotFoundError):
        client.beta.batch.create(job_config=CLASSIFY_CONFIG, directory_id="dir-missing")
    with pytest.raises(NotFoundError):
        client.beta.batch.create(job_config=CLASSIFY_CONFIG, item_ids=["dfl-missing"])
    with pytest.raises(UnprocessableEntityError):
        client.beta.batch.create(job_config=CLASSIFY_CONFIG, directory_id=directory_id, page_size=0)
    with pytest.raises(UnprocessableEntityError):
        client.beta.batch.create(job_config=SHORT_RULE, directory_id=directory_id)
    with pytest.raises(BadRequestError, match="temporal-namespace"):
        client.beta.batch.create(
            job_config=CLASSIFY_CONFIG, directory_id=directory_id, temporal_namespace="elsewhere"
        )
    job = client.beta.batch.create(job_config=CLASSIFY_CONFIG, directory_id=directory_id)
    _wait(client, job.id)
    with pytest.raises(BadRequestError, match="already"):
        client.beta.batch.cancel(job.id, reason="too late")


def _wait(client: LlamaCloud, job_id: str) -> Any:
    deadline = time.monotonic() + 120
    while True:
        job = client.beta.batch.get_status(job_id).job
        if job.status in ("completed", "failed", "cancelled"):
            return job
        assert time.monotonic() < deadline, f"batch {job_id} still {job.status}"
        time.sleep(0.1)


@pytest.fixture
def narrow_stack(tmp_path: Path, temporal_address: str) -> Iterator[Stack]:
    """A stack whose batches keep only two files in flight."""
    stack = Stack(
        data_dir=tmp_path,
        database_url=sqlite_url(tmp_path),
        temporal_address=temporal_address,
        extra_env={"DOCSORT_BATCH_MAX_IN_FLIGHT": "2", "DOCSORT_MAX_UPLOAD_BYTES": "4000000"},
    ).start()
    try:
        yield stack
    finally:
        stack.stop()


def test_cancel_stops_new_files_cancels_running_ones_and_keeps_finished_results(
    narrow_stack: Stack, datasets_dir: Path
) -> None:
    client = _client(narrow_stack, new_api_key(narrow_stack))
    directory = client.beta.directories.create(name="to-cancel")
    scan = (datasets_dir / "parsing-corpus" / "files" / "scanned_en.pdf").read_bytes()
    names = ["a.txt", "b.txt", "scan-1.pdf", "scan-2.pdf", "c.txt", "d.txt", "e.txt", "f.txt"]
    ids = []
    for name in names:
        content = scan if name.endswith(".pdf") else f"{INVOICE_TEXT} {name}".encode()
        ids.append(
            client.beta.directories.files.upload(
                directory.id, upload_file=(name, io.BytesIO(content))
            ).id
        )
    job = client.beta.batch.create(job_config=CLASSIFY_CONFIG, directory_id=directory.id)
    deadline = time.monotonic() + 60
    while True:
        items = {i.item_id: i.status for i in client.beta.batch.job_items.list(job.id).items}
        if items.get(ids[2]) == "processing" and items.get(ids[3]) == "processing":
            break
        assert time.monotonic() < deadline, items
        time.sleep(0.05)
    answer = client.beta.batch.cancel(job.id, reason="changed my mind")
    assert answer.status == "cancelled" and "changed my mind" in answer.message
    final = _wait(client, job.id)
    assert final.status == "cancelled"
    statuses = {i.item_id: i.status for i in client.beta.batch.job_items.list(job.id).items}
    assert [statuses[i] for i in ids] == ["completed"] * 2 + ["cancelled"] * 6
    assert final.processed_items == 2
    for item in client.beta.batch.job_items.list(job.id, status="completed").items:
        assert item.job_id and client.classify.get(item.job_id).result is not None
    assert closed_status(narrow_stack, f"batch-{job.id}") == "CANCELED"
    started_children = _count(narrow_stack, f'WorkflowId STARTS_WITH "batch-{job.id}/"')
    assert started_children == 4, "no file after the cancel may start"


def _count(stack: Stack, query: str) -> int:
    out = subprocess.run(
        [
            str(temporal_binary()),
            "workflow",
            "count",
            "--address",
            stack.temporal_address,
            "--query",
            query,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.split(":")[-1])
