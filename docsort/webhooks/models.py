"""Payloads of webhook dispatch and delivery, shared by the API, workflows and activities."""

from __future__ import annotations

from pydantic import BaseModel, Field

from docsort.settings import Settings

MARK_WEBHOOK_EVENTS_DISPATCHED = "mark_webhook_events_dispatched"
DELIVER_WEBHOOK = "deliver_webhook"
FIND_STALE_WEBHOOK_EVENTS = "find_stale_webhook_events"
DELIVERY_WORKFLOW = "WebhookDeliveryWorkflow"
SWEEP_WORKFLOW = "WebhookSweepWorkflow"
WEBHOOK_REJECTED = "WebhookRejected"
"""Error type of a delivery that must not be retried (4xx, redirect, refused address)."""


class DeliveryOptions(BaseModel):
    """Where delivery activities run and how they are retried (from the settings)."""

    task_queue: str
    request_timeout_s: float = 10.0
    initial_interval_s: float = 5.0
    max_interval_s: float = 3600.0
    total_s: float = 24 * 3600.0


class WebhookTarget(BaseModel):
    """One delivery: an event of an object to one of that object's endpoints (by index)."""

    event_id: str
    event_type: str
    object_kind: str
    object_id: str
    endpoint_index: int

    @property
    def workflow_id(self) -> str:
        """The delivery workflow's id: the same wherever it is started, so a repeat is harmless."""
        return f"webhook-{self.event_id}-{self.endpoint_index}"


class WebhookDispatch(BaseModel):
    """Deliveries to start for an object's undispatched events, and those events' ids."""

    event_ids: list[str] = Field(default_factory=list)
    targets: list[WebhookTarget] = Field(default_factory=list)
    options: DeliveryOptions | None = None


class WebhookDeliveryInput(BaseModel):
    """Input of a WebhookDeliveryWorkflow."""

    target: WebhookTarget
    options: DeliveryOptions


class SweepInput(BaseModel):
    """How the sweep looks for events no workflow dispatched (from the settings)."""

    interval_s: float = 60.0
    recorded_before_s: float = 60.0
    objects_per_sweep: int = 100


class DeliveryOutcome(BaseModel):
    """A delivery the receiver accepted."""

    event_id: str
    url: str
    status_code: int
    attempt: int
    latency_ms: int


def delivery_options(settings: Settings) -> DeliveryOptions:
    """The delivery options this process's settings choose."""
    return DeliveryOptions(
        task_queue=settings.webhook_task_queue,
        request_timeout_s=settings.webhook_request_timeout_s,
        initial_interval_s=settings.webhook_retry_initial_interval_s,
        max_interval_s=settings.webhook_retry_max_interval_s,
        total_s=settings.webhook_retry_total_s,
    )


def sweep_input(settings: Settings) -> SweepInput:
    """The sweep settings of this process."""
    return SweepInput(
        interval_s=settings.webhook_sweep_interval_s,
        recorded_before_s=settings.webhook_sweep_after_s,
    )
