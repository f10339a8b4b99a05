"""The objects GET returns for jobs and batches, rendered from their rows.

The API validates these into its wire models; webhooks send them as the event's `data`, as the
object was at the transition. One rendering, so the two always agree.
"""

from __future__ import annotations

from typing import Any, Protocol

from docsort.domain import ClassifyConfig, FileJobStatus, ParsingOptions, v2_batch_status
from docsort.parsing.pages import format_page_ranges
from docsort.store.tables import Batch, ClassifyJob, V1Job


class BatchCounts(Protocol):
    """A batch's derived counters."""

    @property
    def total_items(self) -> int: ...

    @property
    def processed_items(self) -> int: ...

    @property
    def failed_items(self) -> int: ...

    @property
    def skipped_items(self) -> int: ...


def classify_job(row: ClassifyJob, config: ClassifyConfig) -> dict[str, Any]:
    """The v2 ClassifyJob object (contract §6.2), without `usage`."""
    return {
        "id": row.id,
        "configuration": classify_configuration(config),
        "configuration_id": row.configuration_id,
        "document_input_type": row.document_input_type,
        "file_input": row.file_input,
        "project_id": row.project_id,
        "status": row.status,
        "user_id": row.user_id,
        "parse_job_id": row.parse_job_id,
        "result": result(row),
        "error_message": row.error_message,
        "transaction_id": row.transaction_id,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "usage": None,
    }


def result(row: ClassifyJob) -> dict[str, Any] | None:
    """The classification of a completed job, else None."""
    if row.status != FileJobStatus.COMPLETED or row.result_confidence is None:
        return None
    return {
        "type": row.result_type,
        "confidence": row.result_confidence,
        "reasoning": row.result_reasoning or "",
    }


def classify_configuration(config: ClassifyConfig) -> dict[str, Any]:
    """The resolved configuration shown on every v2 job."""
    return {
        "rules": _rules(config),
        "mode": "FAST",
        "parsing_configuration": v2_parsing(config.parsing),
    }


def v2_parsing(options: ParsingOptions) -> dict[str, Any]:
    """v2 parsing options: 1-based `target_pages` string."""
    return {
        "lang": options.lang,
        "max_pages": options.max_pages,
        "target_pages": format_page_ranges(options.pages) if options.pages else None,
    }


def v1_parsing(options: ParsingOptions) -> dict[str, Any]:
    """v1 parsing options: 0-based `target_pages` list."""
    return {
        "lang": options.lang,
        "max_pages": options.max_pages,
        "target_pages": [p - 1 for p in options.pages] if options.pages else None,
    }


def v1_job(job: V1Job, config: ClassifyConfig) -> dict[str, Any]:
    """The v1 ClassifyJob object (contract §7)."""
    return {
        "id": job.id,
        "project_id": job.project_id,
        "rules": _rules(config),
        "status": job.status,
        "user_id": job.user_id,
        "mode": config.mode,
        "parsing_configuration": v1_parsing(config.parsing),
        "error_message": job.error_message,
        "job_record_id": f"classify-job-{job.id}",
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "effective_at": job.effective_at,
    }


def v1_batch_job(row: Batch, counts: BatchCounts) -> dict[str, Any]:
    """The v1 BatchJob object (contract §10.2)."""
    return {
        "id": row.id,
        "job_type": row.job_type,
        "project_id": row.project_id,
        "status": row.status,
        "total_items": counts.total_items,
        "processed_items": counts.processed_items,
        "failed_items": counts.failed_items,
        "skipped_items": counts.skipped_items,
        "directory_id": row.directory_id,
        "workflow_id": f"batch-{row.id}",
        "job_record_id": f"batch-{row.id}",
        "error_message": row.error_message,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "completed_at": row.completed_at,
        "updated_at": row.updated_at,
        "effective_at": row.completed_at,
    }


def v1_batch_status(row: Batch, counts: BatchCounts) -> dict[str, Any]:
    """`GET /api/v1/beta/batch-processing/{id}`: the job and its progress."""
    total, processed = counts.total_items, counts.processed_items
    progress = 100.0 if not total else 100.0 * processed / total
    return {"job": v1_batch_job(row, counts), "progress_percentage": round(progress, 2)}


def v2_batch(row: Batch, counts: BatchCounts) -> dict[str, Any]:
    """The v2 Batch object (contract §10.1) without `results`."""
    return {
        "id": row.id,
        "project_id": row.project_id,
        "source_directory_id": row.directory_id or "",
        "config": row.job_config,
        "status": v2_batch_status(row.status),
        "total_items": counts.total_items,
        "processed_items": counts.processed_items,
        "failed_items": counts.failed_items,
        "skipped_items": counts.skipped_items,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "results": None,
    }


def batch(row: Batch, counts: BatchCounts) -> dict[str, Any]:
    """What GET returns for a batch of either API."""
    return v1_batch_status(row, counts) if row.api == "v1" else v2_batch(row, counts)


def _rules(config: ClassifyConfig) -> list[dict[str, str]]:
    return [{"type": r.type, "description": r.description} for r in config.rules]
