"""`/api/v1/classifier/jobs`: v1 jobs, a thin layer over per-file classify jobs (contract §7)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from api.deps import Caller, ProjectId, State
from api.errors import ApiError, invalid, not_found
from api.launch import start_v1_job
from api.presenters import result_of
from api.schemas.classifier_jobs import (
    ResultItemOut,
    ResultsPage,
    V1JobCreate,
    V1JobOut,
    V1ParsingConfiguration,
)
from api.schemas.common import CursorPage, PageSize
from api.webhook_dispatch import dispatch_events
from api.webhook_endpoints import dumped, resolve_endpoints
from docsort import snapshots
from docsort.domain import ClassifyConfig, V1JobStatus
from docsort.logging import get_logger
from docsort.store import files, jobs
from docsort.store.tables import ClassifyJob, V1Job
from docsort.webhooks.events import V1_JOB

router = APIRouter(prefix="/api/v1/classifier/jobs", tags=["classifier jobs (v1)"])
log = get_logger(__name__)


@router.post("")
async def create_job(
    body: V1JobCreate, state: State, caller: Caller, project_id: ProjectId
) -> V1JobOut:
    """Classify up to `v1_max_files` files against the rules."""
    mode = body.mode or "FAST"
    if mode == "MULTIMODAL" and not state.settings.classifier_multimodal_provider:
        raise invalid(
            ["body", "mode"],
            "mode MULTIMODAL needs a multimodal LLM provider, and none is configured; use FAST",
        )
    _check_file_ids(body.file_ids, state.settings.v1_max_files)
    parsing = (body.parsing_configuration or V1ParsingConfiguration()).to_options()
    config = ClassifyConfig(rules=[r.to_domain() for r in body.rules], mode=mode, parsing=parsing)
    async with state.db.read() as session:
        endpoints = await resolve_endpoints(
            state, session, project_id, body.webhook_configurations, None
        )
    async with state.db.write() as session:
        found = await files.existing_file_ids(session, project_id, body.file_ids)
        missing = [(i, f) for i, f in enumerate(body.file_ids) if f not in found]
        if missing:
            shown = ", ".join(f"file_ids[{i}] {f!r}" for i, f in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise ApiError(404, f"file not found in this project: {shown}{more}")
        job = await jobs.create_v1_job(
            session,
            project_id=project_id,
            user_id=caller.key_id,
            config=config,
            file_ids=body.file_ids,
            webhooks=dumped(endpoints),
        )
    try:
        await start_v1_job(state, job.id, mode)
    except Exception as exc:
        message = "the job could not be started: Temporal is unreachable"
        log.error("could not start workflow", job_id=job.id, error=str(exc))
        async with state.db.write() as session:
            row = await session.get(V1Job, job.id)
            if row is not None:
                row.status = V1JobStatus.ERROR
                row.error_message = message
            await jobs.fail_pending_children(session, job.id, message)
        raise ApiError(503, message) from exc
    if endpoints:
        await dispatch_events(state, V1_JOB, job.id)
    log.info("v1 job created", job_id=job.id, files=len(body.file_ids), rules=len(body.rules))
    return _job_out(job, config)


@router.get("")
async def list_jobs(
    state: State,
    project_id: ProjectId,
    page_size: Annotated[PageSize, Query()] = 50,
    page_token: Annotated[str | None, Query()] = None,
) -> CursorPage[V1JobOut]:
    """The project's v1 jobs, oldest first."""
    async with state.db.read() as session:
        page = await jobs.list_v1_jobs(
            session, project_id, page_size=page_size, page_token=page_token
        )
        configs = await jobs.get_rule_sets(session, [job.rule_set_id for job in page.items])
        items = [_job_out(job, configs[job.rule_set_id]) for job in page.items]
    return CursorPage[V1JobOut](items=items, next_page_token=page.next_page_token)


@router.get("/{classify_job_id}")
async def get_job(classify_job_id: str, state: State, project_id: ProjectId) -> V1JobOut:
    """One v1 job; its status stays PENDING until every file is done."""
    async with state.db.read() as session:
        job = await jobs.get_v1_job(session, project_id, classify_job_id)
        if job is None:
            raise not_found(f"classifier job {classify_job_id}")
        config = await jobs.get_rule_set(session, job.rule_set_id)
    return _job_out(job, config)


@router.get("/{classify_job_id}/results")
async def get_results(
    classify_job_id: str,
    state: State,
    project_id: ProjectId,
    page_size: Annotated[PageSize | None, Query()] = None,
    page_token: Annotated[str | None, Query()] = None,
) -> ResultsPage:
    """One item per file (failed files with `result: null`); all of them without `page_size`."""
    async with state.db.read() as session:
        job = await jobs.get_v1_job(session, project_id, classify_job_id)
        if job is None:
            raise not_found(f"classifier job {classify_job_id}")
        size = page_size or job.file_count or 1
        page = await jobs.list_children(session, job.id, page_size=size, page_token=page_token)
        total = await session.scalar(
            select(func.count()).select_from(ClassifyJob).where(ClassifyJob.parent_id == job.id)
        )
    return ResultsPage(
        items=[_item_out(row, job.id) for row in page.items],
        next_page_token=page.next_page_token,
        total_size=int(total or 0),
    )


def _check_file_ids(file_ids: list[str], limit: int) -> None:
    if len(file_ids) > limit:
        raise invalid(
            ["body", "file_ids"],
            f"a v1 job takes at most {limit} files (got {len(file_ids)}); use a batch for more",
        )
    seen: dict[str, int] = {}
    for index, file_id in enumerate(file_ids):
        if file_id in seen:
            raise invalid(
                ["body", "file_ids", index],
                f"file id {file_id!r} is listed twice (file_ids[{seen[file_id]}] and [{index}])",
            )
        seen[file_id] = index


def _job_out(job: V1Job, config: ClassifyConfig) -> V1JobOut:
    return V1JobOut.model_validate(snapshots.v1_job(job, config))


def _item_out(row: ClassifyJob, job_id: str) -> ResultItemOut:
    return ResultItemOut(
        id=row.id,
        classify_job_id=job_id,
        file_id=row.file_id,
        status=row.status,
        result=result_of(row),
        error_message=row.error_message,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
