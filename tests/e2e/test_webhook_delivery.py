"""Webhook delivery end to end: a real receiver gets every status change of jobs and batches."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.launch import file_job_workflow_id, work_options
from docsort.domain import ClassifyConfig, Rule
from docsort.settings import Settings
from docsort.store import classify_jobs
from docsort.store.classify_jobs import NewClassifyJob
from docsort.store.database import Database
from docsort.temporal import connect
from tests.conftest import new_api_key, sqlite_url
from tests.e2e.helpers import wait_for_v1_job
from tests.support.documents import INVOICE_TEXT, RECIPE_TEXT, RULES
from tests.support.receiver import Receiver
from tests.support.stack import Stack, closed_status, free_port
from tests.support.webhook_helpers import (
    SECRET,
    check_headers,
    clients,
    deliveries,
    upload,
)
from workflows.classify_file import ClassifyFileWorkflow
from workflows.models import ClassifyFileInput

# Short retries, so the retry tests take seconds; a fast classifier engine.
STACK_ENV = {
    "DOCSORT_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
    "DOCSORT_WEBHOOK_RETRY_INITIAL_INTERVAL_S": "0.2",
    "DOCSORT_WEBHOOK_RETRY_MAX_INTERVAL_S": "1",
    "DOCSORT_WEBHOOK_REQUEST_TIMEOUT_S": "5",
    "DOCSORT_CLASSIFIER_ENGINE": "lexical",
    # No sweep here: these tests show the API and the workflows dispatch events on their own.
    "DOCSORT_WEBHOOK_SWEEP_INTERVAL_S": "0",
}


@pytest.fixture(scope="module")
def hooks_stack(tmp_path_factory: pytest.TempPathFactory, temporal_address: str) -> Iterator[Stack]:
    """A stack whose webhook retries are short."""
    data_dir: Path = tmp_path_factory.mktemp("webhooks")
    running = Stack(
        data_dir=data_dir,
        database_url=sqlite_url(data_dir),
        temporal_address=temporal_address,
        extra_env=STACK_ENV,
    ).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    """The receiver every test here points its webhooks at."""
    running = Receiver().start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def key(hooks_stack: Stack) -> str:
    """A fresh project's key."""
    return new_api_key(hooks_stack)


def test_v2_job_events_arrive_in_order_with_payloads_headers_and_signature(
    hooks_stack: Stack, key: str, receiver: Receiver
) -> None:
    client, http = clients(hooks_stack, key)
    file_id = upload(client, INVOICE_TEXT)
    hooks: Any = [
        {
            "webhook_url": receiver.url("/ok"),
            "webhook_output_format": "json",
            "webhook_signing_secret": SECRET,
            "webhook_headers": {"X-Endpoint": "json", "LC-Event-Id": "spoofed"},
        },
        {"webhook_url": receiver.url("/ok"), "webhook_headers": {"X-Endpoint": "string"}},
        {
            "webhook_url": receiver.url("/ok"),
            "webhook_events": ["classify.success"],
            "webhook_headers": {"X-Endpoint": "filtered"},
        },
    ]
    job = client.classify.create(
        file_input=file_id, configuration={"rules": RULES}, webhook_configurations=hooks
    )
    done = client.classify.wait_for_completion(job.id, polling_interval=0.2)
    assert done.status == "COMPLETED"
    got = receiver.wait_for(job.id, 7)
    by_endpoint = {
        name: sorted(
            (r for r in got if r.headers["X-Endpoint"] == name),
            key=lambda r: int(r.event["sequence"]),
        )
        for name in ("json", "string", "filtered")
    }
    types = ["classify.pending", "classify.running", "classify.success"]
    assert [r.event["event_type"] for r in by_endpoint["json"]] == types
    assert [r.event["event_type"] for r in by_endpoint["string"]] == types
    assert [r.event["event_type"] for r in by_endpoint["filtered"]] == ["classify.success"]
    assert [r.event["sequence"] for r in by_endpoint["json"]] == [1, 2, 3]
    assert [r.event["data"]["status"] for r in by_endpoint["json"]] == [
        "PENDING",
        "RUNNING",
        "COMPLETED",
    ]
    for request in by_endpoint["json"]:
        check_headers(request, signed=True)
        assert isinstance(json.loads(request.body), dict)
    for request in by_endpoint["string"]:
        check_headers(request, signed=False)
        assert isinstance(json.loads(request.body), str)  # the wrapper, double-encoded
    # The same event reaches each endpoint with the same id (receivers de-duplicate by it).
    success_ids = {r.event["event_id"] for r in got if r.event["event_type"] == types[2]}
    assert len(success_ids) == 1
    final = by_endpoint["json"][-1].event["data"]
    assert final == http.get(f"/api/v2/classify/{job.id}").json()
    assert final["result"]["type"] == "invoice"
    log = deliveries(http, job.id, 7)
    assert {(d["status_code"], d["attempt"], d["error"]) for d in log} == {(200, 1, None)}
    assert all(d["latency_ms"] >= 0 and d["url"] == receiver.url("/ok") for d in log)


def test_v1_job_events_come_from_the_job_and_not_from_its_files(
    hooks_stack: Stack, key: str, receiver: Receiver
) -> None:
    client, http = clients(hooks_stack, key)
    file_ids = [upload(client, INVOICE_TEXT), upload(client, RECIPE_TEXT)]
    hooks: Any = [{"webhook_url": receiver.url("/ok"), "webhook_signing_secret": SECRET}]
    job = client.classifier.jobs.create(
        file_ids=file_ids, rules=RULES, webhook_configurations=hooks
    )
    assert wait_for_v1_job(client, job.id).status == "SUCCESS"
    got = sorted(receiver.wait_for(job.id, 3), key=lambda r: int(r.event["sequence"]))
    assert [(r.event["event_type"], r.event["data"]["status"]) for r in got] == [
        ("classify.pending", "PENDING"),
        ("classify.running", "PENDING"),  # v1 jobs never show RUNNING
        ("classify.success", "SUCCESS"),
    ]
    for request in got:
        check_headers(request, signed=True)
    assert got[-1].event["data"] == http.get(f"/api/v1/classifier/jobs/{job.id}").json()
    for item in client.classifier.jobs.get_results(job.id).items:
        assert receiver.requests_for(item.id) == []
    assert len(deliveries(http, job.id, 3)) == 3


def test_batch_events_of_both_batch_apis(hooks_stack: Stack, key: str, receiver: Receiver) -> None:
    client, http = clients(hooks_stack, key)
    directory = client.beta.directories.create(name="hooked")
    for name, text in (("invoice.txt", INVOICE_TEXT), ("recipe.txt", RECIPE_TEXT)):
        client.beta.directories.files.upload(
            directory.id, upload_file=(name, io.BytesIO(text.encode()))
        )
    hooks = [{"webhook_url": receiver.url("/ok"), "webhook_output_format": "json"}]
    created = http.post(
        "/api/v1/beta/batch-processing",
        json={
            "job_config": {"rules": RULES},
            "directory_id": directory.id,
            "webhook_configurations": hooks,
        },
    )
    assert created.status_code == 200, created.text
    v1_id = created.json()["id"]
    saved = client.configurations.create(
        name="hooked", parameters={"product_type": "classify_v2", "rules": RULES}
    )
    v2 = client.batches.create(
        source_directory_id=directory.id,
        config={"job": {"type": "classify_v2", "configuration_id": saved.id}},  # type: ignore[typeddict-item]
        extra_body={"webhook_configurations": hooks},
    )
    for batch_id, path in ((v1_id, "/api/v1/beta/batch-processing"), (v2.id, "/api/v2/batches")):
        got = sorted(receiver.wait_for(batch_id, 3), key=lambda r: int(r.event["sequence"]))
        assert [r.event["event_type"] for r in got] == [
            "batch.pending",
            "batch.running",
            "batch.success",
        ]
        assert got[-1].event["data"] == http.get(f"{path}/{batch_id}").json()
    v1_final = receiver.requests_for(v1_id)[-1].event["data"]
    assert v1_final["job"]["status"] == "completed" and v1_final["job"]["processed_items"] == 2
    v2_final = sorted(receiver.requests_for(v2.id), key=lambda r: int(r.event["sequence"]))
    assert v2_final[-1].event["data"]["status"] == "COMPLETED"


def test_cancelling_a_batch_sends_batch_cancelled_last(
    hooks_stack: Stack, key: str, receiver: Receiver
) -> None:
    client, http = clients(hooks_stack, key)
    directory = client.beta.directories.create(name="to-cancel")
    for i in range(40):
        client.beta.directories.files.upload(
            directory.id, upload_file=(f"doc-{i}.txt", io.BytesIO(f"{INVOICE_TEXT} {i}".encode()))
        )
    hooks = [{"webhook_url": receiver.url("/ok"), "webhook_output_format": "json"}]
    created = http.post(
        "/api/v1/beta/batch-processing",
        json={
            "job_config": {"rules": RULES},
            "directory_id": directory.id,
            "page_size": 5,
            "webhook_configurations": hooks,
        },
    ).json()
    cancel = http.post(f"/api/v1/beta/batch-processing/{created['id']}/cancel", json={})
    assert cancel.status_code == 200, cancel.text
    got = receiver.wait_for(created["id"], 2)  # pending and cancelled; running if it ran
    while not {"batch.pending", "batch.cancelled"} <= {r.event["event_type"] for r in got}:
        got = receiver.wait_for(created["id"], len(got) + 1)
    got.sort(key=lambda r: int(r.event["sequence"]))  # arrival order is not guaranteed
    types = [r.event["event_type"] for r in got]
    assert types[0] == "batch.pending" and types[-1] == "batch.cancelled"
    assert set(types) <= {"batch.pending", "batch.running", "batch.cancelled"}
    final = got[-1].event["data"]
    assert final["job"]["status"] == "cancelled"
    assert final == http.get(f"/api/v1/beta/batch-processing/{created['id']}").json()


def test_failing_receiver_gets_the_event_once_after_four_attempts(
    hooks_stack: Stack, key: str, receiver: Receiver
) -> None:
    client, http = clients(hooks_stack, key)
    hooks: Any = [{"webhook_url": receiver.url("/fail/3"), "webhook_events": ["classify.success"]}]
    job = client.classify.create(
        file_input=upload(client, INVOICE_TEXT),
        configuration={"rules": RULES},
        webhook_configurations=hooks,
    )
    accepted = receiver.wait_for(job.id, 1)
    log = deliveries(http, job.id, 4)
    attempts = receiver.requests_for(job.id)
    assert len(accepted) == 1
    assert [r.answered for r in attempts] == [500, 500, 500, 200]
    assert [r.headers["LC-Delivery-Attempt"] for r in attempts] == ["1", "2", "3", "4"]
    assert len({r.headers["LC-Event-Id"] for r in attempts}) == 1
    assert [(d["attempt"], d["status_code"]) for d in log] == [
        (1, 500),
        (2, 500),
        (3, 500),
        (4, 200),
    ]
    assert all(d["error"] for d in log[:3]) and log[3]["error"] is None


def test_receiver_down_while_the_job_completes_gets_the_event_when_back(
    hooks_stack: Stack, key: str
) -> None:
    client, http = clients(hooks_stack, key)
    port = free_port()
    url = f"http://127.0.0.1:{port}/ok"
    hooks: Any = [{"webhook_url": url, "webhook_events": ["classify.success"]}]
    job = client.classify.create(
        file_input=upload(client, INVOICE_TEXT),
        configuration={"rules": RULES},
        webhook_configurations=hooks,
    )
    assert client.classify.wait_for_completion(job.id, polling_interval=0.2).status == "COMPLETED"
    refused = deliveries(http, job.id, 2)  # at least two attempts failed while it was down
    assert all(d["status_code"] is None and d["error"] for d in refused)
    back = Receiver(port=port).start()
    try:
        (delivered,) = back.wait_for(job.id, 1)
    finally:
        back.stop()
    assert delivered.event["event_type"] == "classify.success"
    assert delivered.event["data"]["status"] == "COMPLETED"
    log = deliveries(http, job.id, len(refused) + 1)
    assert log[-1]["status_code"] == 200 and int(delivered.headers["LC-Delivery-Attempt"]) > 1


def test_a_4xx_answer_is_not_retried(hooks_stack: Stack, key: str, receiver: Receiver) -> None:
    client, http = clients(hooks_stack, key)
    hooks: Any = [
        {"webhook_url": receiver.url("/status/400"), "webhook_events": ["classify.success"]}
    ]
    job = client.classify.create(
        file_input=upload(client, INVOICE_TEXT),
        configuration={"rules": RULES},
        webhook_configurations=hooks,
    )
    (attempt,) = receiver.wait_for(job.id, 1, accepted=False)
    workflow_id = f"webhook-{attempt.headers['LC-Event-Id']}-0"
    assert closed_status(hooks_stack, workflow_id) == "FAILED"
    assert [(d["attempt"], d["status_code"]) for d in deliveries(http, job.id, 1)] == [(1, 400)]
    assert len(receiver.requests_for(job.id)) == 1


def test_retry_after_of_a_429_is_honoured(hooks_stack: Stack, key: str, receiver: Receiver) -> None:
    client, http = clients(hooks_stack, key)
    hooks: Any = [{"webhook_url": receiver.url("/busy/2"), "webhook_events": ["classify.success"]}]
    job = client.classify.create(
        file_input=upload(client, INVOICE_TEXT),
        configuration={"rules": RULES},
        webhook_configurations=hooks,
    )
    receiver.wait_for(job.id, 1)
    first, second = receiver.requests_for(job.id)
    assert (first.answered, second.answered) == (429, 200)
    # The retry policy alone would retry after 0.2 s; the receiver asked for 2 s.
    assert second.at - first.at >= 1.9
    assert [d["status_code"] for d in deliveries(http, job.id, 2)] == [429, 200]


def test_events_left_undispatched_by_the_api_are_sent_by_the_job_workflow(
    hooks_stack: Stack, key: str, receiver: Receiver
) -> None:
    """The API's steps up to the workflow start, as if it died before dispatching `pending`."""
    client, http = clients(hooks_stack, key)
    file = client.files.create(
        file=("doc.txt", io.BytesIO(INVOICE_TEXT.encode())), purpose="classify"
    )
    hooks = [{"url": receiver.url("/ok"), "output_format": "json"}]
    job_id = asyncio.run(_create_and_start(hooks_stack, file.project_id, file.id, hooks))
    got = sorted(receiver.wait_for(job_id, 3), key=lambda r: int(r.event["sequence"]))
    assert [r.event["event_type"] for r in got] == [
        "classify.pending",
        "classify.running",
        "classify.success",
    ]
    assert got[-1].event["data"] == http.get(f"/api/v2/classify/{job_id}").json()


async def _create_and_start(
    stack: Stack, project_id: str, file_id: str, hooks: list[dict[str, Any]]
) -> str:
    job_id = await _create_job(stack, project_id, file_id, hooks, fail=False)
    settings = Settings(
        data_dir=stack.data_dir,
        database_url=stack.database_url,
        temporal_address=stack.temporal_address,
        task_queue_prefix=stack.queue_prefix,
    )
    temporal = await connect(settings)
    await temporal.start_workflow(
        ClassifyFileWorkflow.run,
        ClassifyFileInput(classify_job_id=job_id, options=work_options(settings)),
        id=file_job_workflow_id(job_id),
        task_queue=settings.workflow_task_queue,
    )
    return job_id


@pytest.fixture(scope="module")
def sweeping_stack(
    tmp_path_factory: pytest.TempPathFactory, temporal_address: str
) -> Iterator[Stack]:
    """A stack whose sweep looks every second for events waiting for over a second."""
    data_dir: Path = tmp_path_factory.mktemp("sweep")
    running = Stack(
        data_dir=data_dir,
        database_url=sqlite_url(data_dir),
        temporal_address=temporal_address,
        extra_env={
            **STACK_ENV,
            "DOCSORT_WEBHOOK_SWEEP_INTERVAL_S": "1",
            "DOCSORT_WEBHOOK_SWEEP_AFTER_S": "1",
        },
    ).start()
    try:
        yield running
    finally:
        running.stop()


def test_events_of_a_job_whose_workflow_never_ran_are_sent_by_the_sweep(
    sweeping_stack: Stack, receiver: Receiver
) -> None:
    """What the API does when Temporal is unreachable at creation: the job is recorded, its
    start fails, it is failed at once. No workflow ever runs for it, yet both events arrive."""
    client, http = clients(sweeping_stack, new_api_key(sweeping_stack))
    file = client.files.create(
        file=("doc.txt", io.BytesIO(INVOICE_TEXT.encode())), purpose="classify"
    )
    hooks = [{"url": receiver.url("/ok"), "output_format": "json"}]
    job_id = asyncio.run(_create_job(sweeping_stack, file.project_id, file.id, hooks, fail=True))
    got = sorted(receiver.wait_for(job_id, 2), key=lambda r: int(r.event["sequence"]))
    assert [r.event["event_type"] for r in got] == ["classify.pending", "classify.error"]
    assert got[-1].event["data"] == http.get(f"/api/v2/classify/{job_id}").json()
    time.sleep(3)  # three more sweeps: the events are dispatched once
    assert len(receiver.requests_for(job_id)) == 2
    assert [d["status_code"] for d in deliveries(http, job_id, 2)] == [200, 200]


async def _create_job(
    stack: Stack, project_id: str, file_id: str, hooks: list[dict[str, Any]], *, fail: bool
) -> str:
    """The API's first step (the job row, its `pending` event); `fail`: also its failure when
    the workflow cannot be started."""
    db = Database(stack.database_url)
    try:
        async with db.write() as session:
            row, _ = await classify_jobs.create_or_get(
                session,
                NewClassifyJob(
                    project_id=project_id,
                    user_id="key-test",
                    config=ClassifyConfig(rules=[Rule(**rule) for rule in RULES]),
                    configuration_id=None,
                    file_input=file_id,
                    document_input_type="file_id",
                    file_id=file_id,
                    parse_job_id=None,
                    transaction_id=None,
                    webhooks=hooks,
                ),
            )
        if fail:
            async with db.write() as session:
                await classify_jobs.fail_job(session, row.id, "Temporal is unreachable")
    finally:
        await db.dispose()
    return row.id
