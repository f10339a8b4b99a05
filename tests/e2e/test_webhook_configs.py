"""Webhook configurations: saved ones, inline ones, and the address guard at creation."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from llama_cloud import LlamaCloud, NotFoundError, UnprocessableEntityError

from tests.support.documents import INVOICE_TEXT, RULES
from tests.support.stack import Stack

RECEIVER = "http://127.0.0.1:9/hook"


def test_saved_webhook_configs_round_trip_without_showing_the_secret(
    stack: Stack, api_key: str
) -> None:
    http = httpx.Client(base_url=stack.base_url, headers={"Authorization": f"Bearer {api_key}"})
    created = http.post(
        "/api/v1/beta/webhook-configs",
        json={
            "webhook_url": RECEIVER,
            "webhook_events": ["classify.success", "batch.success"],
            "webhook_headers": {"X-Team": "ops"},
            "webhook_output_format": "json",
            "webhook_signing_secret": "s3cret",
        },
    )
    assert created.status_code == 200, created.text
    config = created.json()
    assert config["id"].startswith("whc-") and config["has_secret"] is True
    assert "webhook_signing_secret" not in config and config["tenant_type"] == "project"
    updated = http.put(
        f"/api/v1/beta/webhook-configs/{config['id']}", json={"webhook_events": ["classify.error"]}
    )
    assert updated.json()["webhook_events"] == ["classify.error"]
    assert updated.json()["webhook_headers"] == {"X-Team": "ops"}
    assert [c["id"] for c in http.get("/api/v1/beta/webhook-configs").json()] == [config["id"]]
    page = http.get("/api/v2/webhook-configs", params={"page_size": 1}).json()
    assert [c["id"] for c in page["items"]] == [config["id"]]
    client = LlamaCloud(base_url=stack.base_url, api_key=api_key, max_retries=0)
    file_id = client.files.create(
        file=("a.txt", io.BytesIO(INVOICE_TEXT.encode())), purpose="classify"
    ).id
    job = client.classify.create(
        file_input=file_id,
        configuration={"rules": RULES},
        extra_body={"webhook_configuration_ids": [config["id"]]},
    )
    assert job.status == "PENDING"
    with pytest.raises(NotFoundError):
        client.classify.create(
            file_input=file_id,
            configuration={"rules": RULES},
            extra_body={"webhook_configuration_ids": ["whc-nope"]},
        )
    assert http.delete(f"/api/v1/beta/webhook-configs/{config['id']}").status_code == 204
    assert http.get(f"/api/v1/beta/webhook-configs/{config['id']}").status_code == 404
    log = http.get("/api/v1/webhook-deliveries", params={"job_id": job.id})
    assert log.status_code == 200 and isinstance(log.json()["items"], list)


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data", "http://10.0.0.1/hook"])
def test_internal_webhook_addresses_are_refused_with_422_everywhere(
    stack: Stack, api_key: str, url: str
) -> None:
    client = LlamaCloud(base_url=stack.base_url, api_key=api_key, max_retries=0)
    file_id = client.files.create(
        file=("a.txt", io.BytesIO(INVOICE_TEXT.encode())), purpose="classify"
    ).id
    hooks: Any = [{"webhook_url": url}]
    with pytest.raises(UnprocessableEntityError) as err:
        client.classify.create(
            file_input=file_id, configuration={"rules": RULES}, webhook_configurations=hooks
        )
    body: Any = err.value.body
    assert body["detail"][0]["loc"] == [
        "body",
        "webhook_configurations",
        0,
        "webhook_url",
    ]
    with pytest.raises(UnprocessableEntityError):
        client.classifier.jobs.create(file_ids=[file_id], rules=RULES, webhook_configurations=hooks)
    saved = httpx.post(
        f"{stack.base_url}/api/v1/beta/webhook-configs",
        headers={"Authorization": f"Bearer {api_key}"},
        json={"webhook_url": url},
    )
    assert saved.status_code == 422 and "address" in saved.text


def test_unknown_events_and_formats_are_422(stack: Stack, api_key: str) -> None:
    client = LlamaCloud(base_url=stack.base_url, api_key=api_key, max_retries=0)
    file_id = client.files.create(
        file=("a.txt", io.BytesIO(INVOICE_TEXT.encode())), purpose="classify"
    ).id
    for hook in (
        {"webhook_url": RECEIVER, "webhook_events": ["classify.exploded"]},
        {"webhook_url": RECEIVER, "webhook_output_format": "xml"},
        {"webhook_events": ["classify.success"]},
    ):
        bad: Any = [hook]
        with pytest.raises(UnprocessableEntityError):
            client.classify.create(
                file_input=file_id, configuration={"rules": RULES}, webhook_configurations=bad
            )
    fine: Any = [{"webhook_url": RECEIVER, "webhook_events": ["parse.success", "classify.success"]}]
    assert (
        client.classify.create(
            file_input=file_id, configuration={"rules": RULES}, webhook_configurations=fine
        ).status
        == "PENDING"
    )
