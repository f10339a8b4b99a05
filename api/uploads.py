"""Storing an uploaded file: stream to disk with a size cap, hash, sniff, then blob and row."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fastapi import UploadFile

from api.errors import ApiError
from api.state import AppState
from docsort import ids
from docsort.parsing.sniff import detect_type
from docsort.store.tables import StoredFile

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class _Spooled:
    path: Path
    size: int
    sha256: str


async def store_upload(
    state: AppState,
    project_id: str,
    upload: UploadFile,
    *,
    purpose: str | None,
    external_file_id: str | None,
) -> StoredFile:
    """Save the upload to blob storage and insert its row; 413 past the size limit."""
    limit = state.settings.max_upload_bytes
    spooled = await _spool(upload, limit)
    try:
        detected = await asyncio.to_thread(detect_type, spooled.path)
        file_id = ids.file_id()
        blob_key = f"files/{project_id}/{file_id}"
        await asyncio.to_thread(state.blobs.put_file, blob_key, spooled.path)
    finally:
        spooled.path.unlink(missing_ok=True)
    row = StoredFile(
        id=file_id,
        project_id=project_id,
        name=_clean_name(upload.filename),
        purpose=purpose,
        external_file_id=external_file_id,
        size=spooled.size,
        sha256=spooled.sha256,
        detected_type=detected.kind,
        mime_type=detected.mime,
        blob_key=blob_key,
    )
    try:
        async with state.db.write() as session:
            session.add(row)
    except BaseException:
        await asyncio.to_thread(state.blobs.delete, blob_key)
        raise
    return row


async def _spool(upload: UploadFile, limit: int) -> _Spooled:
    """Copy the received part to a temp file (off the event loop), hashing it on the way."""
    return await asyncio.to_thread(_spool_sync, upload.file, limit)


def _spool_sync(source: BinaryIO, limit: int) -> _Spooled:
    digest = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(prefix="docsort-upload-")
    path = Path(name)
    try:
        source.seek(0)
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, f"file is larger than the upload limit of {limit} bytes")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _Spooled(path=path, size=size, sha256=digest.hexdigest())


def _clean_name(filename: str | None) -> str:
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:1024] or "upload"


def file_type_of(row: StoredFile) -> str:
    """The `file_type` shown to clients: the name's extension, else the sniffed type."""
    stem, dot, ext = row.name.rpartition(".")
    return ext.lower() if dot and stem and ext else row.detected_type
