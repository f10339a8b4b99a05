"""Directories and the files placed in them (soft-deleted, `unique_id` unique per directory)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from docsort import ids
from docsort.store.paging import Page, SortKey, fetch_page
from docsort.store.tables import Directory, DirectoryFile, utcnow


class DuplicateUniqueId(ValueError):
    """The directory already holds a live file with that `unique_id`."""


@dataclass(frozen=True)
class DirectoryFileFilters:
    """Filters of a directory's file listing."""

    display_name: str | None = None
    display_name_contains: str | None = None
    file_id: str | None = None
    unique_id: str | None = None
    include_deleted: bool = False
    updated_on_or_after: datetime | None = None
    updated_on_or_before: datetime | None = None


async def create_directory(
    session: AsyncSession,
    project_id: str,
    *,
    name: str,
    description: str | None,
    type: str,
    system_metadata: dict[str, Any] | None,
) -> Directory:
    """A new, empty directory."""
    row = Directory(
        id=ids.new_id("dir"),
        project_id=project_id,
        name=name,
        description=description,
        type=type,
        system_metadata=system_metadata,
    )
    session.add(row)
    await session.flush()
    return row


async def get_directory(
    session: AsyncSession, project_id: str, directory_id: str, *, include_deleted: bool = False
) -> Directory | None:
    """A directory of the project (deleted ones only when asked)."""
    row = await session.get(Directory, directory_id)
    if row is None or row.project_id != project_id:
        return None
    return row if include_deleted or row.deleted_at is None else None


async def list_directories(
    session: AsyncSession,
    project_id: str,
    *,
    page_size: int,
    page_token: str | None,
    name: str | None = None,
    types: Sequence[str] | None = None,
    include_deleted: bool = False,
) -> Page[Directory]:
    """One page of the project's directories, oldest first."""
    statement = select(Directory).where(Directory.project_id == project_id)
    if name is not None:
        statement = statement.where(Directory.name == name)
    if types:
        statement = statement.where(Directory.type.in_(list(types)))
    if not include_deleted:
        statement = statement.where(Directory.deleted_at.is_(None))
    keys = [SortKey(Directory.created_at), SortKey(Directory.id)]
    return await fetch_page(session, statement, keys, page_size, page_token)


async def delete_directory(session: AsyncSession, row: Directory) -> None:
    """Soft-delete a directory and its files."""
    now = utcnow()
    row.deleted_at = now
    row.updated_at = now
    for file in await session.scalars(
        select(DirectoryFile).where(
            DirectoryFile.directory_id == row.id, DirectoryFile.deleted_at.is_(None)
        )
    ):
        file.deleted_at = now
        file.updated_at = now
    await session.flush()


async def add_file(
    session: AsyncSession,
    directory: Directory,
    *,
    file_id: str,
    display_name: str,
    unique_id: str,
    metadata: dict[str, Any] | None,
) -> DirectoryFile:
    """Place a stored file in the directory; DuplicateUniqueId if the unique_id is taken."""
    row = DirectoryFile(
        id=ids.file_id(),
        directory_id=directory.id,
        project_id=directory.project_id,
        file_id=file_id,
        display_name=display_name,
        unique_id=unique_id,
        metadata_=metadata,
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        raise DuplicateUniqueId(
            f"directory {directory.id} already holds a file with unique_id {unique_id!r}"
        ) from exc
    return row


async def get_file(
    session: AsyncSession, project_id: str, directory_id: str, directory_file_id: str
) -> DirectoryFile | None:
    """A file of the directory, if any (deleted ones included: they show `deleted_at`)."""
    row = await session.get(DirectoryFile, directory_file_id)
    if row is None or row.project_id != project_id or row.directory_id != directory_id:
        return None
    return row


async def get_any_file(
    session: AsyncSession, project_id: str, directory_file_id: str
) -> DirectoryFile | None:
    """A live directory file of the project by id, whatever its directory."""
    row = await session.get(DirectoryFile, directory_file_id)
    if row is None or row.project_id != project_id or row.deleted_at is not None:
        return None
    return row


async def list_files(
    session: AsyncSession,
    directory_id: str,
    filters: DirectoryFileFilters,
    *,
    page_size: int,
    page_token: str | None,
) -> Page[DirectoryFile]:
    """One page of a directory's files, in the order they were added."""
    statement = select(DirectoryFile).where(DirectoryFile.directory_id == directory_id)
    if not filters.include_deleted:
        statement = statement.where(DirectoryFile.deleted_at.is_(None))
    if filters.display_name is not None:
        statement = statement.where(DirectoryFile.display_name == filters.display_name)
    if filters.display_name_contains is not None:
        pattern = filters.display_name_contains.replace("\\", "\\\\")
        pattern = pattern.replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(DirectoryFile.display_name.like(f"%{pattern}%", escape="\\"))
    if filters.file_id is not None:
        statement = statement.where(DirectoryFile.file_id == filters.file_id)
    if filters.unique_id is not None:
        statement = statement.where(DirectoryFile.unique_id == filters.unique_id)
    if filters.updated_on_or_after is not None:
        statement = statement.where(DirectoryFile.updated_at >= filters.updated_on_or_after)
    if filters.updated_on_or_before is not None:
        statement = statement.where(DirectoryFile.updated_at <= filters.updated_on_or_before)
    keys = [SortKey(DirectoryFile.created_at), SortKey(DirectoryFile.id)]
    return await fetch_page(session, statement, keys, page_size, page_token)


async def update_file(
    session: AsyncSession,
    row: DirectoryFile,
    *,
    display_name: str | None,
    unique_id: str | None,
    metadata: dict[str, Any] | None,
    target_directory: Directory | None,
) -> DirectoryFile:
    """Rename, re-key, re-tag or move a directory file; DuplicateUniqueId on a clash."""
    if display_name is not None:
        row.display_name = display_name
    if unique_id is not None:
        row.unique_id = unique_id
    if metadata is not None:
        row.metadata_ = metadata
    if target_directory is not None:
        row.directory_id = target_directory.id
    row.updated_at = utcnow()
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise DuplicateUniqueId(
            f"directory {row.directory_id} already holds a file with unique_id {row.unique_id!r}"
        ) from exc
    return row


async def delete_file(session: AsyncSession, row: DirectoryFile) -> None:
    """Soft-delete a directory file (the stored file stays)."""
    now = utcnow()
    row.deleted_at = now
    row.updated_at = now
    await session.flush()
