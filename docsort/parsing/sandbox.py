"""Parse an untrusted document in a child process under memory and time limits."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import structlog
from pydantic import ValidationError

from docsort.parsing.child import EXIT_MEMORY, ChildJob, ChildOutcome
from docsort.parsing.errors import DocumentError
from docsort.parsing.models import ParsedDocument, ParseLimits, ParseRequest

log = structlog.get_logger(__name__)

_CHILD_COMMAND = (sys.executable, "-m", "docsort.parsing.child")
_STDERR_TAIL_CHARS = 2000
# How long to wait for the pipes to close after the process group was killed.
_REAP_TIMEOUT_S = 5.0
# Signs in stderr that a child that exited with an error had run out of memory.
_MEMORY_SIGNS = ("MemoryError", "std::bad_alloc", "Out of memory", "out of memory")
# Environment variables the child keeps; everything else (credentials too) is left out.
_INHERITED_ENV = (
    "PATH",
    "HOME",
    "TMPDIR",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "PYTHONPATH",
    "OMP_THREAD_LIMIT",
    "TESSDATA_PREFIX",
)


def parse_document(path: Path, request: ParseRequest, limits: ParseLimits) -> ParsedDocument:
    """Parse `path` in a sandboxed child process and return the selected pages' text.

    Raises DocumentError when the document cannot be parsed (including `resource_limit` when
    the child exceeds the memory or time limit; it is killed with its whole process group),
    and RuntimeError when the child failed for another reason (worth a retry).
    """
    job = ChildJob(path=str(path.resolve()), request=request, limits=limits)
    started = time.monotonic()
    process = subprocess.Popen(
        _CHILD_COMMAND,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=_child_environment(),
    )
    try:
        stdout, stderr = process.communicate(
            job.model_dump_json().encode("utf-8"), timeout=limits.timeout_s
        )
    except subprocess.TimeoutExpired:
        log.warning("parse_timeout", timeout_s=limits.timeout_s, pid=process.pid)
        raise DocumentError(
            "resource_limit",
            f"parsing took longer than {limits.timeout_s:g} s and was stopped",
        ) from None
    finally:
        # Whatever happened (a timeout, or an exception in this thread), leave no process of
        # the group behind. After a normal exit the group is usually gone already.
        _kill_group(process)
    elapsed_ms = round((time.monotonic() - started) * 1000)
    return _outcome(process.returncode, stdout, stderr, limits, elapsed_ms)


def _outcome(
    returncode: int, stdout: bytes, stderr: bytes, limits: ParseLimits, elapsed_ms: int
) -> ParsedDocument:
    """Map the child's exit to a document, a DocumentError or a RuntimeError."""
    memory_error = DocumentError(
        "resource_limit", f"parsing exceeded the memory limit ({limits.memory_mb} MB)"
    )
    tail = stderr.decode("utf-8", errors="replace")[-_STDERR_TAIL_CHARS:].strip()
    if returncode < 0:
        name = _signal_name(-returncode)
        log.warning("parse_child_killed", signal=name, elapsed_ms=elapsed_ms)
        raise DocumentError(
            "resource_limit",
            f"the parser was stopped by {name}, most likely on exceeding "
            f"the memory limit ({limits.memory_mb} MB)",
        )
    if returncode == EXIT_MEMORY or (returncode != 0 and any(s in tail for s in _MEMORY_SIGNS)):
        log.warning("parse_child_out_of_memory", elapsed_ms=elapsed_ms)
        raise memory_error
    if returncode != 0:
        log.error("parse_child_failed", returncode=returncode, elapsed_ms=elapsed_ms)
        raise RuntimeError(f"parser process exited with status {returncode}: {tail}")
    try:
        outcome = ChildOutcome.model_validate_json(stdout)
    except ValidationError as error:
        raise RuntimeError(f"parser process returned an unreadable result: {tail}") from error
    if outcome.document is not None:
        log.debug(
            "parse_finished",
            detected_type=outcome.document.detected_type,
            page_count=outcome.document.page_count,
            elapsed_ms=elapsed_ms,
        )
        return outcome.document
    if outcome.error_kind is not None and outcome.error_message is not None:
        log.info("parse_refused", kind=outcome.error_kind, elapsed_ms=elapsed_ms)
        raise DocumentError(outcome.error_kind, outcome.error_message)
    raise RuntimeError(f"parser process returned neither a document nor an error: {tail}")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the child's process group (the child and anything it started) and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone
        os.killpg(process.pid, signal.SIGKILL)
    try:
        process.communicate(timeout=_REAP_TIMEOUT_S)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        process.kill()
        process.wait()


def _child_environment() -> dict[str, str]:
    """A minimal environment (no secrets reach the code that reads untrusted bytes), with
    docsort importable even when it is not installed."""
    environment = {name: os.environ[name] for name in _INHERITED_ENV if name in os.environ}
    source_root = str(Path(__file__).resolve().parents[2])
    existing = environment.get("PYTHONPATH")
    environment["PYTHONPATH"] = f"{source_root}{os.pathsep}{existing}" if existing else source_root
    return environment


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
