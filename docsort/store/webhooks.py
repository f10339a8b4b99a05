"""Saved webhook configurations, the event outbox and the delivery log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from docsort import ids
from docsort.store.paging import Page, SortKey, fetch_page
from docsort.store.tables import (
    Base,
    Batch,
    ClassifyJob,
    V1Job,
    WebhookConfig,
    WebhookDelivery,
    WebhookEvent,
    utcnow,
)
from docsort.webhooks.endpoints import WebhookEndpoint
from docsort.webhooks.events import BATCH, CLASSIFY_JOB, V1_JOB
from docsort.webhooks.models import WebhookTarget

_TABLE_OF_KIND: dict[str, type[Base]] = {CLASSIFY_JOB: ClassifyJob, V1_JOB: V1Job, BATCH: Batch}


@dataclass(frozen=True)
class Undispatched:
    """An object's events not yet handed to delivery workflows, and where each goes."""

    event_ids: list[str]
    targets: list[WebhookTarget]


async def record_event(
    session: AsyncSession,
    *,
    project_id: str,
    object_kind: str,
    object_id: str,
    event_type: str,
    data: dict[str, Any],
) -> WebhookEvent | None:
    """Append an event to the object's outbox in the caller's transaction.

    An object emits each event type at most once (statuses never come back), so a retried
    transition records nothing new; None then. `sequence` grows with each event of the object.
    """
    if await _event_exists(session, object_id, event_type):
        return None
    highest = await session.scalar(
        select(func.max(WebhookEvent.sequence)).where(WebhookEvent.object_id == object_id)
    )
    row = WebhookEvent(
        id=ids.new_id("evt"),
        project_id=project_id,
        object_kind=object_kind,
        object_id=object_id,
        event_type=event_type,
        sequence=int(highest or 0) + 1,
        data=to_jsonable_python(data),
        created_at=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent transition of the same object recorded it first
        return None
    return row


async def events_of(session: AsyncSession, object_id: str) -> list[WebhookEvent]:
    """Every event an object emitted, in sequence order."""
    rows = await session.scalars(
        select(WebhookEvent)
        .where(WebhookEvent.object_id == object_id)
        .order_by(WebhookEvent.sequence)
    )
    return list(rows)


async def get_event(session: AsyncSession, event_id: str) -> WebhookEvent | None:
    """An event by id."""
    return await session.get(WebhookEvent, event_id)


async def endpoints_of(
    session: AsyncSession, object_kind: str, object_id: str
) -> list[WebhookEndpoint]:
    """The endpoints configured on a job or batch (none when it has no webhooks)."""
    row = await session.get(_TABLE_OF_KIND[object_kind], object_id)
    stored: list[dict[str, Any]] | None = getattr(row, "webhooks", None)
    return [WebhookEndpoint.model_validate(e) for e in stored or []]


async def undispatched(session: AsyncSession, object_kind: str, object_id: str) -> Undispatched:
    """The object's events without delivery workflows yet, with the endpoints each goes to."""
    rows = list(
        await session.scalars(
            select(WebhookEvent)
            .where(WebhookEvent.object_id == object_id, WebhookEvent.dispatched_at.is_(None))
            .order_by(WebhookEvent.sequence)
        )
    )
    if not rows:
        return Undispatched(event_ids=[], targets=[])
    endpoints = await endpoints_of(session, object_kind, object_id)
    targets = [
        WebhookTarget(
            event_id=row.id,
            event_type=row.event_type,
            object_kind=object_kind,
            object_id=object_id,
            endpoint_index=index,
        )
        for row in rows
        for index, endpoint in enumerate(endpoints)
        if endpoint.events is None or row.event_type in endpoint.events
    ]
    return Undispatched(event_ids=[row.id for row in rows], targets=targets)


async def stale_undispatched(
    session: AsyncSession, recorded_before: datetime, limit: int
) -> list[tuple[str, str]]:
    """(kind, id) of up to `limit` objects with events recorded before `recorded_before` that
    still have no delivery workflows, oldest first."""
    oldest = func.min(WebhookEvent.created_at)
    rows = await session.execute(
        select(WebhookEvent.object_kind, WebhookEvent.object_id)
        .where(WebhookEvent.dispatched_at.is_(None), WebhookEvent.created_at < recorded_before)
        .group_by(WebhookEvent.object_kind, WebhookEvent.object_id)
        .order_by(oldest)
        .limit(limit)
    )
    return [(kind, object_id) for kind, object_id in rows]


async def mark_dispatched(session: AsyncSession, event_ids: Sequence[str]) -> None:
    """Every delivery of these events has its workflow: stop handing them out."""
    if event_ids:
        await session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id.in_(list(event_ids)), WebhookEvent.dispatched_at.is_(None))
            .values(dispatched_at=utcnow())
        )


async def record_attempt(
    session: AsyncSession,
    event: WebhookEvent,
    *,
    url: str,
    attempt: int,
    status_code: int | None,
    latency_ms: int | None,
    error: str | None,
) -> WebhookDelivery:
    """Log one delivery attempt of an event."""
    row = WebhookDelivery(
        id=ids.new_id("whd"),
        project_id=event.project_id,
        object_id=event.object_id,
        event_id=event.id,
        event_type=event.event_type,
        url=url,
        attempt=attempt,
        status_code=status_code,
        latency_ms=latency_ms,
        error=error,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    return row


async def _event_exists(session: AsyncSession, object_id: str, event_type: str) -> bool:
    found = await session.scalar(
        select(WebhookEvent.id).where(
            WebhookEvent.object_id == object_id, WebhookEvent.event_type == event_type
        )
    )
    return found is not None


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
