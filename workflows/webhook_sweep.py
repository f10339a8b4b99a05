"""WebhookSweepWorkflow: hands out the outbox events that no other workflow dispatched.

An event is normally dispatched by the API right after the status change, or by the object's
workflow at its next transition. Neither happens when the object's workflow never ran (Temporal
was down when the job was created, so the job failed at once) or when the API process died
between its commit and the dispatch of the object's last event: the sweep covers those.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from docsort.webhooks.models import (
        FIND_STALE_WEBHOOK_EVENTS,
        SWEEP_WORKFLOW,
        SweepInput,
        WebhookDispatch,
    )
    from workflows.common import PERSIST_RETRY, PERSIST_TIMEOUT
    from workflows.webhook_delivery import send_webhooks

# Sweeps per run before continuing as new (an hour at the default interval, ~1,000 events).
SWEEPS_PER_RUN = 60


@workflow.defn(name=SWEEP_WORKFLOW)
class WebhookSweepWorkflow:
    """Every `interval_s`, starts the deliveries of events older than `recorded_before_s` that
    are still undispatched; runs until terminated, continuing as new to bound its history."""

    @workflow.run
    async def run(self, input: SweepInput) -> None:
        """Sweep, sleep, repeat; a full page of stale objects is swept again without sleeping."""
        for _ in range(SWEEPS_PER_RUN):
            dispatches: list[WebhookDispatch] = await workflow.execute_activity(
                FIND_STALE_WEBHOOK_EVENTS,
                input,
                result_type=list[WebhookDispatch],
                start_to_close_timeout=PERSIST_TIMEOUT,
                retry_policy=PERSIST_RETRY,
            )
            for dispatch in dispatches:
                await send_webhooks(dispatch)
            if len(dispatches) < input.objects_per_sweep:
                await workflow.sleep(timedelta(seconds=input.interval_s))
            if workflow.info().is_continue_as_new_suggested():
                break
        workflow.continue_as_new(input)
