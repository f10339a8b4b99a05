"""Parse an untrusted document in a child process under memory and time limits.

The child is forked by this process's zygote (`docsort.parsing.zygote`), so a parse costs
milliseconds of start-up, not a Python start; the child sets `RLIMIT_AS`, runs in its own
process group, and is killed with that group at the timeout.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path

import structlog
from pydantic import ValidationError

from docsort.parsing.child import EXIT_MEMORY, ChildJob, ChildOutcome
from docsort.parsing.errors import DocumentError
from docsort.parsing.forkserver import ChildRun, ForkServerError, shared_server
from docsort.parsing.models import ParsedDocument, ParseLimits, ParseRequest

log = structlog.get_logger(__name__)

_STDERR_TAIL_CHARS = 2000
# Signs in stderr that a child that exited with an error had run out of memory.
_MEMORY_SIGNS = ("MemoryError", "std::bad_alloc", "Out of memory", "out of memory")
# Bytes of JSON per character of text a child may return (UTF-8 and escapes), plus slack.
_RESULT_BYTES_PER_CHAR = 8
_RESULT_SLACK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ParseUsage:
    """What one sandboxed parse cost: wall clock, CPU (the child and its OCR processes) and
    the peak resident memory of the largest of them."""

    elapsed_s: float
    cpu_s: float
    max_rss_mb: float


def parse_document(path: Path, request: ParseRequest, limits: ParseLimits) -> ParsedDocument:
    """Parse `path` in a sandboxed child process and return the selected pages' text.

    Raises DocumentError when the document cannot be parsed (including `resource_limit` when
    the child exceeds the memory or time limit; it is killed with its whole process group),
    and RuntimeError when the child failed for another reason (worth a retry).
    """
    return parse_document_with_usage(path, request, limits)[0]


def parse_document_with_usage(
    path: Path, request: ParseRequest, limits: ParseLimits
) -> tuple[ParsedDocument, ParseUsage]:
    """`parse_document`, and what the parse cost (for metrics and benchmarks)."""
    job = ChildJob(path=str(path.resolve()), request=request, limits=limits)
    payload = job.model_dump_json().encode("utf-8")
    max_result = limits.max_text_chars * _RESULT_BYTES_PER_CHAR + _RESULT_SLACK_BYTES
    server = shared_server()
    try:
        run = server.run(payload, limits.timeout_s, max_result)
    except ForkServerError as error:
        # The zygote died or stopped answering (not the document's doing): one more try on a
        # fresh one, then the error goes up as a RuntimeError, which is retried later.
        log.warning("parse_zygote_failed", error=str(error))
        server.stop()
        run = shared_server().run(payload, limits.timeout_s, max_result)
    usage = ParseUsage(elapsed_s=run.elapsed_s, cpu_s=run.cpu_s, max_rss_mb=run.max_rss_kb / 1024)
    return _outcome(run, limits, usage), usage


def _outcome(run: ChildRun, limits: ParseLimits, usage: ParseUsage) -> ParsedDocument:
    """Map the child's exit to a document, a DocumentError or a RuntimeError."""
    elapsed_ms = round(usage.elapsed_s * 1000)
    if run.timed_out:
        log.warning("parse_timeout", timeout_s=limits.timeout_s, elapsed_ms=elapsed_ms)
        raise DocumentError(
            "resource_limit",
            f"parsing took longer than {limits.timeout_s:g} s and was stopped",
        )
    tail = run.stderr.decode("utf-8", errors="replace")[-_STDERR_TAIL_CHARS:].strip()
    if run.returncode < 0:
        name = _signal_name(-run.returncode)
        log.warning("parse_child_killed", signal=name, elapsed_ms=elapsed_ms)
        if -run.returncode in (signal.SIGXCPU, signal.SIGKILL) and usage.cpu_s >= limits.timeout_s:
            raise DocumentError(
                "resource_limit", f"parsing used more than {limits.timeout_s:g} s of CPU time"
            )
        raise DocumentError(
            "resource_limit",
            f"the parser was stopped by {name}, most likely on exceeding "
            f"the memory limit ({limits.memory_mb} MB)",
        )
    if run.returncode == EXIT_MEMORY or (
        run.returncode != 0 and any(sign in tail for sign in _MEMORY_SIGNS)
    ):
        log.warning("parse_child_out_of_memory", elapsed_ms=elapsed_ms)
        raise DocumentError(
            "resource_limit", f"parsing exceeded the memory limit ({limits.memory_mb} MB)"
        )
    if run.returncode != 0:
        log.error("parse_child_failed", returncode=run.returncode, elapsed_ms=elapsed_ms)
        raise RuntimeError(f"parser process exited with status {run.returncode}: {tail}")
    try:
        outcome = ChildOutcome.model_validate_json(run.result)
    except ValidationError as error:
        raise RuntimeError(f"parser process returned an unreadable result: {tail}") from error
    if outcome.document is not None:
        log.info(
            "parse_finished",
            detected_type=outcome.document.detected_type,
            page_count=outcome.document.page_count,
            pages=len(outcome.document.pages),
            warnings=outcome.document.warnings,
            elapsed_ms=elapsed_ms,
            cpu_ms=round(usage.cpu_s * 1000),
            max_rss_mb=round(usage.max_rss_mb),
        )
        return outcome.document
    if outcome.error_kind is not None and outcome.error_message is not None:
        log.info("parse_refused", kind=outcome.error_kind, elapsed_ms=elapsed_ms)
        raise DocumentError(outcome.error_kind, outcome.error_message)
    raise RuntimeError(f"parser process returned neither a document nor an error: {tail}")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
