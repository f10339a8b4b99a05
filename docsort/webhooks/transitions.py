"""Recording webhook events at status transitions, in the transaction of the status write.

The store calls these right after it changes a status. Only the object a webhook was configured
on emits events: the per-file jobs inside a v1 job or a batch never do (a v1 job's
`classify.running` is written when its first file starts).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from docsort import snapshots
from docsort.domain import ClassifyConfig, FileJobStatus
from docsort.store import webhooks
from docsort.store.tables import Batch, ClassifyJob, RuleSet, V1Job
from docsort.webhooks.events import (
    BATCH,
    BATCH_EVENT_OF_STATUS,
    CLASSIFY_EVENT_OF_STATUS,
    CLASSIFY_JOB,
    V1_JOB,
)

V1_PARENT = "v1_job"


async def classify_job_changed(
    session: AsyncSession, row: ClassifyJob, config: ClassifyConfig | None = None
) -> None:
    """A standalone (v2) job with webhooks reached `row.status`: record its event."""
    if row.parent_id is not None or not row.webhooks:
        return
    event_type = CLASSIFY_EVENT_OF_STATUS.get(row.status)
    if event_type is None:
        return
    config = config or await _config(session, row.rule_set_id)
    await webhooks.record_event(
        session,
        project_id=row.project_id,
        object_kind=CLASSIFY_JOB,
        object_id=row.id,
        event_type=event_type,
        data=snapshots.classify_job(row, config),
    )


async def file_job_moved(
    session: AsyncSession,
    job_id: str,
    status: str,
    *,
    parent_kind: str | None,
    parent_id: str | None,
    has_webhooks: bool,
) -> None:
    """A per-document job moved to `status` (the caller knows its parent and webhooks)."""
    if parent_id is None:
        if has_webhooks:
            row = await session.get(ClassifyJob, job_id, populate_existing=True)
            if row is not None:
                await classify_job_changed(session, row)
        return
    if parent_kind == V1_PARENT and status == FileJobStatus.RUNNING:
        await _v1_first_file_started(session, parent_id)


async def v1_job_changed(
    session: AsyncSession, job: V1Job, config: ClassifyConfig | None = None
) -> None:
    """A v1 job with webhooks was created (PENDING) or finished: record its event."""
    if not job.webhooks:
        return
    event_type = CLASSIFY_EVENT_OF_STATUS.get(job.status)
    if event_type is not None:
        await _record_v1(session, job, event_type, config)


async def batch_changed(session: AsyncSession, batch: Batch) -> None:
    """A batch with webhooks reached `batch.status`: record its event (dispatched has none)."""
    if not batch.webhooks:
        return
    event_type = BATCH_EVENT_OF_STATUS.get(batch.status)
    if event_type is None:
        return
    from docsort.store.batches import counters  # the batch store calls this module

    await webhooks.record_event(
        session,
        project_id=batch.project_id,
        object_kind=BATCH,
        object_id=batch.id,
        event_type=event_type,
        data=snapshots.batch(batch, await counters(session, batch)),
    )


async def _v1_first_file_started(session: AsyncSession, job_id: str) -> None:
    job = await session.get(V1Job, job_id)
    if job is None or not job.webhooks:
        return
    # Lock the job row (PostgreSQL) so concurrent first files agree on one event.
    job = await session.get(V1Job, job_id, populate_existing=True, with_for_update=True)
    if job is not None:
        await _record_v1(session, job, "classify.running", None)


async def _record_v1(
    session: AsyncSession, job: V1Job, event_type: str, config: ClassifyConfig | None
) -> None:
    config = config or await _config(session, job.rule_set_id)
    await webhooks.record_event(
        session,
        project_id=job.project_id,
        object_kind=V1_JOB,
        object_id=job.id,
        event_type=event_type,
        data=snapshots.v1_job(job, config),
    )


async def _config(session: AsyncSession, rule_set_id: str) -> ClassifyConfig:
    row = await session.get(RuleSet, rule_set_id)
    if row is None:
        raise LookupError(f"rule set {rule_set_id} not found")
    return ClassifyConfig.model_validate(row.config)
