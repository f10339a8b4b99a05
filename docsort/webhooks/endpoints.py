"""A resolved webhook endpoint, as stored on the job or batch it belongs to."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class WebhookEndpoint(BaseModel):
    """Where to deliver an object's events and how."""

    url: str
    events: list[str] | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    output_format: Literal["json", "string"] = "string"
    signing_secret: str | None = None
    config_id: str | None = None
