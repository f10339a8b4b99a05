"""Turning stored rows into wire objects, shared by the v1 and v2 surfaces."""

from __future__ import annotations

from api.schemas.classify import ClassifyConfigurationOut, ClassifyJobOut, UsageOut
from api.schemas.common import ResultOut
from docsort.domain import ClassifyConfig, FileJobStatus
from docsort.store.tables import ClassifyJob


def result_of(row: ClassifyJob) -> ResultOut | None:
    """The classification of a completed job, else None."""
    if row.status != FileJobStatus.COMPLETED or row.result_confidence is None:
        return None
    return ResultOut(
        type=row.result_type, confidence=row.result_confidence, reasoning=row.result_reasoning or ""
    )


def classify_job_out(
    row: ClassifyJob, config: ClassifyConfig, *, with_usage: bool = False
) -> ClassifyJobOut:
    """The v2 ClassifyJob object of a row."""
    return ClassifyJobOut(
        id=row.id,
        configuration=ClassifyConfigurationOut.from_config(config),
        configuration_id=row.configuration_id,
        document_input_type=row.document_input_type,
        file_input=row.file_input,
        project_id=row.project_id,
        status=row.status,
        user_id=row.user_id,
        parse_job_id=row.parse_job_id,
        result=result_of(row),
        error_message=row.error_message,
        transaction_id=row.transaction_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        usage=UsageOut() if with_usage else None,
    )
