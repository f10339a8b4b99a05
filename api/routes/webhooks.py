"""Saved webhook configurations (`/api/v1/beta/webhook-configs`, `/api/v2/webhook-configs`)
and the delivery log (`/api/v1/webhook-deliveries`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import ProjectId, State
from api.errors import not_found
from api.schemas.common import CursorPage, PageSize
from api.schemas.webhooks import (
    WebhookConfigCreate,
    WebhookConfigOut,
    WebhookConfigUpdate,
    WebhookDeliveryOut,
)
from api.state import AppState
from api.webhook_endpoints import guard
from docsort import ids
from docsort.store import webhooks
from docsort.store.tables import WebhookConfig, utcnow

router = APIRouter(prefix="/api/v1/beta/webhook-configs", tags=["webhooks"])
v2_router = APIRouter(prefix="/api/v2/webhook-configs", tags=["webhooks"])
deliveries_router = APIRouter(prefix="/api/v1/webhook-deliveries", tags=["webhooks"])


@router.post("")
async def create_webhook_config(
    body: WebhookConfigCreate, state: State, project_id: ProjectId
) -> WebhookConfigOut:
    """Save a webhook endpoint (its URL passes the address guard)."""
    await guard(state, body.webhook_url, ["body", "webhook_url"])
    row = WebhookConfig(
        id=ids.new_id("whc"),
        project_id=project_id,
        url=body.webhook_url,
        events=body.webhook_events,
        headers=body.webhook_headers,
        output_format=body.webhook_output_format,
        signing_secret=body.webhook_signing_secret,
    )
    async with state.db.write() as session:
        session.add(row)
    return _out(row)


@router.get("")
async def list_webhook_configs(state: State, project_id: ProjectId) -> list[WebhookConfigOut]:
    """Every saved webhook configuration of the project (a bare array)."""
    async with state.db.read() as session:
        return [_out(row) for row in await webhooks.all_configs(session, project_id)]


@router.get("/{config_id}")
async def get_webhook_config(
    config_id: str, state: State, project_id: ProjectId
) -> WebhookConfigOut:
    """One saved webhook configuration."""
    return _out(await _load(state, project_id, config_id))


@router.put("/{config_id}")
async def update_webhook_config(
    config_id: str, body: WebhookConfigUpdate, state: State, project_id: ProjectId
) -> WebhookConfigOut:
    """Change some fields; omitted ones stay as they are."""
    if body.webhook_url is not None:
        await guard(state, body.webhook_url, ["body", "webhook_url"])
    async with state.db.write() as session:
        row = await webhooks.get_config(session, project_id, config_id)
        if row is None:
            raise not_found(f"webhook configuration {config_id}")
        for field, column in (
            ("webhook_url", "url"),
            ("webhook_events", "events"),
            ("webhook_headers", "headers"),
            ("webhook_output_format", "output_format"),
            ("webhook_signing_secret", "signing_secret"),
        ):
            if field in body.model_fields_set:
                setattr(row, column, getattr(body, field))
        row.updated_at = utcnow()
    return _out(row)


@router.delete("/{config_id}", status_code=204)
async def delete_webhook_config(config_id: str, state: State, project_id: ProjectId) -> Response:
    """Delete a saved configuration (jobs that used it keep their copy)."""
    async with state.db.write() as session:
        row = await webhooks.get_config(session, project_id, config_id)
        if row is None:
            raise not_found(f"webhook configuration {config_id}")
        await session.delete(row)
    return Response(status_code=204)


@v2_router.get("")
async def page_webhook_configs(
    state: State,
    project_id: ProjectId,
    page_size: Annotated[PageSize, Query()] = 50,
    page_token: Annotated[str | None, Query()] = None,
) -> CursorPage[WebhookConfigOut]:
    """Saved webhook configurations, a cursor page at a time."""
    async with state.db.read() as session:
        page = await webhooks.page_configs(
            session, project_id, page_size=page_size, page_token=page_token
        )
    return CursorPage[WebhookConfigOut](
        items=[_out(row) for row in page.items], next_page_token=page.next_page_token
    )


@deliveries_router.get("")
async def list_deliveries(
    state: State,
    project_id: ProjectId,
    job_id: Annotated[str | None, Query()] = None,
    page_size: Annotated[PageSize, Query()] = 50,
    page_token: Annotated[str | None, Query()] = None,
) -> CursorPage[WebhookDeliveryOut]:
    """Every delivery attempt (of one job or batch with `job_id`), oldest first."""
    async with state.db.read() as session:
        page = await webhooks.page_deliveries(
            session, project_id, job_id, page_size=page_size, page_token=page_token
        )
    return CursorPage[WebhookDeliveryOut](
        items=[
            WebhookDeliveryOut(
                id=row.id,
                event_id=row.event_id,
                event_type=row.event_type,
                job_id=row.object_id,
                url=row.url,
                attempt=row.attempt,
                status_code=row.status_code,
                latency_ms=row.latency_ms,
                error=row.error,
                created_at=row.created_at,
            )
            for row in page.items
        ],
        next_page_token=page.next_page_token,
    )


async def _load(state: AppState, project_id: str, config_id: str) -> WebhookConfig:
    async with state.db.read() as session:
        row = await webhooks.get_config(session, project_id, config_id)
    if row is None:
        raise not_found(f"webhook configuration {config_id}")
    return row


def _out(row: WebhookConfig) -> WebhookConfigOut:
    return WebhookConfigOut(
        id=row.id,
        has_secret=bool(row.signing_secret),
        tenant_id=row.project_id,
        webhook_url=row.url,
        webhook_events=row.events,
        webhook_headers=row.headers,
        webhook_output_format=row.output_format,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
