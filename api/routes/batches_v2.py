"""`/api/v2/batches`: batches over a directory with a saved `classify_v2` configuration."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api import batch_service
from api.batch_service import BatchRequest
from api.deps import Caller, ProjectId, State
from api.errors import invalid, not_found
from api.schemas.batches import (
    JobReference,
    V2BatchCreate,
    V2BatchOut,
    V2BatchResult,
    V2BatchStatus,
)
from api.schemas.classify import ClassifyConfigurationIn
from api.schemas.common import CursorPage, PageSize
from api.state import AppState
from docsort import snapshots
from docsort.domain import BatchStatus, ItemStatus, v2_batch_status
from docsort.store import batches, configurations
from docsort.store.tables import Batch

router = APIRouter(prefix="/api/v2/batches", tags=["batches (v2)"])

SUPPORTED_JOB_TYPES = ("classify_v2",)
Expand = Annotated[list[str] | None, Query()]
RESULTS_LIMIT = 10_000


@router.post("")
async def create_batch(
    body: V2BatchCreate, state: State, caller: Caller, project_id: ProjectId
) -> V2BatchOut:
    """Classify every file of a directory with a saved configuration."""
    job = body.config.job
    if job.type not in SUPPORTED_JOB_TYPES:
        raise invalid(
            ["body", "config", "job", "type"],
            f"job type {job.type!r} is not supported; docsort runs "
            + ", ".join(SUPPORTED_JOB_TYPES),
        )
    async with state.db.read() as session:
        saved = await configurations.get_configuration(session, project_id, job.configuration_id)
    if saved is None:
        raise not_found(f"configuration {job.configuration_id}")
    if saved.product_type != job.type:
        raise invalid(
            ["body", "config", "job", "configuration_id"],
            f"configuration {saved.id} is for {saved.product_type}, not {job.type}",
        )
    config = ClassifyConfigurationIn.model_validate(saved.parameters).to_config()
    page_size = state.settings.batch_page_size
    row = await batch_service.create(
        state,
        BatchRequest(
            project_id=project_id,
            user_id=caller.key_id,
            api="v2",
            job_type="classify",
            job_config=body.config.model_dump(),
            config=config,
            parsing=None,
            configuration_id=saved.id,
            directory_id=body.source_directory_id,
            item_ids=None,
            webhook_configurations=body.webhook_configurations,
            webhook_configuration_ids=body.webhook_configuration_ids,
            page_size=page_size,
            continue_as_new_threshold=page_size,
        ),
    )
    return await _out(state, row, with_results=False)


@router.get("")
async def list_batches(
    state: State,
    project_id: ProjectId,
    page_size: Annotated[PageSize, Query()] = 50,
    page_token: Annotated[str | None, Query()] = None,
    status: Annotated[V2BatchStatus | None, Query()] = None,
    source_directory_id: Annotated[str | None, Query()] = None,
    created_at_on_or_after: Annotated[datetime | None, Query()] = None,
    created_at_on_or_before: Annotated[datetime | None, Query()] = None,
) -> CursorPage[V2BatchOut]:
    """The project's v2 batches, oldest first."""
    statuses = None
    if status is not None:
        statuses = [s.value for s in BatchStatus if v2_batch_status(s.value) == status]
        if not statuses:  # THROTTLED: docsort never pauses a batch
            return CursorPage[V2BatchOut](items=[], next_page_token=None)
    async with state.db.read() as session:
        page = await batches.list_batches_by_cursor(
            session,
            project_id,
            "v2",
            page_size=page_size,
            page_token=page_token,
            directory_id=source_directory_id,
            statuses=statuses,
            created_on_or_after=created_at_on_or_after,
            created_on_or_before=created_at_on_or_before,
        )
    items = [await _out(state, row, with_results=False) for row in page.items]
    return CursorPage[V2BatchOut](items=items, next_page_token=page.next_page_token)


@router.get("/{batch_id}")
async def get_batch(
    batch_id: str, state: State, project_id: ProjectId, expand: Expand = None
) -> V2BatchOut:
    """A batch; `expand=results` lists each file's job."""
    row = await _load(state, project_id, batch_id)
    return await _out(state, row, with_results="results" in (expand or []))


@router.post("/{batch_id}/cancel")
async def cancel_batch(batch_id: str, state: State, project_id: ProjectId) -> V2BatchOut:
    """Cancel a running batch; a finished one is a 400."""
    row = await _load(state, project_id, batch_id)
    row = await batch_service.cancel(state, row, None)
    return await _out(state, row, with_results=False)


async def _load(state: AppState, project_id: str, batch_id: str) -> Batch:
    async with state.db.read() as session:
        row = await batches.get_batch(session, project_id, batch_id)
    if row is None or row.api != "v2":
        raise not_found(f"batch {batch_id}")
    return row


async def _out(state: AppState, row: Batch, *, with_results: bool) -> V2BatchOut:
    async with state.db.read() as session:
        counts = await batches.counters(session, row)
        results = None
        if with_results:
            items, _ = await batches.list_items(
                session, row.id, limit=RESULTS_LIMIT, offset=0, status=None
            )
            results = [
                V2BatchResult(
                    source_directory_file_id=item.item_id,
                    job_reference=JobReference(type="classify_v2", id=item.job_id)
                    if item.job_id
                    else None,
                    error_message=item.error_message
                    or (
                        f"skipped: {item.skip_reason}"
                        if item.status == ItemStatus.SKIPPED
                        else None
                    ),
                )
                for item in items
            ]
    return V2BatchOut.model_validate({**snapshots.v2_batch(row, counts), "results": results})
