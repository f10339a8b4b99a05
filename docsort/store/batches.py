"""Batches and their items: fixed membership, idempotent recording, derived counters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from docsort import ids
from docsort.domain import (
    ITEM_STATUS_OF_FILE_JOB,
    PROCESSED_ITEM_STATUSES,
    TERMINAL_BATCH_STATUSES,
    BatchStatus,
    FileJobStatus,
    ItemStatus,
)
from docsort.store.paging import Page, SortKey, decode_token, encode_token, fetch_page
from docsort.store.tables import (
    Batch,
    BatchItem,
    ClassifyJob,
    DirectoryFile,
    StoredFile,
    utcnow,
)
from docsort.webhooks import transitions

BATCH_PARENT = "batch"
DELETED = "deleted"
SIZE_LIMIT_EXCEEDED = "size_limit_exceeded"
_FILE_KEYS = [SortKey(DirectoryFile.created_at), SortKey(DirectoryFile.id)]
_LIVE_ITEM_STATUSES = (ItemStatus.PENDING, ItemStatus.PROCESSING)


@dataclass(frozen=True)
class Counters:
    """How many items a batch has, and how many reached each terminal state."""

    total_items: int
    processed_items: int
    failed_items: int
    skipped_items: int

    @property
    def progress_percentage(self) -> float:
        """Processed items as a percentage of the total (100 for an empty batch)."""
        return 100.0 if not self.total_items else 100.0 * self.processed_items / self.total_items


@dataclass(frozen=True)
class RecordedItem:
    """An item the parent dispatches: its per-file job (None when it was skipped)."""

    item_row_id: str
    job_id: str | None
    key: str
    position: int


@dataclass(frozen=True)
class RecordedPage:
    """Items of one page and the cursor after them (None when the source is exhausted)."""

    items: list[RecordedItem]
    next_cursor: str | None


async def count_live_directory_files(session: AsyncSession, directory_id: str) -> int:
    """Files in the directory now: a batch starting now takes exactly these."""
    count = await session.scalar(
        select(func.count())
        .select_from(DirectoryFile)
        .where(DirectoryFile.directory_id == directory_id, DirectoryFile.deleted_at.is_(None))
    )
    return int(count or 0)


async def create_batch(session: AsyncSession, **values: Any) -> Batch:
    """Store a new batch (membership counted by the caller, `started_at` = now)."""
    row = Batch(status=BatchStatus.PENDING, started_at=utcnow(), **values)
    session.add(row)
    await session.flush()
    await transitions.batch_changed(session, row)
    return row


async def get_batch(session: AsyncSession, project_id: str, batch_id: str) -> Batch | None:
    """A batch of the project, if any."""
    row = await session.get(Batch, batch_id)
    return row if row is not None and row.project_id == project_id else None


async def list_batches_by_offset(
    session: AsyncSession,
    project_id: str,
    api: str,
    *,
    limit: int,
    offset: int,
    directory_id: str | None = None,
    job_type: str | None = None,
    status: str | None = None,
) -> tuple[list[Batch], int]:
    """A slice of the project's batches of one API (oldest first) and how many there are."""
    conditions = [Batch.project_id == project_id, Batch.api == api]
    if directory_id is not None:
        conditions.append(Batch.directory_id == directory_id)
    if job_type is not None:
        conditions.append(Batch.job_type == job_type)
    if status is not None:
        conditions.append(Batch.status == status)
    total = await session.scalar(select(func.count()).select_from(Batch).where(*conditions))
    rows = await session.scalars(
        select(Batch)
        .where(*conditions)
        .order_by(Batch.created_at, Batch.id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total or 0)


async def list_batches_by_cursor(
    session: AsyncSession,
    project_id: str,
    api: str,
    *,
    page_size: int,
    page_token: str | None,
    directory_id: str | None = None,
    statuses: Sequence[str] | None = None,
    created_on_or_after: datetime | None = None,
    created_on_or_before: datetime | None = None,
) -> Page[Batch]:
    """One cursor page of the project's batches of one API, oldest first."""
    statement = select(Batch).where(Batch.project_id == project_id, Batch.api == api)
    if directory_id is not None:
        statement = statement.where(Batch.directory_id == directory_id)
    if statuses:
        statement = statement.where(Batch.status.in_(list(statuses)))
    if created_on_or_after is not None:
        statement = statement.where(Batch.created_at >= created_on_or_after)
    if created_on_or_before is not None:
        statement = statement.where(Batch.created_at <= created_on_or_before)
    keys = [SortKey(Batch.created_at), SortKey(Batch.id)]
    return await fetch_page(session, statement, keys, page_size, page_token)


async def counters(session: AsyncSession, batch: Batch) -> Counters:
    """Counters derived from the item rows (never incremented, so they cannot drift)."""
    rows = await session.execute(
        select(BatchItem.status, func.count())
        .where(BatchItem.batch_id == batch.id)
        .group_by(BatchItem.status)
    )
    counts = {status: int(count) for status, count in rows.all()}
    return Counters(
        total_items=batch.total_items,
        processed_items=sum(counts.get(s, 0) for s in PROCESSED_ITEM_STATUSES),
        failed_items=counts.get(ItemStatus.FAILED, 0),
        skipped_items=counts.get(ItemStatus.SKIPPED, 0),
    )


async def record_page(
    session: AsyncSession, batch: Batch, cursor: str | None, limit: int, max_bytes: int
) -> RecordedPage:
    """Record the next `limit` members as items (idempotent) and create their per-file jobs.

    A member deleted since the batch started, or larger than `max_bytes`, is recorded as
    skipped right away and gets no job.
    """
    if batch.item_ids is not None:
        start = int(cursor) + 1 if cursor else 0
        chosen = batch.item_ids[start : start + limit]
        members = [await _member_by_id(session, batch, item_id) for item_id in chosen]
        positions = list(range(start, start + len(chosen)))
        next_cursor = str(start + len(chosen) - 1) if chosen else None
    else:
        members, next_cursor = await _directory_members(session, batch, cursor, limit)
        first = await _next_position(session, batch.id)
        positions = list(range(first, first + len(members)))
    recorded = []
    for position, member in zip(positions, members, strict=True):
        recorded.append(await _record(session, batch, position, member, max_bytes))
    return RecordedPage(items=recorded, next_cursor=next_cursor if members else None)


async def set_status(
    session: AsyncSession, batch_id: str, status: BatchStatus, **values: Any
) -> bool:
    """Move a batch on from a non-terminal status; the first terminal status wins."""
    now = utcnow()
    if status in TERMINAL_BATCH_STATUSES:
        values.setdefault("completed_at", now)
    result = await session.execute(
        update(Batch)
        .where(Batch.id == batch_id, Batch.status.notin_(list(TERMINAL_BATCH_STATUSES)))
        .values(status=status, updated_at=now, **values)
    )
    moved = bool(getattr(result, "rowcount", 0))
    if moved:
        row = await session.get(Batch, batch_id, populate_existing=True)
        if row is not None:
            await transitions.batch_changed(session, row)
    return moved


async def cancel_open_items(session: AsyncSession, batch_id: str) -> None:
    """Items (and their per-file jobs) not finished when the batch was cancelled end cancelled."""
    now = utcnow()
    await session.execute(
        update(ClassifyJob)
        .where(
            ClassifyJob.parent_id == batch_id,
            ClassifyJob.status.in_([FileJobStatus.PENDING, FileJobStatus.RUNNING]),
        )
        .values(status=FileJobStatus.CANCELLED, updated_at=now)
    )
    await session.execute(
        update(BatchItem)
        .where(BatchItem.batch_id == batch_id, BatchItem.status.in_(list(_LIVE_ITEM_STATUSES)))
        .values(status=ItemStatus.CANCELLED, completed_at=now, updated_at=now)
    )


async def sync_item_with_job(
    session: AsyncSession, job_id: str, status: FileJobStatus, error: str | None
) -> None:
    """Mirror a per-file job's new status onto its batch item, if it has one."""
    item_status = ITEM_STATUS_OF_FILE_JOB.get(status)
    if item_status is None:
        return
    now = utcnow()
    values: dict[str, Any] = {"status": item_status, "updated_at": now}
    if item_status is ItemStatus.PROCESSING:
        values["started_at"] = now
    else:
        values["completed_at"] = now
        values["error_message"] = error
    await session.execute(
        update(BatchItem)
        .where(BatchItem.job_id == job_id, BatchItem.status.in_(list(_LIVE_ITEM_STATUSES)))
        .values(**values)
    )


async def has_open_items(session: AsyncSession, batch_id: str) -> bool:
    """Whether an item of the batch is still pending or processing."""
    open_item = await session.scalar(
        select(BatchItem.id)
        .where(BatchItem.batch_id == batch_id, BatchItem.status.in_(list(_LIVE_ITEM_STATUSES)))
        .limit(1)
    )
    return open_item is not None


async def status_of(session: AsyncSession, batch_id: str) -> str:
    """The batch's current status."""
    status = await session.scalar(select(Batch.status).where(Batch.id == batch_id))
    if status is None:
        raise LookupError(f"batch {batch_id} not found")
    return str(status)


async def start_item(session: AsyncSession, item_id: str) -> tuple[BatchItem, Batch, bool]:
    """pending → processing for a parse item; the third value is False if it had moved on."""
    item = await session.get(BatchItem, item_id)
    if item is None:
        raise LookupError(f"batch item {item_id} not found")
    batch = await session.get(Batch, item.batch_id)
    assert batch is not None
    now = utcnow()
    result = await session.execute(
        update(BatchItem)
        .where(BatchItem.id == item_id, BatchItem.status == ItemStatus.PENDING)
        .values(status=ItemStatus.PROCESSING, started_at=now, updated_at=now)
    )
    return item, batch, bool(getattr(result, "rowcount", 0))


async def finish_item(
    session: AsyncSession, item_id: str, *, parse_job_id: str | None, error: str | None
) -> None:
    """A parse item is completed (with its parse job) or failed (with why)."""
    now = utcnow()
    await session.execute(
        update(BatchItem)
        .where(BatchItem.id == item_id, BatchItem.status.in_(list(_LIVE_ITEM_STATUSES)))
        .values(
            status=ItemStatus.FAILED if error else ItemStatus.COMPLETED,
            job_id=parse_job_id,
            error_message=error,
            completed_at=now,
            updated_at=now,
        )
    )


async def list_items(
    session: AsyncSession, batch_id: str, *, limit: int, offset: int, status: str | None
) -> tuple[list[BatchItem], int]:
    """A slice of a batch's items in dispatch order, and how many match."""
    conditions = [BatchItem.batch_id == batch_id]
    if status is not None:
        conditions.append(BatchItem.status == status)
    total = await session.scalar(select(func.count()).select_from(BatchItem).where(*conditions))
    rows = await session.scalars(
        select(BatchItem)
        .where(*conditions)
        .order_by(BatchItem.position)
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total or 0)


async def items_of(
    session: AsyncSession, item_id: str, project_id: str
) -> list[tuple[BatchItem, Batch]]:
    """Every batch item recorded for a directory file (or file), with its batch."""
    rows = await session.execute(
        select(BatchItem, Batch)
        .join(Batch, Batch.id == BatchItem.batch_id)
        .where(BatchItem.item_id == item_id, Batch.project_id == project_id)
        .order_by(BatchItem.created_at)
    )
    return [(item, batch) for item, batch in rows.all()]


@dataclass(frozen=True)
class _Member:
    item_id: str
    file: StoredFile | None
    name: str
    deleted: bool


async def _directory_members(
    session: AsyncSession, batch: Batch, cursor: str | None, limit: int
) -> tuple[list[_Member], str | None]:
    started = batch.started_at
    statement = (
        select(DirectoryFile, StoredFile)
        .join(StoredFile, StoredFile.id == DirectoryFile.file_id, isouter=True)
        .where(
            DirectoryFile.directory_id == batch.directory_id,
            DirectoryFile.created_at <= started,
            or_(DirectoryFile.deleted_at.is_(None), DirectoryFile.deleted_at > started),
        )
        .order_by(DirectoryFile.created_at, DirectoryFile.id)
        .limit(limit)
    )
    if cursor:
        created_at, last_id = decode_token(cursor, _FILE_KEYS)
        statement = statement.where(
            or_(
                DirectoryFile.created_at > created_at,
                and_(DirectoryFile.created_at == created_at, DirectoryFile.id > last_id),
            )
        )
    rows = list((await session.execute(statement)).all())
    members = [
        _Member(
            item_id=entry.id,
            file=stored,
            name=entry.display_name,
            deleted=entry.deleted_at is not None,
        )
        for entry, stored in rows
    ]
    next_cursor = encode_token([rows[-1][0].created_at, rows[-1][0].id]) if rows else None
    return members, next_cursor


async def _member_by_id(session: AsyncSession, batch: Batch, item_id: str) -> _Member:
    entry = await session.get(DirectoryFile, item_id)
    if entry is not None and entry.project_id == batch.project_id:
        stored = await session.get(StoredFile, entry.file_id)
        deleted = entry.deleted_at is not None and entry.deleted_at <= utcnow()
        return _Member(item_id=item_id, file=stored, name=entry.display_name, deleted=deleted)
    stored = await session.get(StoredFile, item_id)
    if stored is not None and stored.project_id != batch.project_id:
        stored = None
    return _Member(
        item_id=item_id,
        file=stored,
        name=stored.name if stored else item_id,
        deleted=stored is None,
    )


async def _next_position(session: AsyncSession, batch_id: str) -> int:
    highest = await session.scalar(
        select(func.max(BatchItem.position)).where(BatchItem.batch_id == batch_id)
    )
    return 0 if highest is None else int(highest) + 1


async def _record(
    session: AsyncSession, batch: Batch, position: int, member: _Member, max_bytes: int
) -> RecordedItem:
    existing = await session.scalar(
        select(BatchItem).where(BatchItem.batch_id == batch.id, BatchItem.item_id == member.item_id)
    )
    if existing is not None:
        job_id = existing.job_id if existing.status != ItemStatus.SKIPPED else None
        return RecordedItem(existing.id, job_id, member.item_id, existing.position)
    now = utcnow()
    item = BatchItem(
        id=ids.new_id("bit"),
        batch_id=batch.id,
        position=position,
        item_id=member.item_id,
        file_id=member.file.id if member.file else None,
        item_name=member.name,
        status=ItemStatus.PENDING,
        created_at=now,
        updated_at=now,
    )
    skip = _skip_reason(member, max_bytes)
    if skip is not None:
        item.status = ItemStatus.SKIPPED
        item.skip_reason = skip
        item.completed_at = now
    elif batch.job_type == "classify" and member.file is not None:
        job = ClassifyJob(
            id=ids.classify_job_id(),
            project_id=batch.project_id,
            user_id=batch.user_id,
            rule_set_id=batch.rule_set_id,
            configuration_id=batch.configuration_id,
            file_input=member.file.id,
            document_input_type="file_id",
            file_id=member.file.id,
            status=FileJobStatus.PENDING,
            parent_kind=BATCH_PARENT,
            parent_id=batch.id,
            position=position,
            created_at=now,
            updated_at=now,
        )
        session.add(job)
        item.job_id = job.id
    session.add(item)
    await session.flush()
    return RecordedItem(
        item.id, None if skip else (item.job_id or item.id), member.item_id, position
    )


def _skip_reason(member: _Member, max_bytes: int) -> str | None:
    if member.deleted or member.file is None:
        return DELETED
    if member.file.size > max_bytes:
        return SIZE_LIMIT_EXCEEDED
    return None
