"""The production combination end to end: PostgreSQL + S3-compatible storage, over real HTTP.

Upload through the SDK (the blobs land in the bucket), a v1 job, a batch over a directory,
results, the file's download link (streamed back from S3), and the operations endpoints.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from llama_cloud import LlamaCloud, UnprocessableEntityError

from tests.conftest import new_api_key
from tests.e2e.helpers import wait_for_v1_job
from tests.support.documents import RULES, five_documents
from tests.support.metrics import metric_value, scrape
from tests.support.s3 import MotoServer
from tests.support.stack import Stack, free_port

PREFIX = "prod/"


@pytest.fixture
def production_stack(
    tmp_path: Path, postgres_url: str, temporal_address: str, s3_server: MotoServer
) -> Iterator[tuple[Stack, str, int]]:
    """API and worker on PostgreSQL with blobs in a fresh bucket; also the worker's metrics port."""
    bucket = s3_server.new_bucket()
    metrics_port = free_port()
    stack = Stack(
        data_dir=tmp_path,
        database_url=postgres_url,
        temporal_address=temporal_address,
        extra_env={
            **s3_server.env(bucket, PREFIX),
            "DOCSORT_WORKER_METRICS_PORT": str(metrics_port),
            "DOCSORT_WORKER_METRICS_HOST": "127.0.0.1",
            "DOCSORT_LOG_JSON": "true",
            "DOCSORT_LOG_LEVEL": "INFO",
        },
    ).start()
    try:
        yield stack, bucket, metrics_port
    finally:
        stack.stop()


def test_v1_job_and_batch_run_end_to_end_on_postgresql_and_s3(
    production_stack: tuple[Stack, str, int], s3_server: MotoServer
) -> None:
    stack, bucket, worker_metrics_port = production_stack
    client = LlamaCloud(base_url=stack.base_url, api_key=new_api_key(stack), max_retries=0)
    expected: dict[str, str] = {}
    contents: dict[str, bytes] = {}
    for name, (content, label) in five_documents().items():
        uploaded = client.files.create(file=(name, io.BytesIO(content)), purpose="classify")
        expected[uploaded.id] = label
        contents[uploaded.id] = content

    stored = s3_server.client().list_objects_v2(Bucket=bucket, Prefix=f"{PREFIX}files/")
    assert len(stored.get("Contents", [])) == len(expected)

    job = client.classifier.jobs.create(file_ids=list(expected), rules=RULES)
    assert wait_for_v1_job(client, job.id).status == "SUCCESS"
    results = client.classifier.jobs.get_results(job.id).items
    assert {item.file_id: item.result.type for item in results if item.result} == expected

    file_id, content = next(iter(contents.items()))
    link = client.files.get(file_id)  # docsort's signed link, streamed from the bucket
    assert link.url.startswith(stack.base_url)
    url = link.url
    assert httpx.get(url).content == content

    _run_batch(client)

    parsed = s3_server.client().list_objects_v2(Bucket=bucket, Prefix=f"{PREFIX}parsed/")
    assert parsed.get("KeyCount", 0) >= len(expected)
    assert httpx.get(f"{stack.base_url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{stack.base_url}/readyz").json() == {"status": "ready"}
    api_metrics = scrape(f"{stack.base_url}/metrics")
    assert metric_value(api_metrics, "docsort_jobs", kind="v1_job", status="SUCCESS") >= 1
    assert metric_value(api_metrics, "docsort_jobs", kind="classify", status="COMPLETED") >= 10
    assert metric_value(api_metrics, "docsort_jobs_started_total", kind="v1_job") >= 1
    assert metric_value(api_metrics, "docsort_jobs_started_total", kind="batch") >= 1
    worker_metrics = scrape(f"http://127.0.0.1:{worker_metrics_port}/metrics")
    assert metric_value(worker_metrics, "docsort_files_processed_total", outcome="completed") >= 10
    assert metric_value(worker_metrics, "docsort_parse_seconds_count", outcome="ok") >= 5
    assert metric_value(worker_metrics, "docsort_classify_seconds_count", outcome="ok") >= 10
    _check_json_logs(stack.data_dir / "worker-0.log")
    _check_internal_webhooks_refused(client, file_id)


def _check_internal_webhooks_refused(client: LlamaCloud, file_id: str) -> None:
    """Without an allow-list (the production default) internal webhook addresses are a 422."""
    for url in ("http://169.254.169.254/latest/meta-data", "http://10.0.0.1/hook"):
        hooks: Any = [{"webhook_url": url}]
        with pytest.raises(UnprocessableEntityError) as err:
            client.classify.create(
                file_input=file_id, configuration={"rules": RULES}, webhook_configurations=hooks
            )
        assert "address" in json.dumps(err.value.body)


def _check_json_logs(path: Path) -> None:
    """The worker logs JSON objects, one a line, with the workflow and job ids bound."""
    events = []
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            events.append(json.loads(line))
    parsed = [e for e in events if e.get("event") == "document parsed"]
    assert parsed, f"no 'document parsed' event in {path}"
    for event in parsed:
        assert event["workflow_id"] and event["parse_job_id"] and event["file_id"]
        assert event["level"] == "info" and "timestamp" in event


def _run_batch(client: LlamaCloud) -> None:
    directory = client.beta.directories.create(name="production-smoke")
    expected = {}
    for name, (content, label) in five_documents().items():
        added = client.beta.directories.files.upload(
            directory.id, upload_file=(name, io.BytesIO(content))
        )
        expected[added.id] = label
    config: Any = {"rules": RULES}
    batch = client.beta.batch.create(job_config=config, directory_id=directory.id)
    deadline = time.monotonic() + 120
    while (status := client.beta.batch.get_status(batch.id).job).status not in (
        "completed",
        "failed",
        "cancelled",
    ):
        assert time.monotonic() < deadline, "the batch did not finish"
        time.sleep(0.25)
    assert status.status == "completed"
    assert status.processed_items == len(expected) and not status.failed_items
    items = client.beta.batch.job_items.list(batch.id, limit=100).items
    assert sorted(item.status for item in items) == ["completed"] * len(expected)
