"""Saved product configurations (`cfg-…`), scoped by project."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from docsort import ids
from docsort.store.paging import Page, SortKey, fetch_page
from docsort.store.tables import Configuration, utcnow


class DuplicateConfiguration(ValueError):
    """Another configuration of the project already has that name and product type."""


async def upsert_configuration(
    session: AsyncSession, project_id: str, name: str, product_type: str, parameters: dict[str, Any]
) -> Configuration:
    """Create, or update the one with the same (project, name, product type): same id."""
    existing = await session.scalar(
        select(Configuration).where(
            Configuration.project_id == project_id,
            Configuration.name == name,
            Configuration.product_type == product_type,
        )
    )
    if existing is not None:
        existing.parameters = parameters
        existing.updated_at = utcnow()
        await session.flush()
        return existing
    row = Configuration(
        id=ids.new_id("cfg"),
        project_id=project_id,
        name=name,
        product_type=product_type,
        parameters=parameters,
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent create of the same name won: update that one
        return await upsert_configuration(session, project_id, name, product_type, parameters)
    return row


async def get_configuration(
    session: AsyncSession, project_id: str, configuration_id: str
) -> Configuration | None:
    """The configuration with this id in the project, if any."""
    row = await session.get(Configuration, configuration_id)
    return row if row is not None and row.project_id == project_id else None


async def list_configurations(
    session: AsyncSession,
    project_id: str,
    *,
    page_size: int,
    page_token: str | None,
    name: str | None = None,
    product_types: Sequence[str] | None = None,
) -> Page[Configuration]:
    """One page of the project's configurations, oldest first."""
    statement = select(Configuration).where(Configuration.project_id == project_id)
    if name is not None:
        statement = statement.where(Configuration.name == name)
    if product_types:
        statement = statement.where(Configuration.product_type.in_(list(product_types)))
    keys = [SortKey(Configuration.created_at), SortKey(Configuration.id)]
    return await fetch_page(session, statement, keys, page_size, page_token)


async def update_configuration(
    session: AsyncSession,
    row: Configuration,
    *,
    name: str | None,
    parameters: dict[str, Any] | None,
    product_type: str | None,
) -> Configuration:
    """Change the name and/or parameters; refuses a name another configuration holds."""
    new_name = name if name is not None else row.name
    new_type = product_type if product_type is not None else row.product_type
    if (new_name, new_type) != (row.name, row.product_type):
        clash = await session.scalar(
            select(Configuration.id).where(
                Configuration.project_id == row.project_id,
                Configuration.name == new_name,
                Configuration.product_type == new_type,
                Configuration.id != row.id,
            )
        )
        if clash is not None:
            raise DuplicateConfiguration(
                f"configuration {clash} already has the name {new_name!r} for {new_type}"
            )
    row.name = new_name
    row.product_type = new_type
    if parameters is not None:
        row.parameters = parameters
    row.updated_at = utcnow()
    await session.flush()
    return row


async def delete_configuration(session: AsyncSession, row: Configuration) -> None:
    """Remove a configuration (jobs created from it keep their resolved rules)."""
    await session.delete(row)
    await session.flush()
