"""WebhookDeliveryWorkflow, and how other workflows start it for their objects' events.

One delivery workflow per (event, endpoint), started with `ParentClosePolicy.ABANDON` under a
deterministic id, so a receiver that is down never holds up the job or batch that emitted the
event, and starting it twice (from the API and from a workflow) is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from docsort.webhooks.models import (
        DELIVER_WEBHOOK,
        DELIVERY_WORKFLOW,
        MARK_WEBHOOK_EVENTS_DISPATCHED,
        WEBHOOK_REJECTED,
        DeliveryOptions,
        DeliveryOutcome,
        WebhookDeliveryInput,
        WebhookDispatch,
        WebhookTarget,
    )
    from workflows.common import PERSIST_DEADLINE, PERSIST_RETRY, PERSIST_TIMEOUT

# Covers resolving the host and recording the attempt around the request itself.
ATTEMPT_MARGIN = timedelta(seconds=30)


@workflow.defn(name=DELIVERY_WORKFLOW)
class WebhookDeliveryWorkflow:
    """Deliver one event to one endpoint, retrying with exponential backoff for up to a day."""

    @workflow.run
    async def run(self, input: WebhookDeliveryInput) -> DeliveryOutcome:
        """Run the delivery activity until the receiver accepts, refuses, or time runs out."""
        options = input.options
        outcome: DeliveryOutcome = await workflow.execute_activity(
            DELIVER_WEBHOOK,
            input,
            result_type=DeliveryOutcome,
            task_queue=options.task_queue,
            start_to_close_timeout=timedelta(seconds=options.request_timeout_s) + ATTEMPT_MARGIN,
            schedule_to_close_timeout=timedelta(seconds=options.total_s),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=options.initial_interval_s),
                backoff_coefficient=2.0,
                maximum_interval=timedelta(seconds=options.max_interval_s),
                non_retryable_error_types=[WEBHOOK_REJECTED],
            ),
        )
        return outcome


def dispatch_from(result: Any) -> WebhookDispatch:
    """The events a status-writing activity returned, decoded here rather than by the converter:
    histories recorded before those activities returned events hold `None` there."""
    return WebhookDispatch() if result is None else WebhookDispatch.model_validate(result)


async def send_webhooks(dispatch: WebhookDispatch) -> None:
    """Start a delivery workflow for each target, then mark the events dispatched."""
    if not dispatch.event_ids:
        return
    if dispatch.targets and dispatch.options is not None:
        options = dispatch.options
        await asyncio.gather(*(_start(target, options) for target in dispatch.targets))
    await workflow.execute_local_activity(
        MARK_WEBHOOK_EVENTS_DISPATCHED,
        dispatch.event_ids,
        start_to_close_timeout=PERSIST_TIMEOUT,
        schedule_to_close_timeout=PERSIST_DEADLINE,
        retry_policy=PERSIST_RETRY,
    )


class WebhookSender:
    """Sends an object's events in the background of a workflow; `drain` before it ends."""

    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[None]] = []

    def send(self, dispatch: WebhookDispatch) -> None:
        """Start sending (nothing to do when there are no events)."""
        if dispatch.event_ids:
            self._tasks.append(asyncio.create_task(send_webhooks(dispatch)))

    async def drain(self) -> None:
        """Wait until every delivery workflow asked for has started."""
        tasks, self._tasks = self._tasks, []
        await asyncio.gather(*tasks)


async def _start(target: WebhookTarget, options: DeliveryOptions) -> None:
    # Started already (by the API or an earlier run): nothing to do.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await workflow.start_child_workflow(
            WebhookDeliveryWorkflow.run,
            WebhookDeliveryInput(target=target, options=options),
            id=target.workflow_id,
            parent_close_policy=ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"{target.event_type} of {target.object_id}",
        )
