"""Activities that write statuses and results: idempotent, conditional updates."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.webhooks import undispatched
from docsort import metrics
from docsort.domain import BatchStatus, ParsingOptions, V1JobStatus
from docsort.logging import get_logger
from docsort.store import batches, jobs
from docsort.store.database import Database
from docsort.store.tables import ClassifyJob, V1Job
from docsort.webhooks.events import BATCH, CLASSIFY_JOB, V1_JOB
from docsort.webhooks.models import DeliveryOptions, WebhookDispatch
from workflows.models import (
    BATCH_NOT_FINISHED,
    CANCEL_BATCH_ITEMS,
    FINISH_BATCH,
    FINISH_PARSE_ITEM,
    MARK_BATCH,
    SAVE_FAILURE,
    SAVE_RESULT,
    START_FILE_JOB,
    START_PARSE_ITEM,
    FileJobContext,
    FinishBatchInput,
    FinishBatchOutput,
    FinishParseItemInput,
    MarkBatchInput,
    ParseItemContext,
    SaveFailureInput,
    SaveResultInput,
)

log = get_logger(__name__)


class PersistActivities:
    """Status transitions of per-file jobs and their parents."""

    def __init__(self, db: Database, webhook_options: DeliveryOptions) -> None:
        self.db = db
        self.webhook_options = webhook_options

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
            webhooks = await self._file_job_events(session, row, parent_too=moved)
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
            webhooks=webhooks,
        )

    @activity.defn(name=SAVE_RESULT)
    async def save_result(self, input: SaveResultInput) -> WebhookDispatch:
        """Record the classification (first terminal status wins); the job's events to send."""
        async with self.db.write() as session:
            written = await jobs.complete_file_job(
                session, input.classify_job_id, input.result, input.parse_job_id
            )
            webhooks = await self._file_job_events(session, input.classify_job_id)
        if written:
            metrics.FILES_PROCESSED.labels(outcome="completed").inc()
        log.info(
            "file job completed",
            workflow_id=activity.info().workflow_id,
            classify_job_id=input.classify_job_id,
            type=input.result.type,
            confidence=round(input.result.confidence, 4),
            written=written,
        )
        return webhooks

    @activity.defn(name=SAVE_FAILURE)
    async def save_failure(self, input: SaveFailureInput) -> WebhookDispatch:
        """Record why the document could not be classified (first terminal status wins); the
        job's events to send."""
        async with self.db.write() as session:
            written = await jobs.fail_file_job(
                session, input.classify_job_id, input.kind, input.message, input.parse_job_id
            )
            webhooks = await self._file_job_events(session, input.classify_job_id)
        if written:
            metrics.FILES_PROCESSED.labels(outcome="failed").inc()
        log.info(
            "file job failed",
            workflow_id=activity.info().workflow_id,
            classify_job_id=input.classify_job_id,
            kind=input.kind,
            error=input.message,
            written=written,
        )
        return webhooks

    @activity.defn(name=FINISH_BATCH)
    async def finish_batch(self, input: FinishBatchInput) -> FinishBatchOutput:
        """Write the parent's final status; retried (polling) while a file is still running."""
        async with self.db.write() as session:
            if input.parent_kind == "v1_job":
                status: str = await jobs.finish_v1_job(session, input.parent_id)
                unfinished = status == V1JobStatus.PENDING
            else:
                unfinished = await batches.has_open_items(session, input.parent_id)
                if not unfinished:
                    await batches.set_status(session, input.parent_id, BatchStatus.COMPLETED)
                status = await batches.status_of(session, input.parent_id)
            kind = V1_JOB if input.parent_kind == "v1_job" else BATCH
            webhooks = await undispatched(session, kind, input.parent_id, self.webhook_options)
        if unfinished:
            raise ApplicationError("some files are still being processed", type=BATCH_NOT_FINISHED)
        log.info("parent finished", parent_id=input.parent_id, status=status)
        return FinishBatchOutput(status=status, webhooks=webhooks)

    @activity.defn(name=MARK_BATCH)
    async def mark_batch(self, input: MarkBatchInput) -> WebhookDispatch:
        """A batch is running (first page) or dispatched (every item handed to a child); its
        events to send."""
        async with self.db.write() as session:
            await batches.set_status(session, input.parent_id, BatchStatus(input.status))
            return await undispatched(session, BATCH, input.parent_id, self.webhook_options)

    @activity.defn(name=CANCEL_BATCH_ITEMS)
    async def cancel_batch_items(self, input: FinishBatchInput) -> None:
        """End the open items (and their jobs) of a cancelled batch cancelled."""
        async with self.db.write() as session:
            await batches.cancel_open_items(session, input.parent_id)
        log.info("batch items cancelled", batch_id=input.parent_id)

    async def _file_job_events(
        self, session: AsyncSession, job: ClassifyJob | str, *, parent_too: bool = False
    ) -> WebhookDispatch:
        """Events to send after a per-file job's transition: a standalone job's own, or (when
        `parent_too`, i.e. the file just started) its v1 job's `classify.running`."""
        row = job if isinstance(job, ClassifyJob) else await jobs.get_classify_job(session, job)
        if row is None:
            return WebhookDispatch()
        if row.parent_id is None:
            if not row.webhooks:
                return WebhookDispatch()
            return await undispatched(session, CLASSIFY_JOB, row.id, self.webhook_options)
        if parent_too and row.parent_kind == jobs.V1_PARENT:
            parent = await session.get(V1Job, row.parent_id)  # loaded by the transition
            if parent is not None and parent.webhooks:
                return await undispatched(session, V1_JOB, row.parent_id, self.webhook_options)
        return WebhookDispatch()

    @activity.defn(name=START_PARSE_ITEM)
    async def start_parse_item(self, batch_item_id: str) -> ParseItemContext:
        """Mark a parse item processing and load its file and parse options."""
        async with self.db.write() as session:
            item, batch, started = await batches.start_item(session, batch_item_id)
        return ParseItemContext(
            batch_item_id=batch_item_id,
            project_id=batch.project_id,
            file_id=item.file_id or "",
            parsing=ParsingOptions.model_validate(batch.parsing or {}),
            already_finished=not started,
        )

    @activity.defn(name=FINISH_PARSE_ITEM)
    async def finish_parse_item(self, input: FinishParseItemInput) -> None:
        """Record a parse item's parse job, or why it failed (first terminal status wins)."""
        async with self.db.write() as session:
            await batches.finish_item(
                session, input.batch_item_id, parse_job_id=input.parse_job_id, error=input.error
            )
