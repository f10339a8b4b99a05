"""ParseFileWorkflow: parse one item of a parse-only batch and keep its text as a parse job."""

from __future__ import annotations

import asyncio

from temporalio import workflow
from temporalio.exceptions import ActivityError, is_cancelled_exception

with workflow.unsafe.imports_passed_through():
    from workflows.common import (
        PERSIST_DEADLINE,
        PERSIST_RETRY,
        PERSIST_TIMEOUT,
        parse_file,
        tell_parent,
    )
    from workflows.failures import describe_failure
    from workflows.models import (
        FINISH_PARSE_ITEM,
        START_PARSE_ITEM,
        FinishParseItemInput,
        ParseFileInput,
        ParseItemContext,
    )


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
            await tell_parent(input.parent_workflow_id)
            raise
        await tell_parent(input.parent_workflow_id)
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
            parsed = await parse_file(
                context.project_id, context.file_id, context.parsing, input.options
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
