"""Wire models of `/api/v1/beta/files` and `/api/v1/files` (contract §5)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

PURPOSES = ("user_data", "parse", "extract", "classify", "split", "sheet", "agent_app")


class PresignedUrl(BaseModel):
    """A URL that can be fetched without the bearer key until it expires."""

    url: str
    expires_at: datetime
    form_fields: dict[str, str] | None = None


class FileOut(BaseModel):
    """A stored file as clients see it."""

    id: str
    name: str
    project_id: str
    file_type: str | None = None
    file_size: int | None = None
    purpose: str | None = None
    external_file_id: str | None = None
    expires_at: datetime | None = None
    last_modified_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    data_source_id: str | None = None
    download_url: PresignedUrl | None = None
