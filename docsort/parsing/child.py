"""The sandbox child: parses one document under a memory limit and reports on a pipe.

Two ways in: forked by the zygote (`docsort.parsing.zygote`, the normal path) or started as
`python -m docsort.parsing.child` (a `ChildJob` as JSON on stdin, the outcome on stdout).
Either way the outcome is a `ChildOutcome` as JSON and exit status 0; anything else (a
traceback and status 1, `EXIT_MEMORY`, a signal) tells the parent the child failed.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import traceback

from pydantic import BaseModel

from docsort.parsing.errors import DocumentError, DocumentErrorKind
from docsort.parsing.models import ParsedDocument, ParseLimits, ParseRequest

# Exit status when the child ran out of memory without being able to report it.
EXIT_MEMORY = 3
# Exit status after an unexpected exception (its traceback went to stderr).
EXIT_CRASH = 1
# CPU seconds a sandbox process may use beyond the wall-clock timeout (a backstop for a
# process that outlives its parent: the wall clock is enforced by the parent).
_CPU_MARGIN_S = 5


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
    """Run one job from stdin, report on stdout; return the exit status."""
    # Keep the real stdout for the result; stray C-level prints go to stderr instead.
    result_fd = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    job = ChildJob.model_validate_json(sys.stdin.buffer.read())
    limit_resources(job.limits)
    return run_job(job, result_fd)


def limit_resources(limits: ParseLimits) -> None:
    """Cap this process (and the OCR processes it starts) before it touches the document."""
    address_space = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(limits.timeout_s) + _CPU_MARGIN_S
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + _CPU_MARGIN_S))


def run_job(job: ChildJob, result_fd: int) -> int:
    """Parse, write the outcome to `result_fd` (closed after) and return the exit status."""
    payload: bytes | None = None
    try:
        # A MemoryError is reported after the `with`, once the failed parse's memory is freed.
        with contextlib.suppress(MemoryError):
            payload = _run(job).model_dump_json().encode("utf-8")
    except Exception:
        traceback.print_exc()
        return EXIT_CRASH
    if payload is None:
        payload = _memory_outcome(job.limits)
        if not payload:
            return EXIT_MEMORY
    with os.fdopen(result_fd, "wb") as result:
        result.write(payload)
    return 0


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
