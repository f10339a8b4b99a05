"""v2 classify, saved configurations, idempotency and parse-job input (SDK 2.13.0)."""

from __future__ import annotations

import io
import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from llama_cloud import (
    BadRequestError,
    LlamaCloud,
    NotFoundError,
    UnprocessableEntityError,
)

from docsort.devserver import temporal_binary
from tests.conftest import new_api_key
from tests.support.documents import INVOICE_TEXT, MATCH_HTML, RECIPE_TEXT, RULES
from tests.support.stack import Stack

INLINE: Any = {"rules": RULES}


def _client(stack: Stack, key: str) -> LlamaCloud:
    return LlamaCloud(base_url=stack.base_url, api_key=key, max_retries=0)


def _upload(client: LlamaCloud, name: str, text: str) -> str:
    return client.files.create(file=(name, io.BytesIO(text.encode())), purpose="classify").id


def _wait(client: LlamaCloud, job_id: str) -> Any:
    return client.classify.wait_for_completion(
        job_id, polling_interval=0.1, backoff="constant", timeout=60
    )


def test_inline_classify_completes_with_result_and_parse_job(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    file_id = _upload(client, "invoice.txt", INVOICE_TEXT)
    job = client.classify.create(file_input=file_id, configuration=INLINE)
    assert job.status == "PENDING" and job.document_input_type == "file_id"
    assert [r.type for r in job.configuration.rules] == [r["type"] for r in RULES]
    done = _wait(client, job.id)
    assert done.status == "COMPLETED"
    assert done.result is not None and done.result.type == "invoice"
    assert 0 <= done.result.confidence <= 1 and "invoice" in done.result.reasoning
    assert done.parse_job_id and done.parse_job_id.startswith("pjb-")
    parsed = httpx.get(
        f"{stack.base_url}/api/v2/parse/{done.parse_job_id}",
        headers={"Authorization": f"Bearer {api_key}"},
    ).json()
    assert parsed["job"]["status"] == "COMPLETED" and "Amount due" in parsed["text"]
    with_usage = client.classify.get(job.id, extra_query={"expand": ["usage"]})
    assert (with_usage.model_extra or {}).get("usage") == {"credits": 0.0, "parse_credits": None}


def test_saved_configuration_is_upserted_and_resolved_on_the_job(
    stack: Stack, api_key: str
) -> None:
    client = _client(stack, api_key)
    parameters: Any = {
        "product_type": "classify_v2",
        "rules": RULES[:2],
        "parsing_configuration": {"target_pages": "1", "lang": "en"},
    }
    first = client.configurations.create(name="kinds", parameters=parameters)
    updated: Any = {**parameters, "rules": RULES}
    again = client.configurations.create(name="kinds", parameters=updated)
    assert again.id == first.id and first.id.startswith("cfg-")
    stored: Any = client.configurations.retrieve(first.id).parameters
    assert stored.rules[2].type == "match_report"
    file_id = _upload(client, "match.html", MATCH_HTML)
    job = client.classify.create(file_input=file_id, configuration_id=first.id)
    assert job.configuration_id == first.id
    assert [r.type for r in job.configuration.rules] == [r["type"] for r in RULES]
    assert job.configuration.parsing_configuration is not None
    assert job.configuration.parsing_configuration.target_pages == "1"
    assert _wait(client, job.id).result.type == "match_report"
    other = client.configurations.create(
        name="extract-thing", parameters={"product_type": "extract_v2", "data_schema": {"a": 1}}
    )
    with pytest.raises(UnprocessableEntityError):
        client.classify.create(file_input=file_id, configuration_id=other.id)
    listed = client.configurations.list(product_type=["classify_v2"])
    assert [c.id for c in listed.items] == [first.id]


def test_transaction_id_replays_and_races_give_one_job(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    file_id = _upload(client, "cake.md", RECIPE_TEXT)
    first = client.classify.create(file_input=file_id, configuration=INLINE, transaction_id="tx-1")
    replay = client.classify.create(
        file_input=file_id, configuration={"rules": RULES[:1]}, transaction_id="tx-1"
    )
    assert replay.id == first.id and len(replay.configuration.rules) == 3

    def create(_: int) -> str:
        return (
            _client(stack, api_key)
            .classify.create(file_input=file_id, configuration=INLINE, transaction_id="tx-race")
            .id
        )

    with ThreadPoolExecutor(20) as pool:
        ids = set(pool.map(create, range(20)))
    assert len(ids) == 1
    raced = ids.pop()
    assert _wait(client, raced).status == "COMPLETED"
    all_jobs = [j.id for j in client.classify.list(page_size=100)]
    assert sorted(all_jobs) == sorted({first.id, raced})

    stranger = _client(stack, new_api_key(stack))
    other_file = _upload(stranger, "cake.md", RECIPE_TEXT)
    elsewhere = stranger.classify.create(
        file_input=other_file, configuration=INLINE, transaction_id="tx-1"
    )
    assert elsewhere.id != first.id


def test_parse_job_input_classifies_without_parsing_again(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    file_id = _upload(client, "invoice.txt", INVOICE_TEXT)
    first = _wait(client, client.classify.create(file_input=file_id, configuration=INLINE).id)
    other_rules: Any = {
        "rules": [
            {
                "type": "billing",
                "description": "Anything about billing: invoices, amounts due, tax.",
            },
            {"type": "cooking", "description": "Anything about cooking, ovens and ingredients."},
        ]
    }
    second = client.classify.create(file_input=first.parse_job_id, configuration=other_rules)
    assert second.document_input_type == "parse_job_id"
    done = _wait(client, second.id)
    assert done.result.type == "billing" and done.parse_job_id == first.parse_job_id
    alias = _wait(
        client,
        client.classify.create(parse_job_id=first.parse_job_id, configuration=other_rules).id,
    )
    assert alias.document_input_type == "parse_job_id" and alias.status == "COMPLETED"
    history = subprocess.run(
        [
            str(temporal_binary()),
            "workflow",
            "show",
            "--address",
            stack.temporal_address,
            "--workflow-id",
            f"classify-{second.id}",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    activities = [
        event["activityTaskScheduledEventAttributes"]["activityType"]["name"]
        for event in json.loads(history)["events"]
        if "activityTaskScheduledEventAttributes" in event
    ]
    assert "classify_document" in activities and "parse_document" not in activities


def test_list_filters_and_pages(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    file_id = _upload(client, "invoice.txt", INVOICE_TEXT)
    before = datetime.now(UTC) - timedelta(seconds=1)
    saved = client.configurations.create(
        name="for-list", parameters={"product_type": "classify_v2", "rules": RULES}
    )
    made = [client.classify.create(file_input=file_id, configuration=INLINE).id for _ in range(3)]
    by_config = client.classify.create(file_input=file_id, configuration_id=saved.id).id
    for job_id in [*made, by_config]:
        _wait(client, job_id)
    page = client.classify.list(page_size=2)
    assert len(page.items) == 2 and page.next_page_token
    assert [j.id for j in client.classify.list(page_size=2)] == [*made, by_config]
    assert [j.id for j in client.classify.list(configuration_id=saved.id).items] == [by_config]
    assert [j.id for j in client.classify.list(job_ids=made[:2]).items] == made[:2]
    assert len(client.classify.list(status="COMPLETED").items) == 4
    assert client.classify.list(status="FAILED").items == []
    assert len(client.classify.list(created_at_on_or_after=before).items) == 4
    assert client.classify.list(created_at_on_or_before=before).items == []


def test_delete_only_finished_jobs_and_v1_files_are_visible(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    file_id = _upload(client, "invoice.txt", INVOICE_TEXT)
    job = _wait(client, client.classify.create(file_input=file_id, configuration=INLINE).id)
    deleted = client.delete(f"/api/v2/classify/{job.id}", cast_to=object)
    assert deleted == {"id": job.id, "project_id": job.project_id}
    with pytest.raises(NotFoundError):
        client.classify.get(job.id)
    finished = _wait(client, client.classify.create(file_input=file_id, configuration=INLINE).id)
    with pytest.raises(BadRequestError, match="already"):
        client.post(f"/api/v2/classify/{finished.id}/cancel", cast_to=object)
    v1 = client.classifier.jobs.create(file_ids=[file_id], rules=RULES)
    item_id = client.classifier.jobs.get_results(v1.id).items[0].id
    assert client.classify.get(item_id).file_input == file_id


def test_bad_v2_requests_get_clear_4xx(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    file_id = _upload(client, "invoice.txt", INVOICE_TEXT)
    with pytest.raises(BadRequestError, match="exactly one"):
        client.classify.create(file_input=file_id)
    with pytest.raises(BadRequestError, match="exactly one"):
        client.classify.create(file_input=file_id, configuration=INLINE, configuration_id="cfg-x")
    with pytest.raises(BadRequestError, match="file_input"):
        client.classify.create(configuration=INLINE)
    with pytest.raises(UnprocessableEntityError):
        client.classify.create(file_input=file_id, configuration={"rules": []})
    with pytest.raises(NotFoundError):
        client.classify.create(file_input="dfl-unknown", configuration=INLINE)
    with pytest.raises(NotFoundError):
        client.classify.create(file_input=file_id, configuration_id="cfg-unknown")
    with pytest.raises(NotFoundError):
        client.classify.create(file_input="pjb-unknown", configuration=INLINE)
    with pytest.raises(UnprocessableEntityError) as err:
        client.classify.create(
            file_input=file_id,
            configuration={"rules": RULES, "parsing_configuration": {"target_pages": "3-1,x"}},
        )
    assert err.value.body["detail"][0]["loc"][-1] == "target_pages"  # type: ignore[index]
    with pytest.raises(UnprocessableEntityError):
        client.classify.create(
            file_input=file_id,
            configuration={"rules": RULES, "parsing_configuration": {"lang": "klingon"}},
        )
    job = client.classify.create(file_input=file_id, configuration=INLINE)
    stranger = _client(stack, new_api_key(stack))
    with pytest.raises(NotFoundError):
        stranger.classify.get(job.id)
    with pytest.raises(NotFoundError):
        stranger.post(f"/api/v2/classify/{job.id}/cancel", cast_to=object)
    with pytest.raises(NotFoundError):
        stranger.classify.create(file_input=file_id, configuration=INLINE)


def test_cancel_of_a_running_job_sticks_and_cancels_the_workflow(
    stack: Stack, api_key: str, datasets_dir: Path
) -> None:
    client = _client(stack, api_key)
    scan = datasets_dir / "parsing-corpus" / "files" / "scanned_en.pdf"
    file_id = client.files.create(file=(scan.name, scan.read_bytes()), purpose="classify").id
    job = client.classify.create(file_input=file_id, configuration=INLINE)
    deadline = time.monotonic() + 30
    while client.classify.get(job.id).status != "RUNNING":
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)
    cancelled: Any = client.post(f"/api/v2/classify/{job.id}/cancel", cast_to=object)
    assert cancelled["status"] == "CANCELLED"
    describe = [
        str(temporal_binary()),
        "workflow",
        "describe",
        "--address",
        stack.temporal_address,
        "--workflow-id",
        f"classify-{job.id}",
        "--output",
        "json",
    ]
    deadline = time.monotonic() + 60
    while True:
        info = json.loads(subprocess.run(describe, capture_output=True, text=True).stdout)
        status = info["workflowExecutionInfo"]["status"]
        if status != "WORKFLOW_EXECUTION_STATUS_RUNNING" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == "WORKFLOW_EXECUTION_STATUS_CANCELED"
    after = client.classify.get(job.id)
    after_status: str = after.status  # SDK 2.13.0's literal lacks CANCELLED; the value is kept
    assert after_status == "CANCELLED" and after.result is None
    with pytest.raises(BadRequestError):
        client.post(f"/api/v2/classify/{job.id}/cancel", cast_to=object)


def test_a_missing_ocr_language_falls_back_to_english_and_says_so(
    stack: Stack, api_key: str, datasets_dir: Path
) -> None:
    client = _client(stack, api_key)
    scan = datasets_dir / "parsing-corpus" / "files" / "scan_en.png"
    file_id = client.files.create(file=(scan.name, scan.read_bytes()), purpose="classify").id
    config: Any = {"rules": RULES, "parsing_configuration": {"lang": "is"}}
    done = _wait(client, client.classify.create(file_input=file_id, configuration=config).id)
    assert done.status == "COMPLETED" and done.result is not None
    assert "not installed" in done.result.reasoning and "English" in done.result.reasoning
