"""The webhook outbox on SQLite and PostgreSQL: events written with the status changes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from docsort import ids
from docsort.domain import BatchStatus, ClassificationResult, ClassifyConfig, Rule
from docsort.store import batches, classify_jobs, jobs, webhooks
from docsort.store.classify_jobs import NewClassifyJob
from docsort.store.database import Database
from docsort.store.projects import get_or_create_project
from docsort.store.tables import utcnow
from docsort.webhooks.events import BATCH, CLASSIFY_JOB, V1_JOB
from tests.store.test_store import _add_files

CONFIG = ClassifyConfig(rules=[Rule(type="invoice", description="a bill asking for payment")])
HOOK = {"url": "https://hooks.example/a", "output_format": "json"}
ONLY_SUCCESS = {"url": "https://hooks.example/b", "events": ["classify.success"]}
RESULT = ClassificationResult(type="invoice", confidence=0.9, reasoning="matched")


async def _project(db: Database) -> str:
    async with db.write() as session:
        return (await get_or_create_project(session, f"p-{uuid.uuid4().hex[:8]}")).id


async def _v2_job(db: Database, webhooks_: list[dict[str, Any]] | None) -> str:
    project_id = await _project(db)
    (file_id,) = await _add_files(db, project_id, 1)
    async with db.write() as session:
        row, _ = await classify_jobs.create_or_get(
            session,
            NewClassifyJob(
                project_id=project_id,
                user_id="key-1",
                config=CONFIG,
                configuration_id=None,
                file_input=file_id,
                document_input_type="file_id",
                file_id=file_id,
                parse_job_id=None,
                transaction_id=None,
                webhooks=webhooks_,
            ),
        )
    return row.id


async def _events(db: Database, object_id: str) -> list[tuple[int, str, str]]:
    async with db.read() as session:
        rows = await webhooks.events_of(session, object_id)
    return [(row.sequence, row.event_type, row.data.get("status", "")) for row in rows]


async def test_v2_job_records_one_event_per_transition_with_its_snapshot(db: Database) -> None:
    job_id = await _v2_job(db, [HOOK, ONLY_SUCCESS])
    async with db.write() as session:
        assert await jobs.mark_file_job_running(session, job_id)
    for _ in range(2):  # a retried save changes nothing and records nothing
        async with db.write() as session:
            await jobs.complete_file_job(session, job_id, RESULT, None)
    assert await _events(db, job_id) == [
        (1, "classify.pending", "PENDING"),
        (2, "classify.running", "RUNNING"),
        (3, "classify.success", "COMPLETED"),
    ]
    async with db.read() as session:
        last = (await webhooks.events_of(session, job_id))[-1]
        pending = await webhooks.undispatched(session, CLASSIFY_JOB, job_id)
    assert last.data["id"] == job_id and last.data["result"]["type"] == "invoice"
    assert last.data["configuration"]["rules"][0]["type"] == "invoice"
    assert isinstance(last.data["updated_at"], str) and last.id.startswith("evt-")
    # Every event goes to the first endpoint; only the success to the filtered second one.
    assert [(t.event_type, t.endpoint_index) for t in pending.targets] == [
        ("classify.pending", 0),
        ("classify.running", 0),
        ("classify.success", 0),
        ("classify.success", 1),
    ]
    assert pending.targets[0].workflow_id == f"webhook-{pending.event_ids[0]}-0"
    async with db.write() as session:
        await webhooks.mark_dispatched(session, pending.event_ids[:2])
    async with db.read() as session:
        left = await webhooks.undispatched(session, CLASSIFY_JOB, job_id)
    assert left.event_ids == pending.event_ids[2:]


async def test_cancel_and_failures_record_their_events_and_jobs_without_hooks_none(
    db: Database,
) -> None:
    cancelled = await _v2_job(db, [HOOK])
    async with db.write() as session:
        assert await classify_jobs.cancel_job(session, cancelled)
    failed = await _v2_job(db, [HOOK])
    async with db.write() as session:
        await jobs.mark_file_job_running(session, failed)
        await jobs.fail_file_job(session, failed, "document", "unsupported type", None)
    quiet = await _v2_job(db, None)
    async with db.write() as session:
        await jobs.mark_file_job_running(session, quiet)
        await jobs.complete_file_job(session, quiet, RESULT, None)
    assert [e[1] for e in await _events(db, cancelled)] == [
        "classify.pending",
        "classify.cancelled",
    ]
    assert [e[1] for e in await _events(db, failed)] == [
        "classify.pending",
        "classify.running",
        "classify.error",
    ]
    assert await _events(db, quiet) == []


async def test_v1_job_emits_running_once_and_its_files_emit_nothing(db: Database) -> None:
    project_id = await _project(db)
    file_ids = await _add_files(db, project_id, 3)
    async with db.write() as session:
        job = await jobs.create_v1_job(
            session,
            project_id=project_id,
            user_id="key-1",
            config=CONFIG,
            file_ids=file_ids,
            webhooks=[HOOK],
        )
        children = [row_id for row_id, _, _ in await jobs.children_after(session, job.id, -1, 10)]
    for child in children:
        async with db.write() as session:
            await jobs.mark_file_job_running(session, child)
    for child in children:
        async with db.write() as session:
            await jobs.complete_file_job(session, child, RESULT, None)
    async with db.write() as session:
        await jobs.finish_v1_job(session, job.id)
    assert await _events(db, job.id) == [
        (1, "classify.pending", "PENDING"),
        (2, "classify.running", "PENDING"),
        (3, "classify.success", "SUCCESS"),
    ]
    for child in children:
        assert await _events(db, child) == []
    async with db.read() as session:
        pending = await webhooks.undispatched(session, V1_JOB, job.id)
    assert len(pending.targets) == 3


async def test_batch_events_follow_its_statuses_except_dispatched(db: Database) -> None:
    project_id = await _project(db)
    async with db.write() as session:
        rule_set = await jobs.create_rule_set(session, project_id, CONFIG)
        batch = await batches.create_batch(
            session,
            id=ids.new_id("bat"),
            project_id=project_id,
            user_id="key-1",
            api="v2",
            job_type="classify",
            job_config={"job": {"type": "classify_v2", "configuration_id": "cfg-x"}},
            rule_set_id=rule_set.id,
            directory_id="dir-x",
            page_size=10,
            continue_as_new_threshold=10,
            total_items=0,
            webhooks=[HOOK],
        )
    for status in (BatchStatus.RUNNING, BatchStatus.DISPATCHED, BatchStatus.COMPLETED):
        async with db.write() as session:
            await batches.set_status(session, batch.id, status)
    async with db.write() as session:  # a terminal status stays: no second terminal event
        assert not await batches.set_status(session, batch.id, BatchStatus.CANCELLED)
    assert await _events(db, batch.id) == [
        (1, "batch.pending", "PENDING"),
        (2, "batch.running", "RUNNING"),
        (3, "batch.success", "COMPLETED"),
    ]
    async with db.read() as session:
        pending = await webhooks.undispatched(session, BATCH, batch.id)
        last = (await webhooks.events_of(session, batch.id))[-1]
    assert len(pending.targets) == 3
    assert last.data["total_items"] == 0 and last.data["results"] is None


async def test_stale_undispatched_lists_objects_by_their_oldest_waiting_event(
    db: Database,
) -> None:
    first = await _v2_job(db, [HOOK])
    second = await _v2_job(db, [HOOK])
    dispatched = await _v2_job(db, [HOOK])
    async with db.write() as session:
        pending = await webhooks.undispatched(session, CLASSIFY_JOB, dispatched)
        await webhooks.mark_dispatched(session, pending.event_ids)
    later = utcnow() + timedelta(seconds=1)
    async with db.read() as session:
        stale = await webhooks.stale_undispatched(session, later, 10_000)
        before_any = await webhooks.stale_undispatched(session, later - timedelta(hours=1), 10_000)
        one = await webhooks.stale_undispatched(session, later, 1)
    ids_ = [object_id for _, object_id in stale]
    assert (CLASSIFY_JOB, first) in stale and (CLASSIFY_JOB, second) in stale
    assert ids_.index(first) < ids_.index(second)
    assert dispatched not in ids_
    assert first not in [object_id for _, object_id in before_any]
    assert len(one) == 1
