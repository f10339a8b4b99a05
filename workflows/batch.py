"""BatchWorkflow: the parent over many files, with a sliding window of child workflows."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import (
    ActivityError,
    ChildWorkflowError,
    FailureError,
    is_cancelled_exception,
)
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from workflows.classify_file import ClassifyFileWorkflow
    from workflows.common import PERSIST_DEADLINE, PERSIST_RETRY, PERSIST_TIMEOUT
    from workflows.models import (
        CANCEL_BATCH_ITEMS,
        FILE_DONE_SIGNAL,
        FINISH_BATCH,
        LIST_BATCH_ITEMS,
        MARK_BATCH,
        BatchInput,
        BatchItem,
        BatchState,
        ClassifyFileInput,
        FinishBatchInput,
        FinishBatchOutput,
        ListItemsInput,
        ListItemsOutput,
        MarkBatchInput,
        ParseFileInput,
    )
    from workflows.parse_file import ParseFileWorkflow
    from workflows.webhook_delivery import dispatch_from, send_webhooks

# Runs that have this marker await their children's completion instead of waiting for signals.
AWAIT_CHILDREN_PATCH = "await-children"

FINISH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2), maximum_interval=timedelta(seconds=30)
)


@workflow.defn(name="BatchWorkflow")
class BatchWorkflow:
    """Pages through a parent's members, keeps at most K children in flight, rolls up at the end.

    The parent is a v1 job (its files are known up front) or a batch (the members of a directory
    or an item list, recorded as items as they are dispatched). Children are started
    concurrently and awaited: a child's completion frees its window slot. Every
    `continue_as_new_threshold` dispatched files (or when Temporal suggests it) the workflow
    lets its children finish and continues as new, carrying its cursor. Cancelling it cancels
    the children in flight and ends the open items cancelled.

    Runs started before children were awaited had children signal `file_done` with their
    workflow id; such runs (and children carried over from them) still count on that signal.
    """

    @workflow.init
    def __init__(self, input: BatchInput) -> None:
        # Children that will signal `file_done` (started by runs without the patch).
        self._in_flight: set[str] = set(input.in_flight)
        # Children started by this run and awaited by it, by workflow id.
        self._awaited: dict[str, asyncio.Task[None]] = {}
        self._await_children = False
        self._cursor = input.cursor
        self._dispatched = input.dispatched
        self._parent_id = input.parent_id

    @workflow.signal(name=FILE_DONE_SIGNAL)
    def file_done(self, child_workflow_id: str) -> None:
        """A child finished (any outcome): its window slot is free."""
        self._in_flight.discard(child_workflow_id)

    @workflow.query
    def state(self) -> BatchState:
        """Progress of this run, for the Temporal UI and operators."""
        return BatchState(
            parent_id=self._parent_id,
            dispatched=self._dispatched,
            in_flight=len(self._in_flight) + len(self._awaited),
            cursor=self._cursor,
        )

    @workflow.run
    async def run(self, input: BatchInput) -> str:
        """Dispatch every member, wait for all children, then write the parent's final status."""
        self._await_children = workflow.patched(AWAIT_CHILDREN_PATCH)
        try:
            if not input.started:
                await self._mark(input, "running")
            await self._dispatch_all(input)
            await self._mark(input, "dispatched")
            await workflow.wait_condition(lambda: not self._in_flight and not self._awaited)
        except (asyncio.CancelledError, ActivityError) as err:
            if not is_cancelled_exception(err):
                raise
            await self._cancel_children(input)
            raise
        # Decoded here: histories recorded before the activity returned events hold the status.
        result = await workflow.execute_activity(
            FINISH_BATCH,
            FinishBatchInput(parent_kind=input.parent_kind, parent_id=input.parent_id),
            start_to_close_timeout=PERSIST_TIMEOUT,
            schedule_to_close_timeout=PERSIST_DEADLINE,
            retry_policy=FINISH_RETRY,
        )
        finished = (
            FinishBatchOutput(status=result)
            if isinstance(result, str)
            else FinishBatchOutput.model_validate(result)
        )
        await send_webhooks(finished.webhooks)
        return finished.status

    async def _dispatch_all(self, input: BatchInput) -> None:
        started_this_run = 0
        while True:
            if started_this_run >= input.continue_as_new_threshold or (
                started_this_run and workflow.info().is_continue_as_new_suggested()
            ):
                # Awaited children report to this run only: let them finish first.
                await workflow.wait_condition(lambda: not self._awaited)
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    input.model_copy(
                        update={
                            "cursor": self._cursor,
                            "dispatched": self._dispatched,
                            "in_flight": sorted(self._in_flight),
                            "started": True,
                        }
                    )
                )
            limit = min(input.page_size, input.continue_as_new_threshold - started_this_run)
            page: ListItemsOutput = await workflow.execute_activity(
                LIST_BATCH_ITEMS,
                ListItemsInput(
                    parent_kind=input.parent_kind,
                    parent_id=input.parent_id,
                    cursor=self._cursor,
                    limit=limit,
                ),
                result_type=ListItemsOutput,
                start_to_close_timeout=PERSIST_TIMEOUT,
                schedule_to_close_timeout=PERSIST_DEADLINE,
                retry_policy=PERSIST_RETRY,
            )
            if not page.items:
                return
            starts: list[asyncio.Task[Any]] = []
            for item in page.items:
                if item.job_id is not None:
                    await workflow.wait_condition(
                        lambda: len(self._in_flight) + len(self._awaited) < input.max_in_flight
                    )
                    child_id = f"{workflow.info().workflow_id}/file-{item.key}"
                    if self._await_children:
                        self._awaited[child_id] = asyncio.create_task(
                            self._run_child(child_id, item, input)
                        )
                    else:
                        self._in_flight.add(child_id)
                        starts.append(asyncio.create_task(self._start_child(child_id, item, input)))
                self._dispatched += 1
                started_this_run += 1
            self._cursor = page.next_cursor
            await asyncio.gather(*starts)

    async def _run_child(self, child_id: str, item: BatchItem, input: BatchInput) -> None:
        """Start a child and wait for it: any outcome frees its slot."""
        try:
            handle = await self._start_child(child_id, item, input)
            await handle
        except ChildWorkflowError as err:  # cancelled, terminated or timed out
            workflow.logger.info("child %s ended without a result: %s", child_id, err.message)
        finally:
            self._awaited.pop(child_id, None)

    async def _start_child(
        self, child_id: str, item: BatchItem, input: BatchInput
    ) -> workflow.ChildWorkflowHandle[Any, Any]:
        assert item.job_id is not None
        # Only children of runs without the patch signal their parent when they end.
        parent = None if self._await_children else workflow.info().workflow_id
        if input.job_type == "parse":
            return await workflow.start_child_workflow(
                ParseFileWorkflow.run,
                ParseFileInput(
                    batch_item_id=item.job_id, options=input.options, parent_workflow_id=parent
                ),
                id=child_id,
                parent_close_policy=ParentClosePolicy.ABANDON,
            )
        return await workflow.start_child_workflow(
            ClassifyFileWorkflow.run,
            ClassifyFileInput(
                classify_job_id=item.job_id, options=input.options, parent_workflow_id=parent
            ),
            id=child_id,
            parent_close_policy=ParentClosePolicy.ABANDON,
        )

    async def _mark(self, input: BatchInput, status: str) -> None:
        if input.parent_kind != "batch":
            return
        sent = await workflow.execute_activity(
            MARK_BATCH,
            MarkBatchInput(parent_kind=input.parent_kind, parent_id=input.parent_id, status=status),
            start_to_close_timeout=PERSIST_TIMEOUT,
            schedule_to_close_timeout=PERSIST_DEADLINE,
            retry_policy=PERSIST_RETRY,
        )
        await send_webhooks(dispatch_from(sent))

    async def _cancel_children(self, input: BatchInput) -> None:
        for child_id in sorted(self._in_flight | self._awaited.keys()):
            try:
                await workflow.get_external_workflow_handle(child_id).cancel()
            except FailureError as err:  # already finished: nothing to cancel
                workflow.logger.info("child %s not cancelled: %s", child_id, err.message)
        await workflow.execute_activity(
            CANCEL_BATCH_ITEMS,
            FinishBatchInput(parent_kind=input.parent_kind, parent_id=input.parent_id),
            start_to_close_timeout=PERSIST_TIMEOUT,
            schedule_to_close_timeout=PERSIST_DEADLINE,
            retry_policy=PERSIST_RETRY,
        )
