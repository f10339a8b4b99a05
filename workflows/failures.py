"""How an activity failure is described on the job it ended (deterministic, workflow-safe)."""

from __future__ import annotations

from temporalio.exceptions import ActivityError, ApplicationError, FailureError

from workflows.models import DOCUMENT_ERROR


def describe_failure(err: ActivityError | ApplicationError) -> tuple[str, str, str | None]:
    """(kind, message, parse job id) of a failure, as stored on the job and shown to the user."""
    cause = err.cause if isinstance(err, ActivityError) else err
    if isinstance(cause, ApplicationError) and cause.type == DOCUMENT_ERROR:
        details = list(cause.details)
        kind = str(details[0]) if details else "document"
        parse_job_id = str(details[1]) if len(details) > 1 and details[1] else None
        return kind, cause.message, parse_job_id
    detail = cause.message if isinstance(cause, FailureError) else str(cause or err)
    return "internal", f"processing failed after retries: {detail}", None
