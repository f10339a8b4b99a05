"""Wire models of v2 classify (contract §6) and of `classify_v2` configuration parameters."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas.common import LanguageField, ResultOut, RuleOut, RulesField
from docsort.domain import ClassifyConfig, ParsingOptions
from docsort.parsing.pages import format_page_ranges, parse_page_ranges


class V2ParsingConfiguration(LanguageField):
    """v2 parsing options: `target_pages` is a 1-based string such as `"1,3,5-7"`."""

    model_config = ConfigDict(extra="forbid")

    max_pages: int | None = Field(default=None, ge=1)
    target_pages: str | None = None

    @field_validator("target_pages")
    @classmethod
    def _page_ranges(cls, value: str | None) -> str | None:
        if value is not None:
            parse_page_ranges(value)
        return value

    def to_options(self) -> ParsingOptions:
        """The engine's parsing options."""
        pages = parse_page_ranges(self.target_pages) if self.target_pages else None
        return ParsingOptions(lang=self.lang or "en", max_pages=self.max_pages, pages=pages)

    @classmethod
    def from_options(cls, options: ParsingOptions) -> V2ParsingConfiguration:
        """The v2 wire form of stored parsing options."""
        pages = format_page_ranges(options.pages) if options.pages else None
        return cls(lang=options.lang, max_pages=options.max_pages, target_pages=pages)


class ClassifyConfigurationIn(RulesField):
    """An inline classify configuration (also the `classify_v2` configuration parameters)."""

    model_config = ConfigDict(extra="ignore")

    mode: Literal["FAST"] | None = "FAST"
    parsing_configuration: V2ParsingConfiguration | None = None

    def to_config(self) -> ClassifyConfig:
        """The resolved configuration a job runs with."""
        parsing = (self.parsing_configuration or V2ParsingConfiguration()).to_options()
        return ClassifyConfig(rules=[r.to_domain() for r in self.rules], parsing=parsing)


class ClassifyCreate(BaseModel):
    """Body of `POST /api/v2/classify`."""

    model_config = ConfigDict(extra="ignore")

    file_input: str | None = Field(default=None, min_length=1, max_length=64)
    file_id: str | None = Field(default=None, min_length=1, max_length=64)
    parse_job_id: str | None = Field(default=None, min_length=1, max_length=64)
    configuration: ClassifyConfigurationIn | None = None
    configuration_id: str | None = None
    transaction_id: str | None = Field(default=None, min_length=1, max_length=255)
    webhook_configurations: list[dict[str, Any]] | None = None
    webhook_configuration_ids: list[str] | None = None


class ClassifyConfigurationOut(BaseModel):
    """The resolved configuration shown on every job."""

    rules: list[RuleOut]
    mode: str | None = "FAST"
    parsing_configuration: V2ParsingConfiguration | None = None

    @classmethod
    def from_config(cls, config: ClassifyConfig) -> ClassifyConfigurationOut:
        """The wire form of a resolved configuration."""
        return cls(
            rules=[RuleOut(type=r.type, description=r.description) for r in config.rules],
            mode="FAST",
            parsing_configuration=V2ParsingConfiguration.from_options(config.parsing),
        )


class UsageOut(BaseModel):
    """Credits billed to a job: docsort bills nothing."""

    credits: float | None = 0.0
    parse_credits: float | None = None


class ClassifyJobOut(BaseModel):
    """A classify job (create, get, list items, cancel)."""

    id: str
    configuration: ClassifyConfigurationOut
    configuration_id: str | None = None
    document_input_type: Literal["file_id", "parse_job_id", "url"]
    file_input: str
    project_id: str
    status: Literal["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]
    user_id: str
    parse_job_id: str | None = None
    result: ResultOut | None = None
    error_message: str | None = None
    transaction_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    usage: UsageOut | None = None


class ClassifyDeleted(BaseModel):
    """Identifiers of a deleted job."""

    id: str
    project_id: str | None = None
