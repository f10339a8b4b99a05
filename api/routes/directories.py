"""`/api/v1/beta/directories` and their files (contract §9)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import ProjectId, State
from api.errors import ApiError, invalid, not_found
from api.routes.files import presigned_url
from api.schemas.common import CursorPage, PageSize
from api.schemas.directories import (
    DirectoryCreate,
    DirectoryFileAdd,
    DirectoryFileOut,
    DirectoryFileUpdate,
    DirectoryOut,
    DirectoryUpdate,
    MetadataValue,
)
from api.state import AppState
from api.uploads import store_upload
from docsort.store import directories, files
from docsort.store.directories import DirectoryFileFilters, DuplicateUniqueId
from docsort.store.tables import Directory, DirectoryFile, StoredFile, utcnow

router = APIRouter(prefix="/api/v1/beta/directories", tags=["directories"])

DirectoryType = Literal["user", "ephemeral", "index"]
Expand = Annotated[list[str] | None, Query()]
_METADATA = TypeAdapter(dict[str, MetadataValue])


@router.post("")
async def create_directory(
    body: DirectoryCreate, state: State, project_id: ProjectId
) -> DirectoryOut:
    """A new directory."""
    async with state.db.write() as session:
        row = await directories.create_directory(
            session,
            project_id,
            name=body.name,
            description=body.description,
            type=body.type or "user",
            system_metadata=body.system_metadata,
        )
    return _directory_out(row)


@router.get("")
async def list_directories(
    state: State,
    project_id: ProjectId,
    page_size: Annotated[PageSize, Query()] = 50,
    page_token: Annotated[str | None, Query()] = None,
    name: Annotated[str | None, Query()] = None,
    type: Annotated[DirectoryType | None, Query()] = None,
    types: Annotated[list[DirectoryType] | None, Query()] = None,
    include_deleted: Annotated[bool, Query()] = False,
) -> CursorPage[DirectoryOut]:
    """The project's directories, oldest first."""
    wanted = [*(types or []), *([type] if type else [])]
    async with state.db.read() as session:
        page = await directories.list_directories(
            session,
            project_id,
            page_size=page_size,
            page_token=page_token,
            name=name,
            types=wanted,
            include_deleted=include_deleted,
        )
    return CursorPage[DirectoryOut](
        items=[_directory_out(row) for row in page.items], next_page_token=page.next_page_token
    )


@router.get("/{directory_id}")
async def get_directory(directory_id: str, state: State, project_id: ProjectId) -> DirectoryOut:
    """One directory."""
    async with state.db.read() as session:
        return _directory_out(await _directory(session, project_id, directory_id))


@router.patch("/{directory_id}")
async def update_directory(
    directory_id: str, body: DirectoryUpdate, state: State, project_id: ProjectId
) -> DirectoryOut:
    """Rename a directory or change its description."""
    async with state.db.write() as session:
        row = await _directory(session, project_id, directory_id)
        if body.name is not None:
            row.name = body.name
        if body.description is not None:
            row.description = body.description
        row.updated_at = utcnow()
    return _directory_out(row)


@router.delete("/{directory_id}", status_code=204)
async def delete_directory(directory_id: str, state: State, project_id: ProjectId) -> Response:
    """Soft-delete a directory and its files (the stored files stay)."""
    async with state.db.write() as session:
        await directories.delete_directory(
            session, await _directory(session, project_id, directory_id)
        )
    return Response(status_code=204)


@router.post("/{directory_id}/files")
async def add_directory_file(
    directory_id: str, body: DirectoryFileAdd, state: State, project_id: ProjectId
) -> DirectoryFileOut:
    """Place an already uploaded file in the directory."""
    async with state.db.write() as session:
        directory = await _directory(session, project_id, directory_id)
        stored = await files.get_file(session, project_id, body.file_id)
        if stored is None:
            raise not_found(f"file {body.file_id}")
        row = await _add(
            session, directory, stored, body.display_name, body.unique_id, body.metadata
        )
    return _file_out(row)


@router.post("/{directory_id}/files/upload")
async def upload_directory_file(
    directory_id: str,
    state: State,
    project_id: ProjectId,
    upload_file: Annotated[UploadFile, File()],
    display_name: Annotated[str | None, Form()] = None,
    external_file_id: Annotated[str | None, Form()] = None,
    unique_id: Annotated[str | None, Form()] = None,
    metadata: Annotated[str | None, Form()] = None,
) -> DirectoryFileOut:
    """Upload a file straight into the directory (part `upload_file`; `metadata` is JSON text)."""
    parsed_metadata = _metadata_from_form(metadata)
    async with state.db.read() as session:
        await _directory(session, project_id, directory_id)
    stored = await store_upload(
        state, project_id, upload_file, purpose="user_data", external_file_id=external_file_id
    )
    async with state.db.write() as session:
        directory = await _directory(session, project_id, directory_id)
        row = await _add(session, directory, stored, display_name, unique_id, parsed_metadata)
    return _file_out(row)


@router.get("/{directory_id}/files")
async def list_directory_files(
    directory_id: str,
    request: Request,
    state: State,
    project_id: ProjectId,
    page_size: Annotated[PageSize, Query()] = 50,
    page_token: Annotated[str | None, Query()] = None,
    display_name: Annotated[str | None, Query()] = None,
    display_name_contains: Annotated[str | None, Query()] = None,
    file_id: Annotated[str | None, Query()] = None,
    unique_id: Annotated[str | None, Query()] = None,
    include_deleted: Annotated[bool, Query()] = False,
    updated_at_on_or_after: Annotated[datetime | None, Query()] = None,
    updated_at_on_or_before: Annotated[datetime | None, Query()] = None,
    expand: Expand = None,
) -> CursorPage[DirectoryFileOut]:
    """The directory's files in the order they were added."""
    filters = DirectoryFileFilters(
        display_name=display_name,
        display_name_contains=display_name_contains,
        file_id=file_id,
        unique_id=unique_id,
        include_deleted=include_deleted,
        updated_on_or_after=updated_at_on_or_after,
        updated_on_or_before=updated_at_on_or_before,
    )
    async with state.db.read() as session:
        await _directory(session, project_id, directory_id)
        page = await directories.list_files(
            session, directory_id, filters, page_size=page_size, page_token=page_token
        )
        items = [
            await _file_out_expanded(session, row, request, state, expand) for row in page.items
        ]
    return CursorPage[DirectoryFileOut](items=items, next_page_token=page.next_page_token)


@router.get("/{directory_id}/files/{directory_file_id}")
async def get_directory_file(
    directory_id: str,
    directory_file_id: str,
    request: Request,
    state: State,
    project_id: ProjectId,
    expand: Expand = None,
) -> DirectoryFileOut:
    """One file of the directory."""
    async with state.db.read() as session:
        row = await _directory_file(session, project_id, directory_id, directory_file_id)
        return await _file_out_expanded(session, row, request, state, expand)


@router.patch("/{directory_id}/files/{directory_file_id}")
async def update_directory_file(
    directory_id: str,
    directory_file_id: str,
    body: DirectoryFileUpdate,
    state: State,
    project_id: ProjectId,
) -> DirectoryFileOut:
    """Rename, re-key, re-tag or move (`target_directory_id`) a directory file."""
    async with state.db.write() as session:
        row = await _directory_file(session, project_id, directory_id, directory_file_id)
        target = None
        if body.target_directory_id is not None:
            target = await _directory(session, project_id, body.target_directory_id)
        try:
            row = await directories.update_file(
                session,
                row,
                display_name=body.display_name,
                unique_id=body.unique_id,
                metadata=body.metadata,
                target_directory=target,
            )
        except DuplicateUniqueId as exc:
            raise ApiError(400, str(exc)) from exc
    return _file_out(row)


@router.delete("/{directory_id}/files/{directory_file_id}", status_code=204)
async def delete_directory_file(
    directory_id: str, directory_file_id: str, state: State, project_id: ProjectId
) -> Response:
    """Soft-delete a file of the directory."""
    async with state.db.write() as session:
        row = await _directory_file(session, project_id, directory_id, directory_file_id)
        await directories.delete_file(session, row)
    return Response(status_code=204)


async def _add(
    session: AsyncSession,
    directory: Directory,
    stored: StoredFile,
    display_name: str | None,
    unique_id: str | None,
    metadata: dict[str, MetadataValue] | None,
) -> DirectoryFile:
    try:
        return await directories.add_file(
            session,
            directory,
            file_id=stored.id,
            display_name=display_name or stored.name,
            unique_id=unique_id or stored.external_file_id or stored.name,
            metadata=metadata,
        )
    except DuplicateUniqueId as exc:
        raise ApiError(400, f"{exc}; give another unique_id") from exc


def _metadata_from_form(value: str | None) -> dict[str, MetadataValue] | None:
    if value is None or not value.strip():
        return None
    try:
        return _METADATA.validate_python(json.loads(value))
    except (ValueError, ValidationError) as exc:
        raise invalid(
            ["body", "metadata"],
            "metadata must be a JSON object of strings, numbers, booleans, nulls or string lists",
        ) from exc


async def _directory(session: AsyncSession, project_id: str, directory_id: str) -> Directory:
    row = await directories.get_directory(session, project_id, directory_id)
    if row is None:
        raise not_found(f"directory {directory_id}")
    return row


async def _directory_file(
    session: AsyncSession, project_id: str, directory_id: str, directory_file_id: str
) -> DirectoryFile:
    await _directory(session, project_id, directory_id)
    row = await directories.get_file(session, project_id, directory_id, directory_file_id)
    if row is None:
        raise not_found(f"directory file {directory_file_id}")
    return row


def _directory_out(row: Directory) -> DirectoryOut:
    return DirectoryOut(
        id=row.id,
        name=row.name,
        project_id=row.project_id,
        description=row.description,
        type=row.type,
        system_metadata=row.system_metadata,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


def _file_out(row: DirectoryFile) -> DirectoryFileOut:
    return DirectoryFileOut(
        id=row.id,
        directory_id=row.directory_id,
        display_name=row.display_name,
        project_id=row.project_id,
        unique_id=row.unique_id,
        file_id=row.file_id,
        metadata=row.metadata_,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


async def _file_out_expanded(
    session: AsyncSession,
    row: DirectoryFile,
    request: Request,
    state: AppState,
    expand: list[str] | None,
) -> DirectoryFileOut:
    out = _file_out(row)
    if expand and "download_url" in expand:
        stored = await files.get_file(session, row.project_id, row.file_id)
        if stored is not None:
            out.download_url = presigned_url(stored, request, state, None)
    return out
