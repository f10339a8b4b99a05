"""Webhook activities: handing out an object's undispatched events, and delivering one event."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from temporalio.worker import Worker

from docsort.logging import get_logger
from docsort.settings import Settings
from docsort.store import webhooks
from docsort.store.database import Database
from docsort.store.tables import utcnow
from docsort.webhooks import payload
from docsort.webhooks.guard import AllowList
from docsort.webhooks.http import post_event
from docsort.webhooks.models import (
    DELIVER_WEBHOOK,
    FIND_STALE_WEBHOOK_EVENTS,
    MARK_WEBHOOK_EVENTS_DISPATCHED,
    WEBHOOK_REJECTED,
    DeliveryOptions,
    DeliveryOutcome,
    SweepInput,
    WebhookDeliveryInput,
    WebhookDispatch,
)

log = get_logger(__name__)
BENIGN = ApplicationErrorCategory.BENIGN
WEBHOOK_NOT_DELIVERED = "WebhookNotDelivered"


async def undispatched(
    session: AsyncSession, object_kind: str, object_id: str, options: DeliveryOptions
) -> WebhookDispatch:
    """The object's events still without delivery workflows, as a dispatch for its workflow."""
    pending = await webhooks.undispatched(session, object_kind, object_id)
    if not pending.event_ids:
        return WebhookDispatch()
    return WebhookDispatch(event_ids=pending.event_ids, targets=pending.targets, options=options)


class WebhookOutboxActivities:
    """Bookkeeping of the outbox for the workflows that dispatch events."""

    def __init__(self, db: Database, options: DeliveryOptions) -> None:
        self.db = db
        self.options = options

    @activity.defn(name=FIND_STALE_WEBHOOK_EVENTS)
    async def find_stale(self, input: SweepInput) -> list[WebhookDispatch]:
        """The objects whose events have waited `recorded_before_s` without a delivery workflow
        (their own workflow never ran, or ended first), one dispatch per object."""
        cutoff = utcnow() - timedelta(seconds=input.recorded_before_s)
        dispatches: list[WebhookDispatch] = []
        async with self.db.read() as session:
            stale = await webhooks.stale_undispatched(session, cutoff, input.objects_per_sweep)
            for kind, object_id in stale:
                dispatch = await undispatched(session, kind, object_id, self.options)
                if dispatch.event_ids:
                    dispatches.append(dispatch)
        if dispatches:
            log.warning(
                "webhook events swept",
                objects=[object_id for _, object_id in stale],
                events=sum(len(d.event_ids) for d in dispatches),
            )
        return dispatches

    @activity.defn(name=MARK_WEBHOOK_EVENTS_DISPATCHED)
    async def mark_dispatched(self, event_ids: list[str]) -> None:
        """Every delivery of these events has its workflow now."""
        async with self.db.write() as session:
            await webhooks.mark_dispatched(session, event_ids)


class WebhookDeliveryActivities:
    """Posts events to receivers and records every attempt."""

    def __init__(self, db: Database, allow: AllowList, client: httpx.AsyncClient) -> None:
        self.db = db
        self.allow = allow
        self.client = client

    @activity.defn(name=DELIVER_WEBHOOK)
    async def deliver(self, input: WebhookDeliveryInput) -> DeliveryOutcome:
        """One attempt; 2xx returns, 408/429/5xx and network errors raise to be retried (after
        `Retry-After` when given), any other answer fails for good."""
        target, options = input.target, input.options
        attempt = activity.info().attempt
        async with self.db.read() as session:
            event = await webhooks.get_event(session, target.event_id)
            endpoints = await webhooks.endpoints_of(session, target.object_kind, target.object_id)
        if event is None or target.endpoint_index >= len(endpoints):
            raise ApplicationError(
                f"webhook event {target.event_id} or its endpoint is gone",
                type=WEBHOOK_REJECTED,
                non_retryable=True,
            )
        endpoint = endpoints[target.endpoint_index]
        raw = payload.body(event, endpoint.output_format)
        headers = payload.headers(event, endpoint, raw, attempt)
        result = await post_event(
            self.client, endpoint.url, raw, headers, self.allow, options.request_timeout_s
        )
        async with self.db.write() as session:
            await webhooks.record_attempt(
                session,
                event,
                url=endpoint.url,
                attempt=attempt,
                status_code=result.status_code,
                latency_ms=result.latency_ms,
                error=result.error,
            )
        log.info(
            "webhook attempt",
            event_id=event.id,
            event_type=event.event_type,
            object_id=event.object_id,
            attempt=attempt,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            error=result.error,
        )
        if result.delivered:
            assert result.status_code is not None
            return DeliveryOutcome(
                event_id=event.id,
                url=endpoint.url,
                status_code=result.status_code,
                attempt=attempt,
                latency_ms=result.latency_ms,
            )
        # An unreachable receiver is expected, not a docsort fault: BENIGN keeps the worker's
        # log and failure metrics quiet (every attempt is in the delivery log).
        message = result.error or "delivery failed"
        if not result.retryable:
            raise ApplicationError(
                message, type=WEBHOOK_REJECTED, non_retryable=True, category=BENIGN
            )
        delay = None
        if result.retry_after_s is not None:
            delay = timedelta(seconds=min(result.retry_after_s, options.total_s))
        raise ApplicationError(
            message, type=WEBHOOK_NOT_DELIVERED, next_retry_delay=delay, category=BENIGN
        )


def webhook_worker(client: Client, settings: Settings, db: Database) -> Worker:
    """The worker of the webhook task queue: many deliveries at once, each mostly waiting."""
    limit = settings.webhook_max_concurrent_deliveries
    http = httpx.AsyncClient(
        limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
        follow_redirects=False,
        trust_env=False,
    )
    deliveries = WebhookDeliveryActivities(
        db, AllowList.parse(settings.webhook_allowed_networks), http
    )
    return Worker(
        client,
        task_queue=settings.webhook_task_queue,
        activities=[deliveries.deliver],
        max_concurrent_activities=limit,
    )
