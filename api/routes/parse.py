"""`GET /api/v2/parse/{id}`: the parse job a classification used, with its text (contract §11)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import ProjectId, State
from api.errors import not_found
from docsort.parsed_text import load_parsed_text
from docsort.store import files, parse_jobs

router = APIRouter(prefix="/api/v2/parse", tags=["parse jobs"])


class ParseJobOut(BaseModel):
    """A parse job's status."""

    id: str
    project_id: str
    status: str
    name: str | None = None
    error_message: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ParseResultOut(BaseModel):
    """A parse job and, once COMPLETED, its text (pages separated by blank lines)."""

    job: ParseJobOut
    text: str | None = None
    markdown: str | None = None
    page_count: int | None = None
    pages: list[int] | None = None


@router.get("/{job_id}")
async def get_parse_job(job_id: str, state: State, project_id: ProjectId) -> ParseResultOut:
    """A parse job of the project."""
    async with state.db.read() as session:
        row = await parse_jobs.get_parse_job(session, job_id)
        if row is None or row.project_id != project_id:
            raise not_found(f"parse job {job_id}")
        stored = await files.get_file(session, project_id, row.file_id)
    text = None
    if row.text_blob_key is not None:
        text = await asyncio.to_thread(load_parsed_text, state.blobs, row.text_blob_key)
    return ParseResultOut(
        job=ParseJobOut(
            id=row.id,
            project_id=row.project_id,
            status=row.status,
            name=stored.name if stored else None,
            error_message=row.error_message,
            created_at=row.created_at,
            updated_at=row.updated_at,
        ),
        text=text,
        page_count=row.page_count,
        pages=row.pages,
    )
