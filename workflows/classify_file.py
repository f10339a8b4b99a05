"""ClassifyFileWorkflow: parse, classify and save one document, then tell the parent."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    is_cancelled_exception,
)

with workflow.unsafe.imports_passed_through():
    from docsort.domain import ClassificationResult
    from workflows.common import (
        HEARTBEAT_TIMEOUT,
        PERSIST_DEADLINE,
        PERSIST_RETRY,
        PERSIST_TIMEOUT,
        parse_file,
        tell_parent,
        work_retry,
    )
    from workflows.failures import describe_failure
    from workflows.models import (
        CLASSIFY_DOCUMENT,
        DOCUMENT_ERROR,
        SAVE_FAILURE,
        SAVE_RESULT,
        START_FILE_JOB,
        ClassifyFileInput,
        ClassifyInput,
        FileJobContext,
        FileOutcome,
        SaveFailureInput,
        SaveResultInput,
    )
    from workflows.webhook_delivery import WebhookSender, dispatch_from

CLASSIFY_TIMEOUT = timedelta(minutes=5)


@workflow.defn(name="ClassifyFileWorkflow")
class ClassifyFileWorkflow:
    """One document against one rule set; statuses are written by its activities.

    The status writes run as local activities (no task-queue round trip); they are idempotent,
    so the rerun of a group after a worker crash changes nothing.
    """

    @workflow.run
    async def run(self, input: ClassifyFileInput) -> FileOutcome:
        """Run the per-file job to a terminal status and signal the parent, if any.

        A cancel request (the API has already written CANCELLED) still frees the parent's slot
        before the workflow ends as cancelled.
        """
        self._webhooks = WebhookSender()
        try:
            context = await workflow.execute_local_activity(
                START_FILE_JOB,
                input.classify_job_id,
                result_type=FileJobContext,
                start_to_close_timeout=PERSIST_TIMEOUT,
                schedule_to_close_timeout=PERSIST_DEADLINE,
                retry_policy=PERSIST_RETRY,
            )
            self._webhooks.send(context.webhooks)
            if context.already_finished:
                status = "already finished"
            else:
                status = await self._process(input, context)
        except (asyncio.CancelledError, ActivityError) as err:
            if not is_cancelled_exception(err):
                raise
            await tell_parent(input.parent_workflow_id)
            await self._webhooks.drain()
            raise
        await tell_parent(input.parent_workflow_id)
        await self._webhooks.drain()
        return FileOutcome(classify_job_id=input.classify_job_id, status=status)

    async def _process(self, input: ClassifyFileInput, context: FileJobContext) -> str:
        options = input.options
        retry = work_retry(options)
        parse_job_id = context.input_parse_job_id
        try:
            if parse_job_id is None:
                if context.file_id is None:
                    raise ApplicationError("the job has no file to classify", type=DOCUMENT_ERROR)
                parsed = await parse_file(
                    context.project_id, context.file_id, context.parsing, options
                )
                parse_job_id = parsed.parse_job_id
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
            sent = await workflow.execute_local_activity(
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
            self._webhooks.send(dispatch_from(sent))
            return "FAILED"
        sent = await workflow.execute_local_activity(
            SAVE_RESULT,
            SaveResultInput(
                classify_job_id=input.classify_job_id, parse_job_id=parse_job_id, result=result
            ),
            start_to_close_timeout=PERSIST_TIMEOUT,
            schedule_to_close_timeout=PERSIST_DEADLINE,
            retry_policy=PERSIST_RETRY,
        )
        self._webhooks.send(dispatch_from(sent))
        return "COMPLETED"
