"""Wire models of v1 beta batch processing and v2 batches (contract §10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.classifier_jobs import V1ParsingConfiguration
from api.schemas.common import RulesField

V1BatchStatus = Literal["pending", "running", "dispatched", "completed", "failed", "cancelled"]
V2BatchStatus = Literal["PENDING", "RUNNING", "THROTTLED", "COMPLETED", "FAILED", "CANCELLED"]


class V1BatchCreate(BaseModel):
    """Body of `POST /api/v1/beta/batch-processing`."""

    model_config = ConfigDict(extra="ignore")

    job_config: dict[str, Any]
    directory_id: str | None = None
    item_ids: list[str] | None = None
    page_size: int = Field(default=100, ge=1, le=1000)
    continue_as_new_threshold: int | None = Field(default=None, ge=1, le=1000)
    webhook_configurations: list[dict[str, Any]] | None = None
    webhook_configuration_ids: list[str] | None = None


class ClassifyJobConfig(RulesField):
    """A v1 classify `job_config`: a ClassifyJob-shaped object whose rules and options are used."""

    model_config = ConfigDict(extra="ignore")

    mode: Literal["FAST", "MULTIMODAL"] | None = "FAST"
    parsing_configuration: V1ParsingConfiguration | None = None


class ParseParameters(BaseModel):
    """The parse `job_config.parameters` docsort honours (others are stored and echoed)."""

    model_config = ConfigDict(extra="allow")

    lang: str | None = None
    languages: list[str] | None = None
    max_pages: int | None = Field(default=None, ge=1)
    target_pages: str | None = None


class ParseJobConfig(BaseModel):
    """A v1 parse `job_config` (`job_name: parse_raw_file_job`)."""

    model_config = ConfigDict(extra="allow")

    job_name: Literal["parse_raw_file_job"]
    parameters: ParseParameters | None = None


class BatchJobOut(BaseModel):
    """A v1 batch job with its counters."""

    id: str
    job_type: Literal["classify", "parse", "extract"]
    project_id: str
    status: V1BatchStatus
    total_items: int
    processed_items: int
    failed_items: int
    skipped_items: int
    directory_id: str | None = None
    workflow_id: str | None = None
    job_record_id: str | None = None
    error_message: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    updated_at: datetime | None = None
    effective_at: datetime | None = None


class BatchStatusOut(BaseModel):
    """`GET /api/v1/beta/batch-processing/{id}`."""

    job: BatchJobOut
    progress_percentage: float


class BatchListOut(BaseModel):
    """An offset page of batch jobs."""

    items: list[BatchJobOut]
    total_size: int


class BatchCancelIn(BaseModel):
    """Body of the v1 cancel."""

    model_config = ConfigDict(extra="ignore")

    reason: str | None = Field(default=None, max_length=2000)


class BatchCancelOut(BaseModel):
    """Answer of the v1 cancel."""

    job_id: str
    status: V1BatchStatus
    message: str
    processed_items: int


class BatchItemOut(BaseModel):
    """One item of a batch."""

    item_id: str
    item_name: str
    status: Literal["pending", "processing", "completed", "failed", "skipped", "cancelled"]
    job_id: str | None = None
    skip_reason: str | None = None
    error_message: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None


class BatchItemsOut(BaseModel):
    """An offset page of batch items."""

    items: list[BatchItemOut]
    total_size: int


class ProcessingResultOut(BaseModel):
    """One batch's outcome for an item."""

    item_id: str
    job_config: dict[str, Any]
    job_type: Literal["classify", "parse", "extract"]
    parameters_hash: str
    processed_at: datetime
    result_id: str
    output_metadata: dict[str, Any] | None = None


class ProcessingResultsOut(BaseModel):
    """Every batch's outcome for an item."""

    item_id: str
    item_name: str
    processing_results: list[ProcessingResultOut]


class V2JobConfig(BaseModel):
    """`config.job` of a v2 batch."""

    model_config = ConfigDict(extra="ignore")

    type: str
    configuration_id: str


class V2BatchConfig(BaseModel):
    """`config` of a v2 batch."""

    model_config = ConfigDict(extra="ignore")

    job: V2JobConfig


class V2BatchCreate(BaseModel):
    """Body of `POST /api/v2/batches`."""

    model_config = ConfigDict(extra="ignore")

    source_directory_id: str
    config: V2BatchConfig
    webhook_configurations: list[dict[str, Any]] | None = None
    webhook_configuration_ids: list[str] | None = None


class JobReference(BaseModel):
    """The per-file job of a v2 batch item."""

    type: str
    id: str


class V2BatchResult(BaseModel):
    """One file of a v2 batch."""

    source_directory_file_id: str
    job_reference: JobReference | None = None
    error_message: str | None = None


class V2BatchOut(BaseModel):
    """A v2 batch, with docsort's counters as extra fields."""

    id: str
    project_id: str
    source_directory_id: str
    config: dict[str, Any]
    status: V2BatchStatus
    total_items: int
    processed_items: int
    failed_items: int
    skipped_items: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    results: list[V2BatchResult] | None = None
