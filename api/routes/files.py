"""`/api/v1/beta/files` (and the legacy `/api/v1/files`): upload, get, list, delete, content."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse, StreamingResponse

from api.deps import ProjectId, State
from api.errors import ApiError, invalid, not_found
from api.schemas.common import CursorPage, PageSize
from api.schemas.files import PURPOSES, FileOut, PresignedUrl
from api.state import AppState
from api.uploads import file_type_of, store_upload
from docsort import signing
from docsort.store import files
from docsort.store.tables import StoredFile

router = APIRouter(prefix="/api/v1/beta/files", tags=["files"])
legacy_router = APIRouter(prefix="/api/v1/files", tags=["files (legacy)"])
content_router = APIRouter(tags=["files"])

Expand = Annotated[list[str] | None, Query()]


@router.post("")
async def upload_file(
    request: Request,
    state: State,
    project_id: ProjectId,
    file: Annotated[UploadFile, File()],
    purpose: Annotated[str, Form()],
    external_file_id: Annotated[str | None, Form()] = None,
) -> FileOut:
    """Upload a document (multipart `file` + `purpose`)."""
    if purpose not in PURPOSES:
        raise invalid(["body", "purpose"], f"purpose must be one of {', '.join(PURPOSES)}")
    row = await store_upload(
        state, project_id, file, purpose=purpose, external_file_id=external_file_id
    )
    return file_out(row)


@router.get("")
async def list_files(
    request: Request,
    state: State,
    project_id: ProjectId,
    page_size: Annotated[PageSize, Query()] = 50,
    page_token: Annotated[str | None, Query()] = None,
    file_ids: Annotated[list[str] | None, Query()] = None,
    file_name: Annotated[str | None, Query()] = None,
    external_file_id: Annotated[str | None, Query()] = None,
    order_by: Annotated[Literal["name", "id", "created_at"] | None, Query()] = None,
    expand: Expand = None,
) -> CursorPage[FileOut]:
    """The project's files, a cursor page at a time."""
    async with state.db.read() as session:
        page = await files.list_files(
            session,
            project_id,
            page_size=page_size,
            page_token=page_token,
            file_ids=file_ids,
            file_name=file_name,
            external_file_id=external_file_id,
            order_by=order_by,
        )
    with_url = _wants_download_url(expand)
    items = [file_out(row, request, state) if with_url else file_out(row) for row in page.items]
    return CursorPage[FileOut](items=items, next_page_token=page.next_page_token)


@router.get("/{file_id}")
async def get_file(
    file_id: str, request: Request, state: State, project_id: ProjectId, expand: Expand = None
) -> FileOut:
    """One file's metadata."""
    row = await _load(state, project_id, file_id)
    return file_out(row, request, state) if _wants_download_url(expand) else file_out(row)


@router.delete("/{file_id}", status_code=204)
async def delete_file(file_id: str, state: State, project_id: ProjectId) -> Response:
    """Delete a file and its bytes."""
    async with state.db.write() as session:
        row = await files.delete_file(session, project_id, file_id)
    if row is None:
        raise not_found(f"file {file_id}")
    await asyncio.to_thread(state.blobs.delete, row.blob_key)
    return Response(status_code=204)


@router.get("/{file_id}/content")
async def file_content(
    file_id: str,
    request: Request,
    state: State,
    project_id: ProjectId,
    expires_at_seconds: Annotated[int | None, Query(ge=1, le=7 * 24 * 3600)] = None,
) -> PresignedUrl:
    """A short-lived signed URL for the file's bytes."""
    row = await _load(state, project_id, file_id)
    return presigned_url(row, request, state, expires_at_seconds)


@legacy_router.post("")
async def upload_file_legacy(
    state: State,
    project_id: ProjectId,
    upload_file: Annotated[UploadFile, File()],
    external_file_id: Annotated[str | None, Query()] = None,
) -> FileOut:
    """Legacy upload (part `upload_file`, no purpose), onto the same files."""
    row = await store_upload(
        state, project_id, upload_file, purpose=None, external_file_id=external_file_id
    )
    return file_out(row)


@legacy_router.get("/{file_id}")
async def get_file_legacy(file_id: str, state: State, project_id: ProjectId) -> FileOut:
    """Legacy get of one file."""
    return file_out(await _load(state, project_id, file_id))


@content_router.get("/files-content/{file_id}", include_in_schema=False)
async def download_content(
    file_id: str,
    state: State,
    expires: Annotated[int, Query()],
    sig: Annotated[str, Query()],
) -> Response:
    """The file's bytes, for a valid, unexpired signature (no bearer key)."""
    if not signing.verify(state.signing_key, file_id, expires, sig):
        raise ApiError(403, "the link is invalid or has expired")
    async with state.db.read() as session:
        row = await session.get(StoredFile, file_id)
    if row is None:
        raise not_found(f"file {file_id}")
    local = state.blobs.open_path(row.blob_key)
    if local is not None:
        return FileResponse(local, filename=row.name, media_type=row.mime_type)
    # An object store: stream it through in chunks (Starlette iterates off the event loop).
    return StreamingResponse(
        state.blobs.stream(row.blob_key),
        media_type=row.mime_type,
        headers={"content-length": str(row.size)},
    )


def file_out(
    row: StoredFile, request: Request | None = None, state: AppState | None = None
) -> FileOut:
    """The wire form of a file (with a download URL when a request and state are given)."""
    return FileOut(
        id=row.id,
        name=row.name,
        project_id=row.project_id,
        file_type=file_type_of(row),
        file_size=row.size,
        purpose=row.purpose,
        external_file_id=row.external_file_id,
        last_modified_at=row.updated_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        download_url=presigned_url(row, request, state, None) if request and state else None,
    )


def presigned_url(
    row: StoredFile, request: Request, state: AppState, ttl_s: int | None
) -> PresignedUrl:
    """A signed link to `/files-content/{id}` valid for `ttl_s` seconds (default: setting)."""
    ttl = ttl_s or state.settings.content_url_ttl_s
    expires = int(time.time()) + ttl
    if state.settings.s3_presigned_downloads:
        direct = state.blobs.presigned_url(
            row.blob_key, ttl, filename=row.name, media_type=row.mime_type
        )
        if direct is not None:
            return PresignedUrl(url=direct, expires_at=datetime.fromtimestamp(expires, UTC))
    base = (state.settings.public_base_url or str(request.base_url)).rstrip("/")
    signature = signing.sign(state.signing_key, row.id, expires)
    return PresignedUrl(
        url=f"{base}/files-content/{row.id}?expires={expires}&sig={signature}",
        expires_at=datetime.fromtimestamp(expires, UTC),
    )


async def _load(state: AppState, project_id: str, file_id: str) -> StoredFile:
    async with state.db.read() as session:
        row = await files.get_file(session, project_id, file_id)
    if row is None:
        raise not_found(f"file {file_id}")
    return row


def _wants_download_url(expand: list[str] | None) -> bool:
    return bool(expand) and "download_url" in (expand or [])
