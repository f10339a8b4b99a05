"""Saved webhook configurations and the delivery log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from docsort.store.paging import Page, SortKey, fetch_page
from docsort.store.tables import WebhookConfig, WebhookDelivery


async def get_config(
    session: AsyncSession, project_id: str, config_id: str
) -> WebhookConfig | None:
    """A saved webhook configuration of the project, if any."""
    row = await session.get(WebhookConfig, config_id)
    return row if row is not None and row.project_id == project_id else None


async def all_configs(session: AsyncSession, project_id: str) -> list[WebhookConfig]:
    """Every saved webhook configuration of the project, oldest first."""
    rows = await session.scalars(
        select(WebhookConfig)
        .where(WebhookConfig.project_id == project_id)
        .order_by(WebhookConfig.created_at, WebhookConfig.id)
    )
    return list(rows)


async def page_configs(
    session: AsyncSession, project_id: str, *, page_size: int, page_token: str | None
) -> Page[WebhookConfig]:
    """One cursor page of the project's webhook configurations."""
    statement = select(WebhookConfig).where(WebhookConfig.project_id == project_id)
    keys = [SortKey(WebhookConfig.created_at), SortKey(WebhookConfig.id)]
    return await fetch_page(session, statement, keys, page_size, page_token)


async def page_deliveries(
    session: AsyncSession,
    project_id: str,
    object_id: str | None,
    *,
    page_size: int,
    page_token: str | None,
) -> Page[WebhookDelivery]:
    """One cursor page of delivery attempts (of one job or batch when given), oldest first."""
    statement = select(WebhookDelivery).where(WebhookDelivery.project_id == project_id)
    if object_id is not None:
        statement = statement.where(WebhookDelivery.object_id == object_id)
    keys = [SortKey(WebhookDelivery.created_at), SortKey(WebhookDelivery.id)]
    return await fetch_page(session, statement, keys, page_size, page_token)
