"""Inputs and outputs of docsort's workflows and activities (one model per payload).

Workflows carry ids, never documents: text and files stay in blob storage and the database.
Activities are called by name (the constants below) so workflow code imports no I/O module.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from docsort.domain import ClassificationResult, ParsingOptions
from docsort.webhooks.models import WebhookDispatch

START_FILE_JOB = "start_file_job"
PARSE_DOCUMENT = "parse_document"
CLASSIFY_DOCUMENT = "classify_document"
SAVE_RESULT = "save_result"
SAVE_FAILURE = "save_failure"
LIST_BATCH_ITEMS = "list_batch_items"
MARK_BATCH = "mark_batch"
FINISH_BATCH = "finish_batch"
CANCEL_BATCH_ITEMS = "cancel_batch_items"
START_PARSE_ITEM = "start_parse_item"
FINISH_PARSE_ITEM = "finish_parse_item"

FILE_DONE_SIGNAL = "file_done"
DOCUMENT_ERROR = "DocumentError"
BATCH_NOT_FINISHED = "BatchNotFinished"


class WorkOptions(BaseModel):
    """Task queues and limits chosen by the settings of the process that started the work."""

    parse_task_queue: str
    classify_task_queue: str
    parse_timeout_s: float = 120.0
    max_attempts: int = 5


class ClassifyFileInput(BaseModel):
    """Classify one document: the per-file job to run and whom to tell when it is done."""

    classify_job_id: str
    options: WorkOptions
    parent_workflow_id: str | None = None


class FileJobContext(BaseModel):
    """What a per-file job needs, loaded when it starts."""

    classify_job_id: str
    project_id: str
    file_id: str | None
    rule_set_id: str
    parsing: ParsingOptions
    input_parse_job_id: str | None = None
    already_finished: bool = False
    webhooks: WebhookDispatch = Field(default_factory=WebhookDispatch)


class ParseInput(BaseModel):
    """Extract the text of one stored file with the given options."""

    project_id: str
    file_id: str
    parsing: ParsingOptions


class ParseOutput(BaseModel):
    """Where the extracted text is: its parse job."""

    parse_job_id: str
    page_count: int
    pages: list[int]


class ClassifyInput(BaseModel):
    """Classify extracted text against a rule set."""

    rule_set_id: str
    parse_job_id: str


class SaveResultInput(BaseModel):
    """Record a per-file job's result."""

    classify_job_id: str
    parse_job_id: str | None
    result: ClassificationResult


class SaveFailureInput(BaseModel):
    """Record why a per-file job failed."""

    classify_job_id: str
    parse_job_id: str | None = None
    kind: str
    message: str


class FileOutcome(BaseModel):
    """How a per-file job ended."""

    classify_job_id: str
    status: str


ParentKind = Literal["v1_job", "batch"]


class BatchInput(BaseModel):
    """A parent workflow over many files; the carried fields survive continue-as-new."""

    parent_kind: ParentKind
    parent_id: str
    job_type: Literal["classify", "parse"] = "classify"
    options: WorkOptions
    page_size: int = Field(default=100, ge=1, le=1000)
    continue_as_new_threshold: int = Field(default=100, ge=1, le=1000)
    max_in_flight: int = Field(default=20, ge=1)
    cursor: str | None = None
    dispatched: int = 0
    in_flight: list[str] = Field(default_factory=list)
    started: bool = False


class BatchItem(BaseModel):
    """One member to dispatch: the id its child works on (None: skipped) and its key."""

    job_id: str | None
    key: str
    position: int


class ListItemsInput(BaseModel):
    """The next page of a parent's members after `cursor`."""

    parent_kind: ParentKind
    parent_id: str
    cursor: str | None
    limit: int


class ListItemsOutput(BaseModel):
    """A page of members and the cursor after it; no items when the source is exhausted."""

    items: list[BatchItem]
    next_cursor: str | None


class MarkBatchInput(BaseModel):
    """A batch's progress through running → dispatched."""

    parent_kind: ParentKind
    parent_id: str
    status: Literal["running", "dispatched"]


class FinishBatchInput(BaseModel):
    """Roll the per-file outcomes up into the parent's final status."""

    parent_kind: ParentKind
    parent_id: str


class FinishBatchOutput(BaseModel):
    """The parent's final status, and its events to deliver."""

    status: str
    webhooks: WebhookDispatch = Field(default_factory=WebhookDispatch)


class BatchState(BaseModel):
    """What the `state` query shows in the Temporal UI."""

    parent_id: str
    dispatched: int
    in_flight: int
    cursor: str | None


class ParseFileInput(BaseModel):
    """Parse one item of a parse batch."""

    batch_item_id: str
    options: WorkOptions
    parent_workflow_id: str | None = None


class ParseItemContext(BaseModel):
    """What a parse item needs, loaded when it starts."""

    batch_item_id: str
    project_id: str
    file_id: str
    parsing: ParsingOptions
    already_finished: bool = False


class FinishParseItemInput(BaseModel):
    """Record how a parse item ended."""

    batch_item_id: str
    parse_job_id: str | None = None
    error: str | None = None
