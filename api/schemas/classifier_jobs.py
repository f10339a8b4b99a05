"""Wire models of the v1 classifier jobs API (contract §7)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import LanguageField, ResultOut, RuleOut, RulesField
from docsort.domain import ParsingOptions
from docsort.parsing.pages import pages_from_v1


class V1ParsingConfiguration(LanguageField):
    """v1 parsing options: `target_pages` is a 0-based list of page numbers."""

    model_config = ConfigDict(extra="forbid")

    max_pages: int | None = Field(default=None, ge=1)
    target_pages: list[Annotated[int, Field(ge=0)]] | None = None

    def to_options(self) -> ParsingOptions:
        """The engine's parsing options (1-based, sorted, de-duplicated pages)."""
        pages = pages_from_v1(self.target_pages) if self.target_pages else None
        return ParsingOptions(lang=self.lang or "en", max_pages=self.max_pages, pages=pages)

    @classmethod
    def from_options(cls, options: ParsingOptions) -> V1ParsingConfiguration:
        """The v1 wire form of stored parsing options."""
        target = [p - 1 for p in options.pages] if options.pages else None
        return cls(lang=options.lang, max_pages=options.max_pages, target_pages=target)


class V1JobCreate(RulesField):
    """Body of `POST /api/v1/classifier/jobs`."""

    model_config = ConfigDict(extra="ignore")

    file_ids: list[str] = Field(min_length=1)
    mode: Literal["FAST", "MULTIMODAL"] | None = "FAST"
    parsing_configuration: V1ParsingConfiguration | None = None
    webhook_configurations: list[dict[str, Any]] | None = None


class V1JobOut(BaseModel):
    """A v1 classifier job (`ClassifyJob` in the SDK)."""

    id: str
    project_id: str
    rules: list[RuleOut]
    status: str
    user_id: str
    mode: str | None = None
    parsing_configuration: V1ParsingConfiguration | None = None
    error_message: str | None = None
    job_record_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    effective_at: datetime | None = None


class ResultItemOut(BaseModel):
    """One file of a v1 job: its result, or `result: null` with an `error_message`."""

    id: str
    classify_job_id: str
    file_id: str | None = None
    status: str
    result: ResultOut | None = None
    error_message: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ResultsPage(BaseModel):
    """`GET .../results`: every item without `page_size`, else a cursor page."""

    items: list[ResultItemOut]
    next_page_token: str | None = None
    total_size: int | None = None
