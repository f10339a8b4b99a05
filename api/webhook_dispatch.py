"""Starting the deliveries of events the API itself caused (creation, cancel).

The events are already in the outbox, committed with the status change. Starting their delivery
workflows here is only the fast path: if this fails (or the process dies first), the object's
own workflow hands them out at its next transition, under the same workflow ids.
"""

from __future__ import annotations

import contextlib

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.state import AppState
from docsort.logging import get_logger
from docsort.store import webhooks
from docsort.webhooks.models import (
    DELIVERY_WORKFLOW,
    DeliveryOptions,
    WebhookDeliveryInput,
    WebhookTarget,
    delivery_options,
)

log = get_logger(__name__)


async def dispatch_events(state: AppState, object_kind: str, object_id: str) -> None:
    """Start a delivery workflow for each undispatched event of the object (never raises)."""
    try:
        async with state.db.read() as session:
            pending = await webhooks.undispatched(session, object_kind, object_id)
        if not pending.event_ids:
            return
        client = await state.temporal_client()
        options = delivery_options(state.settings)
        for target in pending.targets:
            await _start(client, state.settings.workflow_task_queue, target, options)
        async with state.db.write() as session:
            await webhooks.mark_dispatched(session, pending.event_ids)
    except Exception as exc:  # the object's workflow dispatches them later
        log.warning("webhook dispatch deferred", object_id=object_id, error=str(exc))


async def _start(
    client: Client, task_queue: str, target: WebhookTarget, options: DeliveryOptions
) -> None:
    with contextlib.suppress(WorkflowAlreadyStartedError):  # delivered (or given up) already
        await client.start_workflow(
            DELIVERY_WORKFLOW,
            WebhookDeliveryInput(target=target, options=options),
            id=target.workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"{target.event_type} of {target.object_id}",
        )
