"""Domain models shared by the API, the workflows, the activities and the store."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from docsort.classifiers.base import ClassificationResult, Rule

__all__ = [
    "TERMINAL_FILE_STATUSES",
    "ClassificationResult",
    "ClassifyConfig",
    "FileJobStatus",
    "ParsingOptions",
    "Rule",
    "V1JobStatus",
    "rollup_v1_status",
]


class FileJobStatus(StrEnum):
    """Status of one document classified against one rule set (a v2 job or a file of a v1 job)."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


TERMINAL_FILE_STATUSES = frozenset(
    {FileJobStatus.COMPLETED, FileJobStatus.FAILED, FileJobStatus.CANCELLED}
)


class V1JobStatus(StrEnum):
    """Status of a v1 classifier job; it stays PENDING until every file is done."""

    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    PARTIAL_SUCCESS = "PARTIAL_SUCCESS"
    ERROR = "ERROR"
    CANCELLED = "CANCELLED"


TERMINAL_V1_STATUSES = frozenset(
    {V1JobStatus.SUCCESS, V1JobStatus.PARTIAL_SUCCESS, V1JobStatus.ERROR, V1JobStatus.CANCELLED}
)


class ParsingOptions(BaseModel):
    """How a document's text is extracted: the language, which pages (1-based, sorted), and
    whether page images are rendered too (MULTIMODAL)."""

    lang: str = "en"
    max_pages: int | None = Field(default=None, ge=1)
    pages: list[int] | None = None
    page_images: bool = False


class ClassifyConfig(BaseModel):
    """A resolved rule set: what one classification runs with."""

    rules: list[Rule]
    mode: Literal["FAST", "MULTIMODAL"] = "FAST"
    parsing: ParsingOptions = ParsingOptions()

    @model_validator(mode="after")
    def _images_for_multimodal(self) -> ClassifyConfig:
        """A MULTIMODAL classification reads page images, so its parse renders them."""
        if self.parsing.page_images != (self.mode == "MULTIMODAL"):
            self.parsing = self.parsing.model_copy(
                update={"page_images": self.mode == "MULTIMODAL"}
            )
        return self


def rollup_v1_status(counts: Mapping[FileJobStatus, int]) -> V1JobStatus:
    """The v1 job status implied by its files' statuses (contract §10.5)."""
    total = sum(counts.values())
    if any(counts.get(s, 0) for s in (FileJobStatus.PENDING, FileJobStatus.RUNNING)):
        return V1JobStatus.PENDING
    completed = counts.get(FileJobStatus.COMPLETED, 0)
    cancelled = counts.get(FileJobStatus.CANCELLED, 0)
    if total and cancelled == total:
        return V1JobStatus.CANCELLED
    if total and completed == total:
        return V1JobStatus.SUCCESS
    if completed:
        return V1JobStatus.PARTIAL_SUCCESS
    return V1JobStatus.ERROR


class BatchStatus(StrEnum):
    """Status of a batch (v1 spelling; v2 shows it upper-case, see `v2_batch_status`)."""

    PENDING = "pending"
    RUNNING = "running"
    DISPATCHED = "dispatched"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL_BATCH_STATUSES = frozenset(
    {BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.CANCELLED}
)


class ItemStatus(StrEnum):
    """Status of one item of a batch."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


PROCESSED_ITEM_STATUSES = frozenset({ItemStatus.COMPLETED, ItemStatus.FAILED, ItemStatus.SKIPPED})
ITEM_STATUS_OF_FILE_JOB = {
    FileJobStatus.RUNNING: ItemStatus.PROCESSING,
    FileJobStatus.COMPLETED: ItemStatus.COMPLETED,
    FileJobStatus.FAILED: ItemStatus.FAILED,
    FileJobStatus.CANCELLED: ItemStatus.CANCELLED,
}


def v2_batch_status(status: str) -> str:
    """The v2 spelling of a batch status (dispatched is still RUNNING there)."""
    return "RUNNING" if status == BatchStatus.DISPATCHED else status.upper()
