"""One smoke run on the production store: the v1 path on PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from llama_cloud import LlamaCloud

from tests.conftest import new_api_key
from tests.e2e.helpers import wait_for_v1_job
from tests.support.documents import RULES, five_documents
from tests.support.stack import Stack


@pytest.fixture
def postgres_stack(tmp_path: Path, postgres_url: str, temporal_address: str) -> Iterator[Stack]:
    """API and worker on PostgreSQL."""
    stack = Stack(
        data_dir=tmp_path, database_url=postgres_url, temporal_address=temporal_address
    ).start()
    try:
        yield stack
    finally:
        stack.stop()


def test_v1_job_runs_end_to_end_on_postgresql(postgres_stack: Stack) -> None:
    client = LlamaCloud(
        base_url=postgres_stack.base_url, api_key=new_api_key(postgres_stack), max_retries=0
    )
    expected = {}
    for name, (content, label) in five_documents().items():
        expected[client.files.create(file=(name, io.BytesIO(content)), purpose="classify").id] = (
            label
        )
    job = client.classifier.jobs.create(file_ids=list(expected), rules=RULES)
    assert wait_for_v1_job(client, job.id).status == "SUCCESS"
    results = client.classifier.jobs.get_results(job.id).items
    assert {item.file_id: item.result.type for item in results if item.result} == expected
