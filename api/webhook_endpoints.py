"""Resolving the webhooks a request configures: inline ones and saved ones by id, guarded."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import ApiError, invalid, not_found
from api.schemas.webhooks import WebhookConfigurationIn
from api.state import AppState
from docsort.store.tables import WebhookConfig
from docsort.webhooks.endpoints import WebhookEndpoint
from docsort.webhooks.guard import UnsafeWebhookUrl, check_webhook_url

MAX_ENDPOINTS = 20


async def resolve_endpoints(
    state: AppState,
    session: AsyncSession,
    project_id: str,
    inline: list[dict[str, Any]] | None,
    config_ids: list[str] | None,
) -> list[WebhookEndpoint] | None:
    """Every endpoint of the request, each URL checked by the address guard; None when none."""
    endpoints: list[WebhookEndpoint] = []
    for index, raw in enumerate(inline or []):
        loc: list[str | int] = ["body", "webhook_configurations", index]
        try:
            config = WebhookConfigurationIn.model_validate(raw)
        except ValidationError as exc:
            detail = [
                {"loc": [*loc, *err["loc"]], "msg": err["msg"], "type": err["type"]}
                for err in exc.errors()
            ]
            raise ApiError(422, detail) from exc
        if not config.webhook_url:
            raise invalid([*loc, "webhook_url"], "webhook_url is required")
        await guard(state, config.webhook_url, [*loc, "webhook_url"])
        endpoints.append(
            WebhookEndpoint(
                url=config.webhook_url,
                events=config.webhook_events,
                headers=config.webhook_headers or {},
                output_format=config.webhook_output_format or "string",
                signing_secret=config.webhook_signing_secret,
            )
        )
    for config_id in config_ids or []:
        saved = await session.get(WebhookConfig, config_id)
        if saved is None or saved.project_id != project_id:
            raise not_found(f"webhook configuration {config_id}")
        endpoints.append(
            WebhookEndpoint(
                url=saved.url,
                events=saved.events,
                headers=saved.headers or {},
                output_format="json" if saved.output_format == "json" else "string",
                signing_secret=saved.signing_secret,
                config_id=saved.id,
            )
        )
    if len(endpoints) > MAX_ENDPOINTS:
        raise invalid(["body", "webhook_configurations"], f"at most {MAX_ENDPOINTS} webhooks")
    return endpoints or None


async def guard(state: AppState, url: str, loc: list[str | int]) -> None:
    """422 naming the field when the URL is not allowed (scheme, or an internal address)."""
    try:
        await asyncio.to_thread(check_webhook_url, url, state.webhook_allow)
    except UnsafeWebhookUrl as exc:
        raise invalid(loc, str(exc)) from exc


def dumped(endpoints: list[WebhookEndpoint] | None) -> list[dict[str, Any]] | None:
    """The stored form of resolved endpoints."""
    return [e.model_dump() for e in endpoints] if endpoints else None
