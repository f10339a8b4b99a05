"""Uploaded files: rows in `files`, bytes in blob storage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from docsort.store.paging import Page, SortKey, fetch_page
from docsort.store.tables import StoredFile

FileOrder = Literal["name", "id", "created_at"]

_ORDERS: dict[str | None, list[SortKey]] = {
    None: [SortKey(StoredFile.created_at), SortKey(StoredFile.id)],
    "name": [SortKey(StoredFile.name), SortKey(StoredFile.id)],
    "id": [SortKey(StoredFile.id)],
    "created_at": [
        SortKey(StoredFile.created_at, descending=True),
        SortKey(StoredFile.id, descending=True),
    ],
}


async def get_file(session: AsyncSession, project_id: str, file_id: str) -> StoredFile | None:
    """The file with this id in the project, if any."""
    row = await session.get(StoredFile, file_id)
    return row if row is not None and row.project_id == project_id else None


async def existing_file_ids(
    session: AsyncSession, project_id: str, file_ids: Sequence[str]
) -> set[str]:
    """Which of `file_ids` exist in the project."""
    found: set[str] = set()
    for start in range(0, len(file_ids), 500):
        chunk = list(file_ids[start : start + 500])
        rows = await session.scalars(
            select(StoredFile.id).where(
                StoredFile.project_id == project_id, StoredFile.id.in_(chunk)
            )
        )
        found.update(rows)
    return found


async def list_files(
    session: AsyncSession,
    project_id: str,
    *,
    page_size: int,
    page_token: str | None,
    file_ids: Sequence[str] | None = None,
    file_name: str | None = None,
    external_file_id: str | None = None,
    order_by: FileOrder | None = None,
) -> Page[StoredFile]:
    """One page of the project's files, filtered and ordered as asked."""
    statement = select(StoredFile).where(StoredFile.project_id == project_id)
    if file_ids:
        statement = statement.where(StoredFile.id.in_(list(file_ids)))
    if file_name is not None:
        statement = statement.where(StoredFile.name == file_name)
    if external_file_id is not None:
        statement = statement.where(StoredFile.external_file_id == external_file_id)
    return await fetch_page(session, statement, _ORDERS[order_by], page_size, page_token)


async def delete_file(session: AsyncSession, project_id: str, file_id: str) -> StoredFile | None:
    """Delete the file's row and return it (the caller removes the blob), or None if absent."""
    row = await get_file(session, project_id, file_id)
    if row is not None:
        await session.execute(delete(StoredFile).where(StoredFile.id == file_id))
    return row
