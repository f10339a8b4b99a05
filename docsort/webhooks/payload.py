"""What a delivery sends: the body in the endpoint's output format, and its headers."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from pydantic_core import to_jsonable_python

from docsort.store.tables import WebhookEvent
from docsort.webhooks.endpoints import WebhookEndpoint

SIGNATURE_HEADER = "LC-Signature"
USER_AGENT = "docsort-webhooks"


def envelope(event: WebhookEvent) -> dict[str, Any]:
    """The event wrapper: id, type, time, per-object sequence and the object's snapshot."""
    return {
        "event_id": event.id,
        "event_type": event.event_type,
        "created_at": to_jsonable_python(event.created_at),
        "sequence": event.sequence,
        "data": event.data,
    }


def body(event: WebhookEvent, output_format: str) -> bytes:
    """The raw request body: the wrapper as JSON, or (`string`) as a JSON string of that JSON."""
    text = json.dumps(envelope(event), separators=(",", ":"), ensure_ascii=False)
    if output_format == "string":
        text = json.dumps(text, ensure_ascii=False)
    return text.encode()


def signature(secret: str, raw_body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the raw body keyed with the endpoint's secret."""
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def headers(
    event: WebhookEvent, endpoint: WebhookEndpoint, raw_body: bytes, attempt: int
) -> dict[str, str]:
    """The endpoint's own headers, then docsort's (which they cannot override)."""
    result = dict(endpoint.headers)
    reserved = {"content-type", "user-agent", "lc-event-id", "lc-event-type"}
    reserved |= {"lc-delivery-attempt", SIGNATURE_HEADER.lower()}
    result = {k: v for k, v in result.items() if k.lower() not in reserved}
    result.update(
        {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "LC-Event-Id": event.id,
            "LC-Event-Type": event.event_type,
            "LC-Delivery-Attempt": str(attempt),
        }
    )
    if endpoint.signing_secret:
        result[SIGNATURE_HEADER] = signature(endpoint.signing_secret, raw_body)
    return result
