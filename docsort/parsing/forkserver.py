"""The parent's side of the zygote: starts it, hands it jobs, restarts it if it dies.

One `ForkServer` per process serves every thread: each `run` sends a job with its own pipes,
reads the child's result and stderr from them, and waits for the zygote to report the
child's exit. A dead zygote is replaced on the next call; at interpreter exit it is shut
down (closing its socket makes it kill any child left and exit).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)

_ZYGOTE_MODULE = "docsort.parsing.zygote"
_START_TIMEOUT_S = 60.0
# How long past a job's timeout the parent waits before it gives up on the zygote.
_GRACE_S = 10.0
_STOP_TIMEOUT_S = 5.0
_READ_CHUNK = 1024 * 1024
_STDERR_KEPT_BYTES = 64 * 1024
_MAX_MESSAGE_BYTES = 1024 * 1024
# Environment variables the zygote keeps; everything else (credentials too) is left out.
_INHERITED_ENV = (
    "PATH",
    "HOME",
    "TMPDIR",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "PYTHONPATH",
    "TESSDATA_PREFIX",
)


class ForkServerError(RuntimeError):
    """The zygote could not start, died, or stopped answering: it is of no more use (the
    parse is worth a retry on a new one)."""


@dataclass
class ChildRun:
    """How one child ended: its exit, what it wrote, and what it cost."""

    returncode: int
    timed_out: bool
    result: bytes
    stderr: bytes
    cpu_s: float
    max_rss_kb: int
    elapsed_s: float


@dataclass
class _Waiter:
    done: threading.Event = field(default_factory=threading.Event)
    exit: dict[str, Any] | None = None
    error: str | None = None


class ForkServer:
    """A running zygote and the thread that reads its reports; safe to share across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, _Waiter] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self._stopping = False
        self.pid: int | None = None

    @property
    def alive(self) -> bool:
        """Whether the zygote is running and its reader is listening."""
        return self._reader is not None and self._reader.is_alive()

    def start(self) -> None:
        """Start the zygote and wait until it has imported the parsers."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            process = subprocess.Popen(
                (sys.executable, "-m", _ZYGOTE_MODULE, str(theirs.fileno())),
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,
                env=_zygote_environment(),
            )
        finally:
            theirs.close()
        ours.settimeout(_START_TIMEOUT_S)
        try:
            ready = json.loads(ours.recv(_MAX_MESSAGE_BYTES) or b"null")
        except (OSError, ValueError) as error:
            process.kill()
            process.wait()
            ours.close()
            raise ForkServerError(f"the parsing helper process did not start: {error}") from None
        if not isinstance(ready, dict) or ready.get("event") != "ready":
            process.kill()
            process.wait()
            ours.close()
            raise ForkServerError("the parsing helper process exited while starting")
        ours.settimeout(None)
        self._process, self._channel, self.pid = process, ours, process.pid
        self._reader = threading.Thread(
            target=self._read_reports, name="docsort-zygote-reader", daemon=True
        )
        self._reader.start()
        log.info("parse_zygote_started", pid=process.pid)

    def run(self, job_json: bytes, timeout_s: float, max_result_bytes: int) -> ChildRun:
        """Fork a child for one job and wait for it; the zygote kills it at `timeout_s`."""
        job_id = uuid.uuid4().hex
        waiter = _Waiter()
        with self._lock:
            self._waiters[job_id] = waiter
        started = time.monotonic()
        temp_dir = tempfile.mkdtemp(prefix="docsort-parse-")
        result_r, result_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        try:
            try:
                self._send_job(job_id, job_json, timeout_s, temp_dir, (result_w, stderr_w))
            finally:
                os.close(result_w)
                os.close(stderr_w)
            result, stderr, complete = _drain(
                result_r, stderr_r, started + timeout_s + _GRACE_S, max_result_bytes
            )
            if not complete:
                self._cancel(job_id)
            # The pipes close as the child exits; its exit report follows within moments.
            deadline = started + timeout_s + _GRACE_S
            if not waiter.done.wait(max(_GRACE_S, deadline - time.monotonic())):
                self.stop()
                raise ForkServerError("the parsing helper process stopped answering")
        finally:
            os.close(result_r)
            os.close(stderr_r)
            # The child is gone (reported by the zygote, or its pipes closed as it died).
            shutil.rmtree(temp_dir, ignore_errors=True)
            with self._lock:
                self._waiters.pop(job_id, None)
        if waiter.error is not None or waiter.exit is None:
            raise ForkServerError(waiter.error or "the parsing helper process failed")
        if not complete and not waiter.exit["timed_out"]:
            raise RuntimeError(f"the parser wrote more than {max_result_bytes:,} bytes")
        return ChildRun(
            returncode=int(waiter.exit["returncode"]),
            timed_out=bool(waiter.exit["timed_out"]),
            result=result,
            stderr=stderr,
            cpu_s=float(waiter.exit["cpu_s"]),
            max_rss_kb=int(waiter.exit["max_rss_kb"]),
            elapsed_s=time.monotonic() - started,
        )

    def stop(self) -> None:
        """Close the socket (the zygote kills its children and exits) and wait for it."""
        self._stopping = True
        channel, process = self._channel, self._process
        if channel is not None:
            with contextlib.suppress(OSError):
                channel.shutdown(socket.SHUT_RDWR)  # the zygote and the reader see EOF
        if process is not None:
            try:
                process.wait(_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                # Its children die with it (PR_SET_PDEATHSIG).
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.kill()
                process.wait()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(_STOP_TIMEOUT_S)
        if channel is not None:
            channel.close()
        self._fail_waiters("the parsing helper process was stopped")

    def _send_job(
        self, job_id: str, job_json: bytes, timeout_s: float, temp_dir: str, fds: tuple[int, int]
    ) -> None:
        message = {
            "op": "parse",
            "id": job_id,
            "job": job_json.decode(),
            "timeout_s": timeout_s,
            "temp_dir": temp_dir,
        }
        channel = self._channel
        if channel is None:
            raise ForkServerError("the parsing helper process is not running")
        try:
            socket.send_fds(channel, [json.dumps(message).encode("utf-8")], list(fds))
        except OSError as error:
            raise ForkServerError(f"the parsing helper process is gone: {error}") from None

    def _cancel(self, job_id: str) -> None:
        if self._channel is not None:
            with contextlib.suppress(OSError):
                self._channel.send(json.dumps({"op": "cancel", "id": job_id}).encode("utf-8"))

    def _read_reports(self) -> None:
        channel = self._channel
        assert channel is not None
        while True:
            try:
                data = channel.recv(_MAX_MESSAGE_BYTES)
            except OSError:
                data = b""
            if not data:
                break
            try:
                report = json.loads(data)
            except ValueError:
                log.error("parse_zygote_unreadable_report", pid=self.pid)
                continue
            if isinstance(report, dict) and report.get("event") in ("exited", "failed"):
                with self._lock:
                    waiter = self._waiters.get(str(report.get("id")))
                if waiter is not None:
                    waiter.exit = report if report["event"] == "exited" else None
                    waiter.error = report.get("error")
                    waiter.done.set()
        if not self._stopping:
            log.warning("parse_zygote_died", pid=self.pid)
        self._fail_waiters("the parsing helper process died")

    def _fail_waiters(self, reason: str) -> None:
        with self._lock:
            for waiter in self._waiters.values():
                if not waiter.done.is_set():
                    waiter.error = reason
                    waiter.done.set()


def _drain(
    result_fd: int, stderr_fd: int, deadline: float, max_result_bytes: int
) -> tuple[bytes, bytes, bool]:
    """Read both pipes until both close; False as the last item if the deadline passed or the
    result grew past its cap. Only the tail of stderr is kept."""
    result = bytearray()
    stderr = bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(result_fd, selectors.EVENT_READ, result)
        selector.register(stderr_fd, selectors.EVENT_READ, stderr)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(result), bytes(stderr), False
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, _READ_CHUNK)
                if not chunk:
                    selector.unregister(key.fd)
                    continue
                buffer: bytearray = key.data
                buffer += chunk
                if buffer is stderr and len(stderr) > _STDERR_KEPT_BYTES:
                    del stderr[: len(stderr) - _STDERR_KEPT_BYTES]
                if len(result) > max_result_bytes:
                    return bytes(result), bytes(stderr), False
    return bytes(result), bytes(stderr), True


def _zygote_environment() -> dict[str, str]:
    """A minimal environment (no secrets reach the code that reads untrusted bytes), with
    docsort importable even when it is not installed."""
    environment = {name: os.environ[name] for name in _INHERITED_ENV if name in os.environ}
    source_root = str(Path(__file__).resolve().parents[2])
    existing = environment.get("PYTHONPATH")
    environment["PYTHONPATH"] = f"{source_root}{os.pathsep}{existing}" if existing else source_root
    return environment


_server: ForkServer | None = None
_server_pid: int | None = None
_server_lock = threading.Lock()
_shut_down = False


def shared_server() -> ForkServer:
    """This process's zygote, started (or restarted after it died) as needed; after
    `shutdown` none is started again."""
    global _server, _server_pid
    with _server_lock:
        if _shut_down:
            raise ForkServerError("parsing has shut down (the interpreter is exiting)")
        if _server is not None and _server_pid == os.getpid() and _server.alive:
            return _server
        if _server is not None and _server_pid == os.getpid():
            _server.stop()
        server = ForkServer()
        server.start()
        _server, _server_pid = server, os.getpid()
        return server


def shutdown() -> None:
    """Stop this process's zygote, if it started one, for good (run at interpreter exit)."""
    global _server, _shut_down
    with _server_lock:
        _shut_down = True
        if _server is not None and _server_pid == os.getpid():
            _server.stop()
        _server = None


atexit.register(shutdown)
