"""Helpers of the webhook delivery tests: clients, checks of a delivery, the delivery log."""

from __future__ import annotations

import hashlib
import hmac
import io
import time
from typing import Any

import httpx
from llama_cloud import LlamaCloud

from tests.support.receiver import Received
from tests.support.stack import Stack

SECRET = "s3cret"


def clients(stack: Stack, key: str) -> tuple[LlamaCloud, httpx.Client]:
    """The SDK and a plain HTTP client for a project of the stack."""
    client = LlamaCloud(base_url=stack.base_url, api_key=key, max_retries=0)
    http = httpx.Client(
        base_url=stack.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    )
    return client, http


def upload(client: LlamaCloud, text: str) -> str:
    """Upload a text document; its file id."""
    return client.files.create(file=("doc.txt", io.BytesIO(text.encode())), purpose="classify").id


def check_headers(request: Received, *, signed: bool) -> None:
    """A first attempt's headers match its event (and its signature, when `signed`)."""
    event = request.event
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["LC-Event-Id"] == event["event_id"]
    assert event["event_id"].startswith("evt-")
    assert request.headers["LC-Event-Type"] == event["event_type"]
    assert request.headers["LC-Delivery-Attempt"] == "1"
    if signed:
        expected = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
        assert request.headers["LC-Signature"] == f"sha256={expected}"
    else:
        assert "LC-Signature" not in request.headers


def deliveries(http: httpx.Client, job_id: str, at_least: int) -> list[dict[str, Any]]:
    """The delivery log of a job, once it holds `at_least` attempts."""
    deadline = time.monotonic() + 90
    while True:
        items: list[dict[str, Any]] = []
        token = None
        while True:
            params: dict[str, Any] = {"job_id": job_id, "page_size": 100}
            if token:
                params["page_token"] = token
            page = http.get("/api/v1/webhook-deliveries", params=params).json()
            items += page["items"]
            token = page.get("next_page_token")
            if not token:
                break
        if len(items) >= at_least or time.monotonic() > deadline:
            assert len(items) >= at_least, items
            return items
        time.sleep(0.1)
