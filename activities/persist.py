"""Activities that write statuses and results: idempotent, conditional updates."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from docsort.domain import V1JobStatus
from docsort.logging import get_logger
from docsort.store import jobs
from docsort.store.database import Database
from workflows.models import (
    BATCH_NOT_FINISHED,
    FINISH_BATCH,
    SAVE_FAILURE,
    SAVE_RESULT,
    START_FILE_JOB,
    FileJobContext,
    FinishBatchInput,
    SaveFailureInput,
    SaveResultInput,
)

log = get_logger(__name__)


class PersistActivities:
    """Status transitions of per-file jobs and their parents."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name=START_FILE_JOB)
    async def start_file_job(self, classify_job_id: str) -> FileJobContext:
        """Mark the per-file job RUNNING and load what it needs."""
        async with self.db.write() as session:
            row = await jobs.get_classify_job(session, classify_job_id)
            if row is None:
                raise ApplicationError(
                    f"classify job {classify_job_id} not found", non_retryable=True
                )
            moved = await jobs.mark_file_job_running(session, classify_job_id)
            config = await jobs.get_rule_set(session, row.rule_set_id)
            finished = not moved and jobs.is_terminal(row.status)
        log.info(
            "file job started",
            workflow_id=activity.info().workflow_id,
            classify_job_id=classify_job_id,
            already_finished=finished,
        )
        return FileJobContext(
            classify_job_id=classify_job_id,
            project_id=row.project_id,
            file_id=row.file_id,
            rule_set_id=row.rule_set_id,
            parsing=config.parsing,
            input_parse_job_id=row.parse_job_id
            if row.document_input_type == "parse_job_id"
            else None,
            already_finished=finished,
        )

    @activity.defn(name=SAVE_RESULT)
    async def save_result(self, input: SaveResultInput) -> None:
        """Record the classification (first terminal status wins)."""
        async with self.db.write() as session:
            written = await jobs.complete_file_job(
                session, input.classify_job_id, input.result, input.parse_job_id
            )
        log.info(
            "file job completed",
            workflow_id=activity.info().workflow_id,
            classify_job_id=input.classify_job_id,
            type=input.result.type,
            confidence=round(input.result.confidence, 4),
            written=written,
        )

    @activity.defn(name=SAVE_FAILURE)
    async def save_failure(self, input: SaveFailureInput) -> None:
        """Record why the document could not be classified (first terminal status wins)."""
        async with self.db.write() as session:
            written = await jobs.fail_file_job(
                session, input.classify_job_id, input.kind, input.message, input.parse_job_id
            )
        log.info(
            "file job failed",
            workflow_id=activity.info().workflow_id,
            classify_job_id=input.classify_job_id,
            kind=input.kind,
            error=input.message,
            written=written,
        )

    @activity.defn(name=FINISH_BATCH)
    async def finish_batch(self, input: FinishBatchInput) -> str:
        """Write the parent's final status; retried (polling) while a file is still running."""
        async with self.db.write() as session:
            status = await jobs.finish_v1_job(session, input.parent_id)
        if status is V1JobStatus.PENDING:
            raise ApplicationError("some files are still being processed", type=BATCH_NOT_FINISHED)
        log.info("v1 job finished", job_id=input.parent_id, status=status.value)
        return status.value
