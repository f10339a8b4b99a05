"""Standalone (v2) classify jobs: idempotent creation, listing, cancel and delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from docsort import ids
from docsort.domain import ClassifyConfig, FileJobStatus
from docsort.store.batches import sync_item_with_job
from docsort.store.jobs import NON_TERMINAL_FILE_STATUSES, create_rule_set
from docsort.store.paging import Page, SortKey, fetch_page
from docsort.store.tables import ClassifyJob, utcnow
from docsort.webhooks import transitions


@dataclass(frozen=True)
class NewClassifyJob:
    """What a v2 create request resolved to."""

    project_id: str
    user_id: str
    config: ClassifyConfig
    configuration_id: str | None
    file_input: str
    document_input_type: str
    file_id: str | None
    parse_job_id: str | None
    transaction_id: str | None
    webhooks: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class ClassifyJobFilters:
    """Filters of the v2 list."""

    status: str | None = None
    configuration_id: str | None = None
    job_ids: Sequence[str] | None = None
    created_on_or_after: datetime | None = None
    created_on_or_before: datetime | None = None


async def create_or_get(session: AsyncSession, new: NewClassifyJob) -> tuple[ClassifyJob, bool]:
    """Insert the job, or return the one holding the same (project, transaction_id).

    The second value says whether this call created it: only the creator starts the workflow.
    """
    if new.transaction_id is not None:
        existing = await find_by_transaction(session, new.project_id, new.transaction_id)
        if existing is not None:
            return existing, False
    rule_set = await create_rule_set(session, new.project_id, new.config)
    row = ClassifyJob(
        id=ids.classify_job_id(),
        project_id=new.project_id,
        user_id=new.user_id,
        rule_set_id=rule_set.id,
        configuration_id=new.configuration_id,
        file_input=new.file_input,
        document_input_type=new.document_input_type,
        file_id=new.file_id,
        parse_job_id=new.parse_job_id,
        status=FileJobStatus.PENDING,
        transaction_id=new.transaction_id,
        webhooks=new.webhooks,
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        if new.transaction_id is None:
            raise
        winner = await find_by_transaction(session, new.project_id, new.transaction_id)
        if winner is None:
            raise
        return winner, False
    await transitions.classify_job_changed(session, row, new.config)
    return row, True


async def get_job(session: AsyncSession, project_id: str, job_id: str) -> ClassifyJob | None:
    """A classify job of the project, if any."""
    row = await session.get(ClassifyJob, job_id)
    return row if row is not None and row.project_id == project_id else None


async def list_jobs(
    session: AsyncSession,
    project_id: str,
    filters: ClassifyJobFilters,
    *,
    page_size: int,
    page_token: str | None,
) -> Page[ClassifyJob]:
    """One page of the project's classify jobs (v2 jobs and the files of v1 jobs), oldest first."""
    statement = select(ClassifyJob).where(ClassifyJob.project_id == project_id)
    if filters.status is not None:
        statement = statement.where(ClassifyJob.status == filters.status)
    if filters.configuration_id is not None:
        statement = statement.where(ClassifyJob.configuration_id == filters.configuration_id)
    if filters.job_ids:
        statement = statement.where(ClassifyJob.id.in_(list(filters.job_ids)))
    if filters.created_on_or_after is not None:
        statement = statement.where(ClassifyJob.created_at >= filters.created_on_or_after)
    if filters.created_on_or_before is not None:
        statement = statement.where(ClassifyJob.created_at <= filters.created_on_or_before)
    keys = [SortKey(ClassifyJob.created_at), SortKey(ClassifyJob.id)]
    return await fetch_page(session, statement, keys, page_size, page_token)


async def cancel_job(session: AsyncSession, job_id: str) -> bool:
    """PENDING/RUNNING → CANCELLED; False when the job had already finished."""
    result = await session.execute(
        update(ClassifyJob)
        .where(ClassifyJob.id == job_id, ClassifyJob.status.in_(NON_TERMINAL_FILE_STATUSES))
        .values(status=FileJobStatus.CANCELLED, updated_at=utcnow())
        .returning(ClassifyJob.parent_kind, ClassifyJob.parent_id, ClassifyJob.webhooks)
    )
    moved = result.first()
    if moved is None:
        return False
    await sync_item_with_job(session, job_id, FileJobStatus.CANCELLED, None)
    await _moved(session, job_id, FileJobStatus.CANCELLED, moved)
    return True


async def fail_job(session: AsyncSession, job_id: str, message: str) -> None:
    """End a job that could not be started."""
    result = await session.execute(
        update(ClassifyJob)
        .where(ClassifyJob.id == job_id, ClassifyJob.status.in_(NON_TERMINAL_FILE_STATUSES))
        .values(
            status=FileJobStatus.FAILED,
            error_kind="internal",
            error_message=message,
            updated_at=utcnow(),
        )
        .returning(ClassifyJob.parent_kind, ClassifyJob.parent_id, ClassifyJob.webhooks)
    )
    moved = result.first()
    if moved is not None:
        await _moved(session, job_id, FileJobStatus.FAILED, moved)


async def delete_job(session: AsyncSession, job_id: str) -> None:
    """Remove a finished job's row (its parse job and file stay)."""
    await session.execute(delete(ClassifyJob).where(ClassifyJob.id == job_id))


async def find_by_transaction(
    session: AsyncSession, project_id: str, transaction_id: str
) -> ClassifyJob | None:
    """The job a project created with this transaction id, if any."""
    return await session.scalar(
        select(ClassifyJob).where(
            ClassifyJob.project_id == project_id, ClassifyJob.transaction_id == transaction_id
        )
    )


async def _moved(session: AsyncSession, job_id: str, status: FileJobStatus, moved: Any) -> None:
    await transitions.file_job_moved(
        session,
        job_id,
        status,
        parent_kind=moved.parent_kind,
        parent_id=moved.parent_id,
        has_webhooks=bool(moved.webhooks),
    )
