"""Starting workflows from the API (the API never does the work itself)."""

from __future__ import annotations

from temporalio.common import WorkflowIDConflictPolicy

from api.state import AppState
from docsort.settings import Settings
from workflows.batch import BatchWorkflow
from workflows.models import BatchInput, WorkOptions


def v1_workflow_id(job_id: str) -> str:
    """Workflow id of a v1 job (DESIGN.md §1)."""
    return f"classify-job-{job_id}"


def work_options(settings: Settings) -> WorkOptions:
    """Task queues and limits the workflows will use, from this process's settings."""
    return WorkOptions(
        parse_task_queue=settings.parse_task_queue,
        classify_task_queue=settings.classify_task_queue,
        parse_timeout_s=settings.parse_timeout_s,
        max_attempts=settings.activity_max_attempts,
    )


async def start_v1_job(state: AppState, job_id: str) -> str:
    """Start (or find, if already started) the batch workflow of a v1 job."""
    settings = state.settings
    workflow_id = v1_workflow_id(job_id)
    client = await state.temporal_client()
    await client.start_workflow(
        BatchWorkflow.run,
        BatchInput(
            parent_kind="v1_job",
            parent_id=job_id,
            options=work_options(settings),
            page_size=settings.batch_page_size,
            continue_as_new_threshold=settings.batch_page_size,
            max_in_flight=settings.batch_max_in_flight,
        ),
        id=workflow_id,
        task_queue=settings.workflow_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return workflow_id
