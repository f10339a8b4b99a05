"""Webhook event names (the SDK's list) and the events each object emits."""

from __future__ import annotations

_PRODUCT_EVENTS = {
    "batch": ("pending", "running", "success", "error", "cancelled"),
    "classify": ("pending", "running", "success", "error", "partial_success", "cancelled"),
    "extract": ("pending", "running", "success", "error", "partial_success", "cancelled"),
    "parse": ("pending", "running", "success", "error", "partial_success", "cancelled"),
    "sheets": ("pending", "success", "error", "partial_success", "cancelled"),
    "split": ("pending", "processing", "success", "error", "cancelled"),
    "verify": ("pending", "running", "success", "error", "cancelled"),
}

EVENT_NAMES = frozenset(
    {f"{product}.{event}" for product, events in _PRODUCT_EVENTS.items() for event in events}
    | {"unmapped_event"}
)

CLASSIFY_JOB = "classify_job"
V1_JOB = "v1_job"
BATCH = "batch"
OBJECT_KINDS = (CLASSIFY_JOB, V1_JOB, BATCH)
"""Kinds of objects that emit events: a v2 classify job, a v1 job, a batch (v1 or v2)."""

CLASSIFY_EVENT_OF_STATUS = {
    "PENDING": "classify.pending",
    "RUNNING": "classify.running",
    "COMPLETED": "classify.success",
    "SUCCESS": "classify.success",
    "PARTIAL_SUCCESS": "classify.partial_success",
    "FAILED": "classify.error",
    "ERROR": "classify.error",
    "CANCELLED": "classify.cancelled",
}
"""The event of a v2 job status (PENDING … CANCELLED) or a v1 job status (… PARTIAL_SUCCESS)."""

BATCH_EVENT_OF_STATUS = {
    "pending": "batch.pending",
    "running": "batch.running",
    "completed": "batch.success",
    "failed": "batch.error",
    "cancelled": "batch.cancelled",
}
"""The event of a batch status; `dispatched` has none (the batch is still running)."""
