"""Polling helpers for end-to-end tests."""

from __future__ import annotations

import time
from typing import Any

from llama_cloud import LlamaCloud

V1_TERMINAL = {"SUCCESS", "PARTIAL_SUCCESS", "ERROR", "CANCELLED"}


def wait_for_v1_job(client: LlamaCloud, job_id: str, timeout_s: float = 120.0) -> Any:
    """Poll a v1 job until it leaves PENDING (the SDK has no waiter for v1)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.classifier.jobs.get(job_id)
        assert job.status in V1_TERMINAL | {"PENDING"}, job.status
        if job.status in V1_TERMINAL:
            return job
        time.sleep(0.25)
    raise TimeoutError(f"v1 job {job_id} still PENDING after {timeout_s} s")


def all_results(client: LlamaCloud, job_id: str, page_size: int) -> tuple[list[Any], int]:
    """Every result item, fetched `page_size` at a time; also the number of pages."""
    items: list[Any] = []
    token: str | None = None
    pages = 0
    while True:
        query: dict[str, object] = {"page_size": page_size}
        if token:
            query["page_token"] = token
        page = client.classifier.jobs.get_results(job_id, extra_query=query)
        pages += 1
        assert len(page.items) <= page_size
        items.extend(page.items)
        token = page.next_page_token
        if not token:
            return items, pages
