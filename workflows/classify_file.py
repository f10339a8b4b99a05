"""ClassifyFileWorkflow: parse, classify and save one document, then tell the parent."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    FailureError,
    is_cancelled_exception,
)

with workflow.unsafe.imports_passed_through():
    from docsort.domain import ClassificationResult
    from workflows.failures import describe_failure
    from workflows.models import (
        CLASSIFY_DOCUMENT,
        DOCUMENT_ERROR,
        FILE_DONE_SIGNAL,
        PARSE_DOCUMENT,
        SAVE_FAILURE,
        SAVE_RESULT,
        START_FILE_JOB,
        ClassifyFileInput,
        ClassifyInput,
        FileJobContext,
        FileOutcome,
        ParseInput,
        ParseOutput,
        SaveFailureInput,
        SaveResultInput,
        WorkOptions,
    )

# Status writes run as local activities (no task-queue round trip); they are idempotent, so the
# rerun of a group after a worker crash changes nothing.
PERSIST_TIMEOUT = timedelta(seconds=20)
PERSIST_DEADLINE = timedelta(hours=24)
PERSIST_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
CLASSIFY_TIMEOUT = timedelta(minutes=5)
HEARTBEAT_TIMEOUT = timedelta(seconds=10)


@workflow.defn(name="ClassifyFileWorkflow")
class ClassifyFileWorkflow:
    """One document against one rule set; statuses are written by its activities."""

    @workflow.run
    async def run(self, input: ClassifyFileInput) -> FileOutcome:
        """Run the per-file job to a terminal status and signal the parent, if any.

        A cancel request (the API has already written CANCELLED) still frees the parent's slot
        before the workflow ends as cancelled.
        """
        try:
            context = await workflow.execute_local_activity(
                START_FILE_JOB,
                input.classify_job_id,
                result_type=FileJobContext,
                start_to_close_timeout=PERSIST_TIMEOUT,
                schedule_to_close_timeout=PERSIST_DEADLINE,
                retry_policy=PERSIST_RETRY,
            )
            if context.already_finished:
                status = "already finished"
            else:
                status = await self._process(input, context)
        except (asyncio.CancelledError, ActivityError) as err:
            if not is_cancelled_exception(err):
                raise
            await self._tell_parent(input)
            raise
        await self._tell_parent(input)
        return FileOutcome(classify_job_id=input.classify_job_id, status=status)

    async def _tell_parent(self, input: ClassifyFileInput) -> None:
        if not input.parent_workflow_id:
            return
        parent = workflow.get_external_workflow_handle(input.parent_workflow_id)
        try:
            await parent.signal(FILE_DONE_SIGNAL, workflow.info().workflow_id)
        except FailureError as err:  # the parent is gone (e.g. terminated): nothing waits
            workflow.logger.warning("could not signal parent: %s", err.message)

    async def _process(self, input: ClassifyFileInput, context: FileJobContext) -> str:
        options = input.options
        retry = RetryPolicy(
            maximum_attempts=options.max_attempts,
            non_retryable_error_types=[DOCUMENT_ERROR],
        )
        parse_job_id = context.input_parse_job_id
        try:
            if parse_job_id is None:
                parse_job_id = await self._parse(context, options, retry)
            result = await workflow.execute_activity(
                CLASSIFY_DOCUMENT,
                ClassifyInput(rule_set_id=context.rule_set_id, parse_job_id=parse_job_id),
                result_type=ClassificationResult,
                task_queue=options.classify_task_queue,
                start_to_close_timeout=CLASSIFY_TIMEOUT,
                heartbeat_timeout=HEARTBEAT_TIMEOUT,
                retry_policy=retry,
            )
        except (ActivityError, ApplicationError) as err:
            if is_cancelled_exception(err):
                raise
            kind, message, failed_parse_job_id = describe_failure(err)
            parse_job_id = parse_job_id or failed_parse_job_id
            await workflow.execute_local_activity(
                SAVE_FAILURE,
                SaveFailureInput(
                    classify_job_id=input.classify_job_id,
                    parse_job_id=parse_job_id,
                    kind=kind,
                    message=message,
                ),
                start_to_close_timeout=PERSIST_TIMEOUT,
                schedule_to_close_timeout=PERSIST_DEADLINE,
                retry_policy=PERSIST_RETRY,
            )
            return "FAILED"
        await workflow.execute_local_activity(
            SAVE_RESULT,
            SaveResultInput(
                classify_job_id=input.classify_job_id, parse_job_id=parse_job_id, result=result
            ),
            start_to_close_timeout=PERSIST_TIMEOUT,
            schedule_to_close_timeout=PERSIST_DEADLINE,
            retry_policy=PERSIST_RETRY,
        )
        return "COMPLETED"

    async def _parse(
        self, context: FileJobContext, options: WorkOptions, retry: RetryPolicy
    ) -> str:
        if context.file_id is None:
            raise ApplicationError("the job has no file to classify", type=DOCUMENT_ERROR)
        parsed: ParseOutput = await workflow.execute_activity(
            PARSE_DOCUMENT,
            ParseInput(
                project_id=context.project_id, file_id=context.file_id, parsing=context.parsing
            ),
            result_type=ParseOutput,
            task_queue=options.parse_task_queue,
            start_to_close_timeout=timedelta(seconds=options.parse_timeout_s + 60),
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=retry,
        )
        return parsed.parse_job_id
