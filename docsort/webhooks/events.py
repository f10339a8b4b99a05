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
