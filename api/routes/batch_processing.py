"""`/api/v1/beta/batch-processing`: v1 batch jobs with counters (contract §10.2)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query
from pydantic import ValidationError

from api import batch_service
from api.batch_service import BatchRequest
from api.deps import Caller, ProjectId, State
from api.errors import ApiError, invalid, not_found
from api.presenters import result_of
from api.schemas.batches import (
    BatchCancelIn,
    BatchCancelOut,
    BatchItemOut,
    BatchItemsOut,
    BatchJobOut,
    BatchListOut,
    BatchStatusOut,
    ClassifyJobConfig,
    ParseJobConfig,
    ProcessingResultOut,
    ProcessingResultsOut,
    V1BatchCreate,
    V1BatchStatus,
)
from api.schemas.classifier_jobs import V1ParsingConfiguration
from api.state import AppState
from docsort import snapshots
from docsort.domain import ClassifyConfig, ItemStatus, ParsingOptions
from docsort.languages import is_known_language
from docsort.parsing.pages import parse_page_ranges
from docsort.store import batches
from docsort.store.tables import Batch, ClassifyJob

router = APIRouter(prefix="/api/v1/beta/batch-processing", tags=["batch processing (v1)"])

Namespace = Annotated[str | None, Header(alias="temporal-namespace")]
JobType = Annotated[str | None, Query(pattern="^(parse|extract|classify)$")]


@router.post("")
async def create_batch(
    body: V1BatchCreate,
    state: State,
    caller: Caller,
    project_id: ProjectId,
    temporal_namespace: Namespace = None,
) -> BatchJobOut:
    """A batch over a directory (or item ids): classify, or parse only."""
    _check_namespace(state, temporal_namespace)
    job_type, config, parsing = _job(
        body.job_config, bool(state.settings.classifier_multimodal_provider)
    )
    row = await batch_service.create(
        state,
        BatchRequest(
            project_id=project_id,
            user_id=caller.key_id,
            api="v1",
            job_type=job_type,
            job_config=body.job_config,
            config=config,
            parsing=parsing,
            configuration_id=None,
            directory_id=body.directory_id,
            item_ids=body.item_ids,
            webhook_configurations=body.webhook_configurations,
            webhook_configuration_ids=body.webhook_configuration_ids,
            page_size=body.page_size,
            continue_as_new_threshold=body.continue_as_new_threshold or body.page_size,
        ),
    )
    return await _job_out(state, row)


@router.get("")
async def list_batches(
    state: State,
    project_id: ProjectId,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    directory_id: Annotated[str | None, Query()] = None,
    job_type: JobType = None,
    status: Annotated[V1BatchStatus | None, Query()] = None,
) -> BatchListOut:
    """The project's v1 batch jobs, oldest first, `limit` from `offset`."""
    async with state.db.read() as session:
        rows, total = await batches.list_batches_by_offset(
            session,
            project_id,
            "v1",
            limit=limit,
            offset=offset,
            directory_id=directory_id,
            job_type=job_type,
            status=status,
        )
    return BatchListOut(items=[await _job_out(state, row) for row in rows], total_size=total)


@router.get("/items/{item_id}/processing-results")
async def processing_results(
    item_id: str, state: State, project_id: ProjectId, job_type: JobType = None
) -> ProcessingResultsOut:
    """What every batch did with one directory file (or file)."""
    async with state.db.read() as session:
        found = await batches.items_of(session, item_id, project_id)
        results = []
        for item, batch in found:
            if job_type is not None and batch.job_type != job_type:
                continue
            if item.status not in (ItemStatus.COMPLETED, ItemStatus.FAILED) or not item.job_id:
                continue
            output = None
            if batch.job_type == "classify":
                job = await session.get(ClassifyJob, item.job_id)
                result = result_of(job) if job else None
                output = result.model_dump() if result else {"error_message": item.error_message}
            results.append(
                ProcessingResultOut(
                    item_id=item_id,
                    job_config=batch.job_config,
                    job_type=batch.job_type,
                    parameters_hash=_hash(batch.job_config),
                    processed_at=item.completed_at or item.updated_at,
                    result_id=item.job_id,
                    output_metadata=output,
                )
            )
    if not found:
        raise not_found(f"batch item {item_id}")
    return ProcessingResultsOut(
        item_id=item_id, item_name=found[0][0].item_name, processing_results=results
    )


@router.get("/{job_id}")
async def get_batch(job_id: str, state: State, project_id: ProjectId) -> BatchStatusOut:
    """A batch job with its counters and progress."""
    row = await _load(state, project_id, job_id)
    job = await _job_out(state, row)
    progress = 100.0 if not job.total_items else 100.0 * job.processed_items / job.total_items
    return BatchStatusOut(job=job, progress_percentage=round(progress, 2))


@router.post("/{job_id}/cancel")
async def cancel_batch(
    job_id: str,
    state: State,
    project_id: ProjectId,
    body: Annotated[BatchCancelIn | None, Body()] = None,
    temporal_namespace: Namespace = None,
) -> BatchCancelOut:
    """Stop the batch: no new files, running ones cancelled, finished results kept."""
    _check_namespace(state, temporal_namespace)
    row = await _load(state, project_id, job_id)
    row = await batch_service.cancel(state, row, body.reason if body else None)
    job = await _job_out(state, row)
    return BatchCancelOut(
        job_id=row.id,
        status=job.status,
        message=row.error_message or "cancelled",
        processed_items=job.processed_items,
    )


@router.get("/{job_id}/items")
async def list_items(
    job_id: str,
    state: State,
    project_id: ProjectId,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    status: Annotated[ItemStatus | None, Query()] = None,
) -> BatchItemsOut:
    """The batch's items in dispatch order, with per-item status, job id and error."""
    await _load(state, project_id, job_id)
    async with state.db.read() as session:
        rows, total = await batches.list_items(
            session, job_id, limit=limit, offset=offset, status=status
        )
    return BatchItemsOut(
        items=[
            BatchItemOut(
                item_id=row.item_id,
                item_name=row.item_name,
                status=row.status,
                job_id=row.job_id,
                skip_reason=row.skip_reason,
                error_message=row.error_message,
                started_at=row.started_at,
                completed_at=row.completed_at,
            )
            for row in rows
        ],
        total_size=total,
    )


def _job(
    job_config: dict[str, object], multimodal_configured: bool
) -> tuple[str, ClassifyConfig | None, ParsingOptions | None]:
    """(job type, classify config, parse options) of a v1 `job_config`."""
    try:
        if job_config.get("job_name") is not None or "rules" not in job_config:
            parse = ParseJobConfig.model_validate(job_config)
            return "parse", None, _parse_options(parse)
        classify = ClassifyJobConfig.model_validate(job_config)
    except ValidationError as exc:
        detail = [
            {"loc": ["body", "job_config", *err["loc"]], "msg": err["msg"], "type": err["type"]}
            for err in exc.errors()
        ]
        raise ApiError(422, detail) from exc
    mode = classify.mode or "FAST"
    if mode == "MULTIMODAL" and not multimodal_configured:
        raise invalid(
            ["body", "job_config", "mode"],
            "mode MULTIMODAL needs a multimodal LLM provider, and none is configured; use FAST",
        )
    parsing = (classify.parsing_configuration or V1ParsingConfiguration()).to_options()
    config = ClassifyConfig(
        rules=[r.to_domain() for r in classify.rules], mode=mode, parsing=parsing
    )
    return "classify", config, None


def _parse_options(config: ParseJobConfig) -> ParsingOptions:
    parameters = config.parameters
    if parameters is None:
        return ParsingOptions()
    lang = parameters.lang or (parameters.languages[0] if parameters.languages else "en")
    if not is_known_language(lang):
        raise invalid(
            ["body", "job_config", "parameters", "lang"], f"unknown language code {lang!r}"
        )
    pages = None
    if parameters.target_pages:
        try:
            pages = parse_page_ranges(_one_based(parameters.target_pages))
        except ValueError as exc:
            raise invalid(["body", "job_config", "parameters", "target_pages"], str(exc)) from exc
    return ParsingOptions(lang=lang, max_pages=parameters.max_pages, pages=pages)


def _one_based(zero_based: str) -> str:
    """LlamaParse's 0-based `"0,2-4"` as docsort's 1-based `"1,3-5"`."""
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 1), zero_based)


def _check_namespace(state: AppState, namespace: str | None) -> None:
    if namespace is not None and namespace != state.settings.temporal_namespace:
        raise ApiError(
            400,
            f"temporal-namespace {namespace!r} is not polled by docsort's workers "
            f"(they poll {state.settings.temporal_namespace!r})",
        )


async def _load(state: AppState, project_id: str, job_id: str) -> Batch:
    async with state.db.read() as session:
        row = await batches.get_batch(session, project_id, job_id)
    if row is None or row.api != "v1":
        raise not_found(f"batch job {job_id}")
    return row


async def _job_out(state: AppState, row: Batch) -> BatchJobOut:
    async with state.db.read() as session:
        counts = await batches.counters(session, row)
    return BatchJobOut.model_validate(snapshots.v1_batch_job(row, counts))


def _hash(job_config: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(job_config, sort_keys=True, default=str).encode()).hexdigest()
