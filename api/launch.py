"""Starting workflows from the API (the API never does the work itself)."""

from __future__ import annotations

from temporalio.client import WorkflowExecutionStatus
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from api.state import AppState
from docsort import metrics
from docsort.logging import get_logger
from docsort.settings import Settings
from docsort.store.batches import BATCH_PARENT
from docsort.store.jobs import V1_PARENT
from docsort.store.tables import Batch, ClassifyJob
from workflows.batch import BatchWorkflow
from workflows.classify_file import ClassifyFileWorkflow
from workflows.models import BatchInput, ClassifyFileInput, WorkOptions

log = get_logger(__name__)


def v1_workflow_id(job_id: str) -> str:
    """Workflow id of a v1 job (DESIGN.md §1)."""
    return f"classify-job-{job_id}"


def batch_workflow_id(batch_id: str) -> str:
    """Workflow id of a batch (DESIGN.md §1)."""
    return f"batch-{batch_id}"


def file_job_workflow_id(job_id: str) -> str:
    """Workflow id of a standalone (v2) classify job."""
    return f"classify-{job_id}"


def workflow_id_of(row: ClassifyJob) -> str:
    """The workflow that runs a per-document job (standalone, or a file of a v1 job)."""
    if row.parent_kind == V1_PARENT and row.parent_id:
        return f"{v1_workflow_id(row.parent_id)}/file-{row.file_id}"
    if row.parent_kind == BATCH_PARENT and row.parent_id:
        return f"{batch_workflow_id(row.parent_id)}/file-{row.file_id}"
    return file_job_workflow_id(row.id)


def work_options(settings: Settings, mode: str = "FAST") -> WorkOptions:
    """Task queues and limits the workflows will use, from this process's settings; the
    classify queue is the embedded engine's or the LLM provider's that serves `mode`."""
    return WorkOptions(
        parse_task_queue=settings.parse_task_queue,
        classify_task_queue=settings.classify_task_queue_for(mode),
        parse_timeout_s=settings.parse_timeout_s,
        max_attempts=settings.activity_max_attempts,
    )


async def start_v1_job(state: AppState, job_id: str, mode: str = "FAST") -> str:
    """Start (or find, if already started) the batch workflow of a v1 job."""
    settings = state.settings
    workflow_id = v1_workflow_id(job_id)
    client = await state.temporal_client()
    await client.start_workflow(
        BatchWorkflow.run,
        BatchInput(
            parent_kind="v1_job",
            parent_id=job_id,
            options=work_options(settings, mode),
            page_size=settings.batch_page_size,
            continue_as_new_threshold=settings.batch_page_size,
            max_in_flight=settings.batch_max_in_flight,
        ),
        id=workflow_id,
        task_queue=settings.workflow_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    metrics.JOBS_STARTED.labels(kind="v1_job").inc()
    return workflow_id


async def start_file_job(state: AppState, job_id: str) -> str:
    """Start (or find) the workflow of a standalone classify job."""
    settings = state.settings
    workflow_id = file_job_workflow_id(job_id)
    client = await state.temporal_client()
    await client.start_workflow(
        ClassifyFileWorkflow.run,
        ClassifyFileInput(classify_job_id=job_id, options=work_options(settings)),
        id=workflow_id,
        task_queue=settings.workflow_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    metrics.JOBS_STARTED.labels(kind="classify").inc()
    return workflow_id


async def cancel_workflow(state: AppState, workflow_id: str) -> None:
    """Ask a workflow to cancel; one that is not running (yet or any more) needs nothing."""
    client = await state.temporal_client()
    handle = client.get_workflow_handle(workflow_id)
    try:
        description = await handle.describe()
        if description.status == WorkflowExecutionStatus.RUNNING:
            await handle.cancel()
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise
        log.info("no workflow to cancel", workflow_id=workflow_id)


async def start_batch(state: AppState, batch: Batch, mode: str = "FAST") -> str:
    """Start (or find) the workflow of a batch."""
    settings = state.settings
    workflow_id = batch_workflow_id(batch.id)
    client = await state.temporal_client()
    await client.start_workflow(
        BatchWorkflow.run,
        BatchInput(
            parent_kind="batch",
            parent_id=batch.id,
            job_type="parse" if batch.job_type == "parse" else "classify",
            options=work_options(settings, mode),
            page_size=batch.page_size,
            continue_as_new_threshold=batch.continue_as_new_threshold,
            max_in_flight=settings.batch_max_in_flight,
        ),
        id=workflow_id,
        task_queue=settings.workflow_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    metrics.JOBS_STARTED.labels(kind="batch").inc()
    return workflow_id
