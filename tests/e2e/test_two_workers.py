"""Two worker processes share one job; killing one mid-job still completes it, once per file.

Kept lean for CI: 200 small text files and the lexical engine (DOCSORT_CLASSIFIER_ENGINE=
lexical; the embedded model is not what this test is about). Each worker serves its own
metrics, which show that both took work.
"""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from llama_cloud import LlamaCloud

from tests.conftest import new_api_key
from tests.e2e.helpers import wait_for_v1_job
from tests.support.documents import INVOICE_TEXT, MATCH_HTML, RECIPE_TEXT, RULES
from tests.support.metrics import metric_value, scrape
from tests.support.stack import Stack, free_port

FILES = 200
TEXTS = [(INVOICE_TEXT, "invoice"), (RECIPE_TEXT, "recipe"), (MATCH_HTML, "match_report")]


@pytest.fixture
def two_worker_stack(
    tmp_path: Path, postgres_url: str, temporal_address: str
) -> Iterator[tuple[Stack, list[tuple[subprocess.Popen[bytes], int]]]]:
    """An API and two full workers (every queue) on PostgreSQL, each with a metrics port."""
    stack = Stack(
        data_dir=tmp_path,
        database_url=postgres_url,
        temporal_address=temporal_address,
        extra_env={
            "DOCSORT_CLASSIFIER_ENGINE": "lexical",
            "DOCSORT_WORKER_METRICS_HOST": "127.0.0.1",
            "DOCSORT_WORKER_PARSE_CONCURRENCY": "2",
            "DOCSORT_WORKER_CLASSIFY_CONCURRENCY": "2",
        },
    ).start(with_worker=False)
    workers = []
    for _ in range(2):
        port = free_port()
        stack.extra_env["DOCSORT_WORKER_METRICS_PORT"] = str(port)
        workers.append((stack.start_worker(), port))
    for _, port in workers:
        _wait_for_metrics(port)
    try:
        yield stack, workers
    finally:
        stack.stop()


def test_two_workers_share_a_job_and_one_killed_mid_job_still_completes_it(
    two_worker_stack: tuple[Stack, list[tuple[subprocess.Popen[bytes], int]]],
) -> None:
    stack, workers = two_worker_stack
    client = LlamaCloud(base_url=stack.base_url, api_key=new_api_key(stack), max_retries=0)
    file_ids = []
    for i in range(FILES):
        text, _ = TEXTS[i % 3]
        content = io.BytesIO(f"{text}\nref {i}".encode())
        file_ids.append(client.files.create(file=(f"doc-{i}.txt", content), purpose="classify").id)
    job = client.classifier.jobs.create(file_ids=file_ids, rules=RULES)

    _wait_until_both_parsed_some(workers)
    victim, _ = workers[0]
    stack.kill_worker(victim)
    done_at_kill = _done_count(client, job.id)
    assert done_at_kill < FILES, "the job finished before the kill; make it longer"

    finished = wait_for_v1_job(client, job.id, timeout_s=240)
    assert finished.status == "SUCCESS"
    items = client.classifier.jobs.get_results(job.id).items
    assert [item.file_id for item in items] == file_ids
    assert len({item.id for item in items}) == FILES
    for i, item in enumerate(items):
        assert item.result is not None and item.result.type == TEXTS[i % 3][1]
    survivor_port = workers[1][1]
    survivor = scrape(f"http://127.0.0.1:{survivor_port}/metrics")
    assert metric_value(survivor, "docsort_parse_seconds_count") >= 1
    api = scrape(f"{stack.base_url}/metrics")
    assert metric_value(api, "docsort_jobs", kind="v1_job", status="SUCCESS") >= 1


def _wait_for_metrics(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"no worker metrics on port {port}")


def _wait_until_both_parsed_some(workers: list[tuple[subprocess.Popen[bytes], int]]) -> None:
    """Block until each worker's own metrics count parsed documents (both take work)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        counts = [
            metric_value(scrape(f"http://127.0.0.1:{port}/metrics"), "docsort_parse_seconds_count")
            for _, port in workers
        ]
        if all(count >= 3 for count in counts):
            return
        time.sleep(0.05)
    raise TimeoutError(f"not both workers took work: parsed {counts}")


def _done_count(client: LlamaCloud, job_id: str) -> int:
    items = client.classifier.jobs.get_results(job_id).items
    return sum(1 for item in items if (item.model_extra or {}).get("status") == "COMPLETED")
