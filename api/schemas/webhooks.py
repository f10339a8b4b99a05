"""Wire models of webhook configurations and the delivery log (contract §12)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from docsort.webhooks.events import EVENT_NAMES

OutputFormat = Literal["json", "string"]


def _known_events(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = [name for name in value if name not in EVENT_NAMES]
    if unknown:
        raise ValueError(f"unknown webhook event(s) {', '.join(map(repr, unknown))}")
    return value


class WebhookConfigurationIn(BaseModel):
    """An inline webhook configuration on a job or batch."""

    model_config = ConfigDict(extra="ignore")

    webhook_url: str | None = Field(default=None, max_length=2048)
    webhook_events: list[str] | None = None
    webhook_headers: dict[str, str] | None = None
    webhook_output_format: OutputFormat | None = None
    webhook_signing_secret: str | None = Field(default=None, max_length=512)

    _events = field_validator("webhook_events")(_known_events)


class WebhookConfigCreate(BaseModel):
    """Body of `POST /api/v1/beta/webhook-configs`."""

    model_config = ConfigDict(extra="ignore")

    webhook_url: str = Field(min_length=1, max_length=2048)
    webhook_events: list[str] | None = Field(default=None, min_length=1)
    webhook_headers: dict[str, str] | None = None
    webhook_output_format: OutputFormat | None = None
    webhook_signing_secret: str | None = Field(default=None, max_length=512)

    _events = field_validator("webhook_events")(_known_events)


class WebhookConfigUpdate(BaseModel):
    """Body of `PUT /api/v1/beta/webhook-configs/{id}`; omitted fields stay as they are."""

    model_config = ConfigDict(extra="ignore")

    webhook_url: str | None = Field(default=None, min_length=1, max_length=2048)
    webhook_events: list[str] | None = Field(default=None, min_length=1)
    webhook_headers: dict[str, str] | None = None
    webhook_output_format: OutputFormat | None = None
    webhook_signing_secret: str | None = Field(default=None, max_length=512)

    _events = field_validator("webhook_events")(_known_events)


class WebhookConfigOut(BaseModel):
    """A saved webhook configuration (the secret is never returned)."""

    id: str
    has_secret: bool
    tenant_id: str
    tenant_type: Literal["project"] = "project"
    webhook_url: str
    webhook_events: list[str] | None = None
    webhook_headers: dict[str, str] | None = None
    webhook_output_format: OutputFormat | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class WebhookDeliveryOut(BaseModel):
    """One delivery attempt."""

    id: str
    event_id: str
    event_type: str
    job_id: str
    url: str
    attempt: int
    status_code: int | None = None
    latency_ms: int | None = None
    error: str | None = None
    created_at: datetime | None = None
