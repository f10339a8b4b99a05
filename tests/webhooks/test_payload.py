"""What a delivery sends: body formats, signature and headers."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

from docsort.store.tables import WebhookEvent
from docsort.webhooks import payload
from docsort.webhooks.endpoints import WebhookEndpoint

EVENT = WebhookEvent(
    id="evt-1",
    project_id="prj-1",
    object_kind="classify_job",
    object_id="cls-1",
    event_type="classify.success",
    sequence=3,
    data={"id": "cls-1", "status": "COMPLETED", "note": "naïve"},
    created_at=datetime(2026, 12, 2, 14, 0, tzinfo=UTC),
)


def test_json_body_is_the_wrapper_and_string_body_is_it_double_encoded() -> None:
    as_json = json.loads(payload.body(EVENT, "json"))
    assert as_json == {
        "event_id": "evt-1",
        "event_type": "classify.success",
        "created_at": "2026-12-02T14:00:00Z",
        "sequence": 3,
        "data": {"id": "cls-1", "status": "COMPLETED", "note": "naïve"},
    }
    as_string = json.loads(payload.body(EVENT, "string"))
    assert isinstance(as_string, str) and json.loads(as_string) == as_json


def test_signature_is_hmac_sha256_of_the_raw_body_and_docsort_headers_win() -> None:
    endpoint = WebhookEndpoint(
        url="https://hooks.example/x",
        headers={"X-Team": "ops", "lc-event-id": "spoofed", "Content-Type": "text/plain"},
        signing_secret="s3cret",
    )
    raw = payload.body(EVENT, endpoint.output_format)
    headers = payload.headers(EVENT, endpoint, raw, attempt=2)
    digest = hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
    assert headers == {
        "X-Team": "ops",
        "Content-Type": "application/json",
        "User-Agent": "docsort-webhooks",
        "LC-Event-Id": "evt-1",
        "LC-Event-Type": "classify.success",
        "LC-Delivery-Attempt": "2",
        "LC-Signature": f"sha256={digest}",
    }
    unsigned = payload.headers(EVENT, WebhookEndpoint(url="https://h.example"), raw, attempt=1)
    assert "LC-Signature" not in unsigned
