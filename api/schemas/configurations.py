"""Wire models of saved configurations (contract §8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ProductType = Literal[
    "classify_v2", "extract_v2", "parse_v2", "split_v1", "spreadsheet_v1", "unknown"
]


class ConfigurationParameters(BaseModel):
    """Product-specific parameters; `product_type` says which product they are for."""

    model_config = ConfigDict(extra="allow")

    product_type: ProductType


class ConfigurationCreate(BaseModel):
    """Body of `POST /api/v1/beta/configurations` (an upsert by name and product type)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=255)
    parameters: ConfigurationParameters


class ConfigurationUpdate(BaseModel):
    """Body of `PUT /api/v1/beta/configurations/{id}`; omitted fields stay as they are."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    parameters: ConfigurationParameters | None = None


class ConfigurationOut(BaseModel):
    """A saved configuration."""

    id: str
    name: str
    parameters: dict[str, Any]
    product_type: ProductType
    version: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
