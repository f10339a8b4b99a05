"""Creating and cancelling batches, shared by the v1 and v2 batch surfaces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import ApiError, invalid, not_found
from api.launch import batch_workflow_id, cancel_workflow, start_batch
from api.state import AppState
from api.webhook_dispatch import dispatch_events
from api.webhook_endpoints import dumped, resolve_endpoints
from docsort import ids
from docsort.domain import BatchStatus, ClassifyConfig, ParsingOptions
from docsort.logging import get_logger
from docsort.store import batches, directories, files, jobs
from docsort.store.tables import Batch
from docsort.webhooks.events import BATCH

log = get_logger(__name__)


@dataclass(frozen=True)
class BatchRequest:
    """A validated request for a batch."""

    project_id: str
    user_id: str
    api: str
    job_type: str
    job_config: dict[str, Any]
    config: ClassifyConfig | None
    parsing: ParsingOptions | None
    configuration_id: str | None
    directory_id: str | None
    item_ids: list[str] | None
    page_size: int
    continue_as_new_threshold: int
    webhook_configurations: list[dict[str, Any]] | None = None
    webhook_configuration_ids: list[str] | None = None


async def create(state: AppState, request: BatchRequest) -> Batch:
    """Fix the batch's membership (counted now), store it and start its workflow."""
    async with state.db.read() as session:
        endpoints = await resolve_endpoints(
            state,
            session,
            request.project_id,
            request.webhook_configurations,
            request.webhook_configuration_ids,
        )
    async with state.db.write() as session:
        total = await _count_members(session, request)
        rule_set_id = None
        if request.config is not None:
            rule_set_id = (
                await jobs.create_rule_set(session, request.project_id, request.config)
            ).id
        row = await batches.create_batch(
            session,
            id=ids.new_id("bjb" if request.api == "v1" else "bat"),
            project_id=request.project_id,
            user_id=request.user_id,
            api=request.api,
            job_type=request.job_type,
            job_config=request.job_config,
            rule_set_id=rule_set_id,
            parsing=request.parsing.model_dump(mode="json") if request.parsing else None,
            configuration_id=request.configuration_id,
            directory_id=request.directory_id,
            item_ids=request.item_ids,
            page_size=request.page_size,
            continue_as_new_threshold=request.continue_as_new_threshold,
            total_items=total,
            webhooks=dumped(endpoints),
        )
    try:
        await start_batch(state, row, request.config.mode if request.config else "FAST")
    except Exception as exc:
        message = "the batch could not be started: Temporal is unreachable"
        log.error("could not start batch workflow", batch_id=row.id, error=str(exc))
        async with state.db.write() as session:
            await batches.set_status(session, row.id, BatchStatus.FAILED, error_message=message)
        raise ApiError(503, message) from exc
    if row.webhooks:
        await dispatch_events(state, BATCH, row.id)
    log.info("batch created", batch_id=row.id, job_type=row.job_type, total_items=total)
    return row


async def cancel(state: AppState, row: Batch, reason: str | None) -> Batch:
    """Stop a running batch: open items end cancelled, finished results stay; 400 when done."""
    message = f"cancelled: {reason}" if reason else "cancelled by request"
    async with state.db.write() as session:
        cancelled = await batches.set_status(
            session, row.id, BatchStatus.CANCELLED, error_message=message
        )
        if cancelled:
            await batches.cancel_open_items(session, row.id)
    if not cancelled:
        raise ApiError(
            400, f"batch {row.id} is already {row.status}; only running batches can be cancelled"
        )
    await cancel_workflow(state, batch_workflow_id(row.id))
    if row.webhooks:
        await dispatch_events(state, BATCH, row.id)
    async with state.db.read() as session:
        refreshed = await session.get(Batch, row.id)
    assert refreshed is not None
    log.info("batch cancelled", batch_id=row.id)
    return refreshed


async def _count_members(session: AsyncSession, request: BatchRequest) -> int:
    if (request.directory_id is None) == (request.item_ids is None):
        raise invalid(["body", "directory_id"], "give exactly one of directory_id and item_ids")
    if request.directory_id is not None:
        if (
            await directories.get_directory(session, request.project_id, request.directory_id)
            is None
        ):
            raise not_found(f"directory {request.directory_id}")
        return await batches.count_live_directory_files(session, request.directory_id)
    item_ids = request.item_ids or []
    if not item_ids:
        raise invalid(["body", "item_ids"], "item_ids must not be empty")
    seen: set[str] = set()
    for index, item_id in enumerate(item_ids):
        if item_id in seen:
            raise invalid(["body", "item_ids", index], f"item {item_id!r} is listed twice")
        seen.add(item_id)
        directory_file = await directories.get_any_file(session, request.project_id, item_id)
        if (
            directory_file is None
            and await files.get_file(session, request.project_id, item_id) is None
        ):
            raise not_found(f"item_ids[{index}] {item_id!r} (neither a directory file nor a file)")
    return len(item_ids)
