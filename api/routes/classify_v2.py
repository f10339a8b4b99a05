"""`/api/v2/classify`: one document against inline rules or a saved configuration (contract §6)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import Caller, ProjectId, State
from api.errors import ApiError, invalid, not_found
from api.launch import cancel_workflow, start_file_job, workflow_id_of
from api.presenters import classify_job_out
from api.schemas.classify import (
    ClassifyConfigurationIn,
    ClassifyCreate,
    ClassifyDeleted,
    ClassifyJobOut,
)
from api.schemas.common import CursorPage, PageSize
from api.state import AppState
from api.webhook_dispatch import dispatch_events
from api.webhook_endpoints import dumped, resolve_endpoints
from docsort.domain import TERMINAL_FILE_STATUSES, ClassifyConfig, FileJobStatus
from docsort.logging import get_logger
from docsort.store import classify_jobs, configurations, files, jobs, parse_jobs
from docsort.store.classify_jobs import ClassifyJobFilters, NewClassifyJob
from docsort.store.tables import ClassifyJob
from docsort.webhooks.events import CLASSIFY_JOB

router = APIRouter(prefix="/api/v2/classify", tags=["classify (v2)"])
log = get_logger(__name__)

CLASSIFY_V2 = "classify_v2"
Status = Literal["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]
Expand = Annotated[list[str] | None, Query()]


@router.post("")
async def create_classify_job(
    body: ClassifyCreate, state: State, caller: Caller, project_id: ProjectId
) -> ClassifyJobOut:
    """Classify one file (or parse job); a repeated `transaction_id` returns the original job."""
    if body.transaction_id is not None:
        async with state.db.read() as session:
            replay = await classify_jobs.find_by_transaction(
                session, project_id, body.transaction_id
            )
            if replay is not None:
                return classify_job_out(
                    replay, await jobs.get_rule_set(session, replay.rule_set_id)
                )
    file_input, input_type = _document_input(body)
    async with state.db.read() as session:
        endpoints = await resolve_endpoints(
            state, session, project_id, body.webhook_configurations, body.webhook_configuration_ids
        )
    async with state.db.write() as session:
        config, configuration_id = await _resolve_configuration(session, project_id, body)
        file_id, parse_job_id = await _resolve_input(session, project_id, file_input, input_type)
        row, created = await classify_jobs.create_or_get(
            session,
            NewClassifyJob(
                project_id=project_id,
                user_id=caller.key_id,
                config=config,
                configuration_id=configuration_id,
                file_input=file_input,
                document_input_type=input_type,
                file_id=file_id,
                parse_job_id=parse_job_id,
                transaction_id=body.transaction_id,
                webhooks=dumped(endpoints),
            ),
        )
        if not created:
            config = await jobs.get_rule_set(session, row.rule_set_id)
    if created:
        await _start(state, row)
        if row.webhooks:
            await dispatch_events(state, CLASSIFY_JOB, row.id)
        log.info("classify job created", classify_job_id=row.id, input_type=input_type)
    return classify_job_out(row, config)


@router.get("")
async def list_classify_jobs(
    state: State,
    project_id: ProjectId,
    page_size: Annotated[PageSize, Query()] = 50,
    page_token: Annotated[str | None, Query()] = None,
    status: Annotated[Status | None, Query()] = None,
    configuration_id: Annotated[str | None, Query()] = None,
    job_ids: Annotated[list[str] | None, Query()] = None,
    created_at_on_or_after: Annotated[datetime | None, Query()] = None,
    created_at_on_or_before: Annotated[datetime | None, Query()] = None,
) -> CursorPage[ClassifyJobOut]:
    """The project's classify jobs, oldest first, filtered."""
    filters = ClassifyJobFilters(
        status=status,
        configuration_id=configuration_id,
        job_ids=job_ids,
        created_on_or_after=created_at_on_or_after,
        created_on_or_before=created_at_on_or_before,
    )
    async with state.db.read() as session:
        page = await classify_jobs.list_jobs(
            session, project_id, filters, page_size=page_size, page_token=page_token
        )
        configs = await jobs.get_rule_sets(session, [row.rule_set_id for row in page.items])
    items = [classify_job_out(row, configs[row.rule_set_id]) for row in page.items]
    return CursorPage[ClassifyJobOut](items=items, next_page_token=page.next_page_token)


@router.get("/{job_id}")
async def get_classify_job(
    job_id: str, state: State, project_id: ProjectId, expand: Expand = None
) -> ClassifyJobOut:
    """One classify job; `result` once COMPLETED, `error_message` once FAILED."""
    row, config = await _load(state, project_id, job_id)
    return classify_job_out(row, config, with_usage="usage" in (expand or []))


@router.post("/{job_id}/cancel")
async def cancel_classify_job(job_id: str, state: State, project_id: ProjectId) -> ClassifyJobOut:
    """Cancel a PENDING or RUNNING job; a finished job is a 400."""
    row, config = await _load(state, project_id, job_id)
    async with state.db.write() as session:
        cancelled = await classify_jobs.cancel_job(session, job_id)
    if not cancelled:
        raise ApiError(
            400, f"job {job_id} is already {row.status}; only running jobs can be cancelled"
        )
    await cancel_workflow(state, workflow_id_of(row))
    if row.webhooks:
        await dispatch_events(state, CLASSIFY_JOB, job_id)
    row, config = await _load(state, project_id, job_id)
    log.info("classify job cancelled", classify_job_id=job_id)
    return classify_job_out(row, config)


@router.delete("/{job_id}")
async def delete_classify_job(job_id: str, state: State, project_id: ProjectId) -> ClassifyDeleted:
    """Delete a finished job."""
    row, _ = await _load(state, project_id, job_id)
    if row.status not in TERMINAL_FILE_STATUSES:
        raise ApiError(400, f"job {job_id} is {row.status}; cancel it or wait until it finishes")
    if row.parent_id is not None:
        raise ApiError(400, f"job {job_id} is a file of job {row.parent_id}; it goes with that job")
    async with state.db.write() as session:
        await classify_jobs.delete_job(session, job_id)
    return ClassifyDeleted(id=job_id, project_id=project_id)


def _document_input(body: ClassifyCreate) -> tuple[str, str]:
    given = [v for v in (body.file_input, body.file_id, body.parse_job_id) if v is not None]
    if not given:
        raise ApiError(400, "file_input is required: a file id (dfl-…) or a parse job id (pjb-…)")
    if len(set(given)) > 1:
        raise ApiError(
            400, "give the document once: file_input (file_id and parse_job_id are its aliases)"
        )
    value = given[0]
    is_parse_job = body.parse_job_id is not None or value.startswith("pjb-")
    return value, "parse_job_id" if is_parse_job else "file_id"


async def _resolve_configuration(
    session: AsyncSession, project_id: str, body: ClassifyCreate
) -> tuple[ClassifyConfig, str | None]:
    if (body.configuration is None) == (body.configuration_id is None):
        raise ApiError(400, "give exactly one of configuration and configuration_id")
    if body.configuration is not None:
        return body.configuration.to_config(), None
    assert body.configuration_id is not None
    saved = await configurations.get_configuration(session, project_id, body.configuration_id)
    if saved is None:
        raise not_found(f"configuration {body.configuration_id}")
    if saved.product_type != CLASSIFY_V2:
        raise invalid(
            ["body", "configuration_id"],
            f"configuration {saved.id} is for {saved.product_type}, not {CLASSIFY_V2}",
        )
    parameters = ClassifyConfigurationIn.model_validate(saved.parameters)
    return parameters.to_config(), saved.id


async def _resolve_input(
    session: AsyncSession, project_id: str, value: str, input_type: str
) -> tuple[str | None, str | None]:
    """(file id, parse job id) of the document input, checked to exist in the project."""
    if input_type == "parse_job_id":
        parse_job = await parse_jobs.get_parse_job(session, value)
        if parse_job is None or parse_job.project_id != project_id:
            raise not_found(f"parse job {value}")
        if parse_job.status != FileJobStatus.COMPLETED:
            raise ApiError(
                400, f"parse job {value} is {parse_job.status}: it has no text to classify"
            )
        return parse_job.file_id, parse_job.id
    if await files.get_file(session, project_id, value) is None:
        raise not_found(f"file {value}")
    return value, None


async def _start(state: AppState, row: ClassifyJob) -> None:
    try:
        await start_file_job(state, row.id)
    except Exception as exc:
        message = "the job could not be started: Temporal is unreachable"
        log.error("could not start workflow", classify_job_id=row.id, error=str(exc))
        async with state.db.write() as session:
            await classify_jobs.fail_job(session, row.id, message)
        raise ApiError(503, message) from exc


async def _load(
    state: AppState, project_id: str, job_id: str
) -> tuple[ClassifyJob, ClassifyConfig]:
    async with state.db.read() as session:
        row = await classify_jobs.get_job(session, project_id, job_id)
        if row is None:
            raise not_found(f"classify job {job_id}")
        return row, await jobs.get_rule_set(session, row.rule_set_id)
