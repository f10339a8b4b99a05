"""Parse jobs: the text extracted from a file with one parse setting, reused when it matches."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from docsort import ids
from docsort.domain import FileJobStatus, ParsingOptions
from docsort.store.tables import ParseJob, utcnow


def settings_hash(options: ParsingOptions) -> str:
    """A stable digest of the parse settings that change the extracted text (and images)."""
    data = options.model_dump(mode="json")
    if not data.get("page_images"):
        data.pop("page_images", None)  # text-only jobs keep the digest they always had
    canonical = json.dumps(data, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def get_or_create_parse_job(
    session: AsyncSession, project_id: str, file_id: str, options: ParsingOptions
) -> ParseJob:
    """The parse job for this file and settings, created PENDING if there is none yet."""
    digest = settings_hash(options)
    existing = await _find(session, file_id, digest)
    if existing is not None:
        return existing
    row = ParseJob(
        id=ids.parse_job_id(),
        project_id=project_id,
        file_id=file_id,
        settings_hash=digest,
        status=FileJobStatus.PENDING,
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = await _find(session, file_id, digest)
        if found is None:
            raise
        return found
    return row


async def get_parse_job(session: AsyncSession, parse_job_id: str) -> ParseJob | None:
    """A parse job by id."""
    return await session.get(ParseJob, parse_job_id)


async def complete_parse_job(
    session: AsyncSession,
    parse_job_id: str,
    text_blob_key: str,
    page_count: int,
    pages: list[int],
    warnings: list[str] | None = None,
) -> None:
    """Record the extracted text's location and the pages it covers."""
    row = await session.get(ParseJob, parse_job_id)
    if row is None:
        raise LookupError(f"parse job {parse_job_id} not found")
    row.status = FileJobStatus.COMPLETED
    row.text_blob_key = text_blob_key
    row.page_count = page_count
    row.pages = pages
    row.warnings = warnings or None
    row.error_kind = None
    row.error_message = None
    row.updated_at = utcnow()


async def fail_parse_job(session: AsyncSession, parse_job_id: str, kind: str, message: str) -> None:
    """Record why the document could not be parsed."""
    row = await session.get(ParseJob, parse_job_id)
    if row is None:
        raise LookupError(f"parse job {parse_job_id} not found")
    row.status = FileJobStatus.FAILED
    row.error_kind = kind
    row.error_message = message
    row.updated_at = utcnow()


async def _find(session: AsyncSession, file_id: str, digest: str) -> ParseJob | None:
    return await session.scalar(
        select(ParseJob).where(ParseJob.file_id == file_id, ParseJob.settings_hash == digest)
    )
