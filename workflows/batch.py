"""BatchWorkflow: the parent over many files, with a sliding window of child workflows."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from workflows.classify_file import ClassifyFileWorkflow
    from workflows.models import (
        FILE_DONE_SIGNAL,
        FINISH_BATCH,
        LIST_BATCH_ITEMS,
        BatchInput,
        BatchItem,
        BatchState,
        ClassifyFileInput,
        FinishBatchInput,
        ListItemsInput,
        ListItemsOutput,
    )

LIST_TIMEOUT = timedelta(seconds=20)
FINISH_TIMEOUT = timedelta(seconds=20)
PERSIST_DEADLINE = timedelta(hours=24)
PERSIST_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
FINISH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2), maximum_interval=timedelta(seconds=30)
)


@workflow.defn(name="BatchWorkflow")
class BatchWorkflow:
    """Pages through a parent's items, keeps at most K children in flight, rolls up at the end.

    Children are started concurrently and signal `file_done` with their workflow id when they
    finish; duplicate signals are harmless. Every `continue_as_new_threshold` dispatched files
    (or when Temporal suggests it) the workflow continues as new, carrying its cursor and the
    ids of the children still in flight.
    """

    @workflow.init
    def __init__(self, input: BatchInput) -> None:
        self._in_flight: set[str] = set(input.in_flight)
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
            in_flight=len(self._in_flight),
            cursor=self._cursor,
        )

    @workflow.run
    async def run(self, input: BatchInput) -> str:
        """Dispatch every item, wait for all children, then write the parent's final status."""
        started_this_run = 0
        while True:
            if started_this_run >= input.continue_as_new_threshold or (
                started_this_run and workflow.info().is_continue_as_new_suggested()
            ):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    input.model_copy(
                        update={
                            "cursor": self._cursor,
                            "dispatched": self._dispatched,
                            "in_flight": sorted(self._in_flight),
                        }
                    )
                )
            limit = min(input.page_size, input.continue_as_new_threshold - started_this_run)
            page = await workflow.execute_activity(
                LIST_BATCH_ITEMS,
                ListItemsInput(
                    parent_kind=input.parent_kind,
                    parent_id=input.parent_id,
                    after_position=self._cursor,
                    limit=limit,
                ),
                result_type=ListItemsOutput,
                start_to_close_timeout=LIST_TIMEOUT,
                schedule_to_close_timeout=PERSIST_DEADLINE,
                retry_policy=PERSIST_RETRY,
            )
            if not page.items:
                break
            starts: list[asyncio.Task[None]] = []
            for item in page.items:
                await workflow.wait_condition(lambda: len(self._in_flight) < input.max_in_flight)
                child_id = f"{workflow.info().workflow_id}/file-{item.key}"
                self._in_flight.add(child_id)
                starts.append(asyncio.create_task(self._start_child(child_id, item, input)))
                self._cursor = item.position
                self._dispatched += 1
                started_this_run += 1
            await asyncio.gather(*starts)
        await workflow.wait_condition(lambda: not self._in_flight)
        status: str = await workflow.execute_activity(
            FINISH_BATCH,
            FinishBatchInput(parent_kind=input.parent_kind, parent_id=input.parent_id),
            result_type=str,
            start_to_close_timeout=FINISH_TIMEOUT,
            schedule_to_close_timeout=PERSIST_DEADLINE,
            retry_policy=FINISH_RETRY,
        )
        return status

    async def _start_child(self, child_id: str, item: BatchItem, input: BatchInput) -> None:
        await workflow.start_child_workflow(
            ClassifyFileWorkflow.run,
            ClassifyFileInput(
                classify_job_id=item.classify_job_id,
                options=input.options,
                parent_workflow_id=workflow.info().workflow_id,
            ),
            id=child_id,
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
