"""What the workflows share: timeouts and retries, the parse step, and telling the parent."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from docsort.domain import ParsingOptions
    from workflows.models import (
        DOCUMENT_ERROR,
        FILE_DONE_SIGNAL,
        PARSE_DOCUMENT,
        ParseInput,
        ParseOutput,
        WorkOptions,
    )

# Status writes: short, idempotent, retried for up to a day (a database outage must not lose them).
PERSIST_TIMEOUT = timedelta(seconds=20)
PERSIST_DEADLINE = timedelta(hours=24)
PERSIST_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
# Long activities heartbeat every few seconds, so a lost worker is noticed within this.
HEARTBEAT_TIMEOUT = timedelta(seconds=10)


def work_retry(options: WorkOptions) -> RetryPolicy:
    """Bounded retries for parse and classify; a document error is never retried."""
    return RetryPolicy(
        maximum_attempts=options.max_attempts, non_retryable_error_types=[DOCUMENT_ERROR]
    )


async def parse_file(
    project_id: str, file_id: str, parsing: ParsingOptions, options: WorkOptions
) -> ParseOutput:
    """Run the parse activity on the parse task queue."""
    parsed: ParseOutput = await workflow.execute_activity(
        PARSE_DOCUMENT,
        ParseInput(project_id=project_id, file_id=file_id, parsing=parsing),
        result_type=ParseOutput,
        task_queue=options.parse_task_queue,
        start_to_close_timeout=timedelta(seconds=options.parse_timeout_s + 60),
        heartbeat_timeout=HEARTBEAT_TIMEOUT,
        retry_policy=work_retry(options),
    )
    return parsed


async def tell_parent(parent_workflow_id: str | None) -> None:
    """Signal the parent that this child is done (its window slot frees); none: nothing."""
    if not parent_workflow_id:
        return
    parent = workflow.get_external_workflow_handle(parent_workflow_id)
    try:
        await parent.signal(FILE_DONE_SIGNAL, workflow.info().workflow_id)
    except FailureError as err:  # the parent is gone (e.g. terminated): nothing waits
        workflow.logger.warning("could not signal parent: %s", err.message)
