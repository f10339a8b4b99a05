"""Classification jobs: v1 jobs, per-document classify jobs and their resolved rule sets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from docsort import ids
from docsort.domain import (
    TERMINAL_FILE_STATUSES,
    ClassificationResult,
    ClassifyConfig,
    FileJobStatus,
    V1JobStatus,
    rollup_v1_status,
)
from docsort.store.batches import sync_item_with_job
from docsort.store.paging import Page, SortKey, fetch_page
from docsort.store.tables import ClassifyJob, RuleSet, V1Job, utcnow
from docsort.webhooks import transitions

V1_PARENT = "v1_job"
NON_TERMINAL_FILE_STATUSES = (FileJobStatus.PENDING, FileJobStatus.RUNNING)


async def create_rule_set(
    session: AsyncSession, project_id: str, config: ClassifyConfig
) -> RuleSet:
    """Store a resolved configuration that jobs will point at."""
    row = RuleSet(
        id=ids.rule_set_id(), project_id=project_id, config=config.model_dump(mode="json")
    )
    session.add(row)
    await session.flush()
    return row


async def get_rule_set(session: AsyncSession, rule_set_id: str) -> ClassifyConfig:
    """The configuration a job runs with."""
    row = await session.get(RuleSet, rule_set_id)
    if row is None:
        raise LookupError(f"rule set {rule_set_id} not found")
    return ClassifyConfig.model_validate(row.config)


async def get_rule_sets(
    session: AsyncSession, rule_set_ids: Sequence[str]
) -> dict[str, ClassifyConfig]:
    """Several configurations by id, in one query."""
    rows = await session.scalars(select(RuleSet).where(RuleSet.id.in_(list(set(rule_set_ids)))))
    return {row.id: ClassifyConfig.model_validate(row.config) for row in rows}


async def fail_pending_children(session: AsyncSession, parent_id: str, message: str) -> None:
    """End every unfinished per-file job of a parent that could not start."""
    await session.execute(
        update(ClassifyJob)
        .where(
            ClassifyJob.parent_id == parent_id, ClassifyJob.status.in_(NON_TERMINAL_FILE_STATUSES)
        )
        .values(
            status=FileJobStatus.FAILED,
            error_kind="internal",
            error_message=message,
            updated_at=utcnow(),
        )
    )


async def create_v1_job(
    session: AsyncSession,
    *,
    project_id: str,
    user_id: str,
    config: ClassifyConfig,
    file_ids: Sequence[str],
    webhooks: list[dict[str, Any]] | None = None,
) -> V1Job:
    """A v1 job and one pending classify job per file, in the order of `file_ids`."""
    rule_set = await create_rule_set(session, project_id, config)
    job = V1Job(
        id=ids.v1_job_id(),
        project_id=project_id,
        user_id=user_id,
        rule_set_id=rule_set.id,
        status=V1JobStatus.PENDING,
        file_count=len(file_ids),
        webhooks=webhooks,
    )
    session.add(job)
    now = utcnow()
    session.add_all(
        ClassifyJob(
            id=ids.classify_job_id(),
            project_id=project_id,
            user_id=user_id,
            rule_set_id=rule_set.id,
            file_input=file_id,
            document_input_type="file_id",
            file_id=file_id,
            status=FileJobStatus.PENDING,
            parent_kind=V1_PARENT,
            parent_id=job.id,
            position=position,
            created_at=now,
            updated_at=now,
        )
        for position, file_id in enumerate(file_ids)
    )
    await session.flush()
    await transitions.v1_job_changed(session, job, config)
    return job


async def get_v1_job(session: AsyncSession, project_id: str, job_id: str) -> V1Job | None:
    """The v1 job with this id in the project, if any."""
    row = await session.get(V1Job, job_id)
    return row if row is not None and row.project_id == project_id else None


async def list_v1_jobs(
    session: AsyncSession, project_id: str, *, page_size: int, page_token: str | None
) -> Page[V1Job]:
    """One page of the project's v1 jobs, oldest first."""
    statement = select(V1Job).where(V1Job.project_id == project_id)
    keys = [SortKey(V1Job.created_at), SortKey(V1Job.id)]
    return await fetch_page(session, statement, keys, page_size, page_token)


async def list_children(
    session: AsyncSession, parent_id: str, *, page_size: int, page_token: str | None
) -> Page[ClassifyJob]:
    """One page of a v1 job's per-file jobs, in the order the files were given."""
    statement = select(ClassifyJob).where(ClassifyJob.parent_id == parent_id)
    return await fetch_page(
        session, statement, [SortKey(ClassifyJob.position)], page_size, page_token
    )


async def children_after(
    session: AsyncSession, parent_id: str, after_position: int, limit: int
) -> list[tuple[str, str, int]]:
    """(job id, file id, position) of the next `limit` per-file jobs after `after_position`."""
    rows = await session.execute(
        select(ClassifyJob.id, ClassifyJob.file_id, ClassifyJob.position)
        .where(ClassifyJob.parent_id == parent_id, ClassifyJob.position > after_position)
        .order_by(ClassifyJob.position)
        .limit(limit)
    )
    return [(job_id, file_id or job_id, int(pos or 0)) for job_id, file_id, pos in rows.all()]


async def count_children_by_status(
    session: AsyncSession, parent_id: str
) -> dict[FileJobStatus, int]:
    """How many per-file jobs of a parent are in each status (counters derive from this)."""
    rows = await session.execute(
        select(ClassifyJob.status, func.count())
        .where(ClassifyJob.parent_id == parent_id)
        .group_by(ClassifyJob.status)
    )
    return {FileJobStatus(status): int(count) for status, count in rows.all()}


async def get_classify_job(session: AsyncSession, job_id: str) -> ClassifyJob | None:
    """A per-document job by id (any project: callers from workflows pass trusted ids)."""
    return await session.get(ClassifyJob, job_id)


async def mark_file_job_running(session: AsyncSession, job_id: str) -> bool:
    """PENDING → RUNNING; False if the job had already moved on."""
    return await _transition(session, job_id, (FileJobStatus.PENDING,), FileJobStatus.RUNNING, {})


async def complete_file_job(
    session: AsyncSession, job_id: str, result: ClassificationResult, parse_job_id: str | None
) -> bool:
    """Record the result; the first terminal status wins, so a retry changes nothing."""
    values: dict[str, Any] = {
        "result_type": result.type,
        "result_confidence": result.confidence,
        "result_reasoning": result.reasoning,
        "parse_job_id": parse_job_id,
    }
    return await _transition(
        session, job_id, NON_TERMINAL_FILE_STATUSES, FileJobStatus.COMPLETED, values
    )


async def fail_file_job(
    session: AsyncSession, job_id: str, kind: str, message: str, parse_job_id: str | None
) -> bool:
    """Record why the document could not be classified; the first terminal status wins."""
    values = {"error_kind": kind, "error_message": message, "parse_job_id": parse_job_id}
    return await _transition(
        session, job_id, NON_TERMINAL_FILE_STATUSES, FileJobStatus.FAILED, values
    )


async def finish_v1_job(session: AsyncSession, job_id: str) -> V1JobStatus:
    """Roll the per-file statuses up into the v1 job's status (conditional from PENDING)."""
    counts = await count_children_by_status(session, job_id)
    status = rollup_v1_status(counts)
    if status is V1JobStatus.PENDING:
        return status
    message = (
        "every file failed; see each result's error_message"
        if status is V1JobStatus.ERROR
        else None
    )
    now = utcnow()
    await session.execute(
        update(V1Job)
        .where(V1Job.id == job_id, V1Job.status == V1JobStatus.PENDING)
        .values(status=status, error_message=message, effective_at=now, updated_at=now)
    )
    row = await session.get(V1Job, job_id, populate_existing=True)
    if row is not None:
        await transitions.v1_job_changed(session, row)
    return V1JobStatus(row.status) if row else status


def is_terminal(status: str) -> bool:
    """Whether a per-document status is final."""
    return status in TERMINAL_FILE_STATUSES


async def _transition(
    session: AsyncSession,
    job_id: str,
    from_statuses: Sequence[FileJobStatus],
    to_status: FileJobStatus,
    values: dict[str, Any],
) -> bool:
    now: datetime = utcnow()
    result = await session.execute(
        update(ClassifyJob)
        .where(ClassifyJob.id == job_id, ClassifyJob.status.in_(list(from_statuses)))
        .values(status=to_status, updated_at=now, **values)
        .returning(ClassifyJob.parent_kind, ClassifyJob.parent_id, ClassifyJob.webhooks)
    )
    moved = result.first()
    if moved is None:
        return False
    await sync_item_with_job(session, job_id, to_status, values.get("error_message"))
    await transitions.file_job_moved(
        session,
        job_id,
        to_status,
        parent_kind=moved.parent_kind,
        parent_id=moved.parent_id,
        has_webhooks=bool(moved.webhooks),
    )
    return True
