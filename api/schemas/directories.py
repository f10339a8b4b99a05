"""Wire models of directories and their files (contract §9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.files import PresignedUrl

MetadataValue = str | int | float | bool | None | list[str]


class DirectoryCreate(BaseModel):
    """Body of `POST /api/v1/beta/directories`."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=10_000)
    type: Literal["user", "ephemeral"] | None = "user"
    connector_subscription_id: str | None = None
    system_metadata: dict[str, Any] | None = None


class DirectoryUpdate(BaseModel):
    """Body of `PATCH /api/v1/beta/directories/{id}`."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=10_000)


class DirectoryOut(BaseModel):
    """A directory."""

    id: str
    name: str
    project_id: str
    description: str | None = None
    type: str | None = None
    system_metadata: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    expires_at: datetime | None = None


class DirectoryFileAdd(BaseModel):
    """Body of `POST .../files`: place an uploaded file in the directory."""

    model_config = ConfigDict(extra="ignore")

    file_id: str = Field(min_length=1)
    display_name: str | None = Field(default=None, min_length=1, max_length=1024)
    unique_id: str | None = Field(default=None, min_length=1, max_length=1024)
    metadata: dict[str, MetadataValue] | None = None


class DirectoryFileUpdate(BaseModel):
    """Body of `PATCH .../files/{id}`."""

    model_config = ConfigDict(extra="ignore")

    display_name: str | None = Field(default=None, min_length=1, max_length=1024)
    unique_id: str | None = Field(default=None, min_length=1, max_length=1024)
    metadata: dict[str, MetadataValue] | None = None
    target_directory_id: str | None = None


class DirectoryFileOut(BaseModel):
    """A file in a directory (its id is not the stored file's id)."""

    id: str
    directory_id: str
    display_name: str
    project_id: str
    unique_id: str
    file_id: str | None = None
    metadata: dict[str, MetadataValue] | None = None
    download_url: PresignedUrl | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
