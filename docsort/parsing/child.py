"""The sandbox child: `python -m docsort.parsing.child` parses one document and exits.

Protocol: a `ChildJob` as JSON on stdin; a `ChildOutcome` as JSON on stdout; exit status 0.
Anything else (a traceback and status 1, `EXIT_MEMORY`, a signal) tells the parent the child
failed. Only the modules needed to read the job are imported before the memory limit is set.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys

from pydantic import BaseModel

from docsort.parsing.errors import DocumentError, DocumentErrorKind
from docsort.parsing.models import ParsedDocument, ParseLimits, ParseRequest

# Exit status when the child ran out of memory without being able to report it.
EXIT_MEMORY = 3


class ChildJob(BaseModel):
    """What the parent asks the child to parse."""

    path: str
    request: ParseRequest
    limits: ParseLimits


class ChildOutcome(BaseModel):
    """What the child reports: a document, or the DocumentError it ended in."""

    document: ParsedDocument | None = None
    error_kind: DocumentErrorKind | None = None
    error_message: str | None = None


def main() -> int:
    """Run one job from stdin; return the exit status."""
    # Keep the real stdout for the result; stray C-level prints go to stderr instead.
    result_fd = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    job = ChildJob.model_validate_json(sys.stdin.buffer.read())
    _limit_resources(job.limits)
    payload: bytes | None = None
    # A MemoryError is reported after the `with`, once the failed parse's memory is released.
    with contextlib.suppress(MemoryError):
        payload = _run(job).model_dump_json().encode("utf-8")
    if payload is None:
        payload = _memory_outcome(job.limits)
        if not payload:
            return EXIT_MEMORY
    with os.fdopen(result_fd, "wb") as result:
        result.write(payload)
    return 0


def _limit_resources(limits: ParseLimits) -> None:
    address_space = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _run(job: ChildJob) -> ChildOutcome:
    from pathlib import Path

    from docsort.parsing.dispatch import parse_path

    try:
        document = parse_path(Path(job.path), job.request, job.limits)
    except DocumentError as error:
        return ChildOutcome(error_kind=error.kind, error_message=error.message)
    return ChildOutcome(document=document)


def _memory_outcome(limits: ParseLimits) -> bytes:
    try:
        return (
            ChildOutcome(
                error_kind="resource_limit",
                error_message=f"parsing exceeded the memory limit ({limits.memory_mb} MB)",
            )
            .model_dump_json()
            .encode("utf-8")
        )
    except MemoryError:
        return b""


if __name__ == "__main__":
    sys.exit(main())
