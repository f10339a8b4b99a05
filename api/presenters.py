"""Turning stored rows into wire objects, shared by the v1 and v2 surfaces."""

from __future__ import annotations

from api.schemas.classify import ClassifyJobOut, UsageOut
from api.schemas.common import ResultOut
from docsort import snapshots
from docsort.domain import ClassifyConfig
from docsort.store.tables import ClassifyJob


def result_of(row: ClassifyJob) -> ResultOut | None:
    """The classification of a completed job, else None."""
    data = snapshots.result(row)
    return ResultOut.model_validate(data) if data is not None else None


def classify_job_out(
    row: ClassifyJob, config: ClassifyConfig, *, with_usage: bool = False
) -> ClassifyJobOut:
    """The v2 ClassifyJob object of a row (the rendering webhooks send too)."""
    usage = UsageOut() if with_usage else None
    return ClassifyJobOut.model_validate({**snapshots.classify_job(row, config), "usage": usage})
