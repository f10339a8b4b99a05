"""ParseFileWorkflow: parse one item of a parse-only batch and keep its text as a parse job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, FailureError, is_cancelled_exception

with workflow.unsafe.imports_passed_through():
    from workflows.failures import describe_failure
    from workflows.models import (
        DOCUMENT_ERROR,
        FILE_DONE_SIGNAL,
        FINISH_PARSE_ITEM,
        PARSE_DOCUMENT,
        START_PARSE_ITEM,
        FinishParseItemInput,
        ParseFileInput,
        ParseInput,
        ParseItemContext,
        ParseOutput,
    )

PERSIST_TIMEOUT = timedelta(seconds=20)
PERSIST_DEADLINE = timedelta(hours=24)
PERSIST_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
HEARTBEAT_TIMEOUT = timedelta(seconds=10)


@workflow.defn(name="ParseFileWorkflow")
class ParseFileWorkflow:
    """One item of a parse batch: processing → completed (parse job) | failed."""

    @workflow.run
    async def run(self, input: ParseFileInput) -> str:
        """Parse the item's file, record the outcome and signal the parent."""
        try:
            outcome = await self._parse(input)
        except (asyncio.CancelledError, ActivityError) as err:
            if not is_cancelled_exception(err):
                raise
            await self._tell_parent(input)
            raise
        await self._tell_parent(input)
        return outcome

    async def _parse(self, input: ParseFileInput) -> str:
        context: ParseItemContext = await workflow.execute_activity(
            START_PARSE_ITEM,
            input.batch_item_id,
            result_type=ParseItemContext,
            start_to_close_timeout=PERSIST_TIMEOUT,
            schedule_to_close_timeout=PERSIST_DEADLINE,
            retry_policy=PERSIST_RETRY,
        )
        if context.already_finished:
            return "already finished"
        finish = FinishParseItemInput(batch_item_id=input.batch_item_id)
        try:
            parsed: ParseOutput = await workflow.execute_activity(
                PARSE_DOCUMENT,
                ParseInput(
                    project_id=context.project_id, file_id=context.file_id, parsing=context.parsing
                ),
                result_type=ParseOutput,
                task_queue=input.options.parse_task_queue,
                start_to_close_timeout=timedelta(seconds=input.options.parse_timeout_s + 60),
                heartbeat_timeout=HEARTBEAT_TIMEOUT,
                retry_policy=RetryPolicy(
                    maximum_attempts=input.options.max_attempts,
                    non_retryable_error_types=[DOCUMENT_ERROR],
                ),
            )
            finish.parse_job_id = parsed.parse_job_id
        except ActivityError as err:
            if is_cancelled_exception(err):
                raise
            _, finish.error, finish.parse_job_id = describe_failure(err)
        await workflow.execute_activity(
            FINISH_PARSE_ITEM,
            finish,
            start_to_close_timeout=PERSIST_TIMEOUT,
            schedule_to_close_timeout=PERSIST_DEADLINE,
            retry_policy=PERSIST_RETRY,
        )
        return "failed" if finish.error else "completed"

    async def _tell_parent(self, input: ParseFileInput) -> None:
        if not input.parent_workflow_id:
            return
        parent = workflow.get_external_workflow_handle(input.parent_workflow_id)
        try:
            await parent.signal(FILE_DONE_SIGNAL, workflow.info().workflow_id)
        except FailureError as err:
            workflow.logger.warning("could not signal parent: %s", err.message)
