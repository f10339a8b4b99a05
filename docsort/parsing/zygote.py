"""The zygote: a single-threaded helper process that forks one sandbox child per document.

`python -m docsort.parsing.zygote FD` is started once per worker process by
`docsort.parsing.forkserver`, imports the parsers once, and then serves requests on the
SOCK_SEQPACKET socket FD. Forking a warm process costs a few milliseconds where starting
Python and importing the parsers costs a few tenths of a second. The worker itself is never
forked: it is multi-threaded.

Messages are JSON, one per packet. From the parent: `{"op": "parse", "id", "job",
"timeout_s", "temp_dir"}` with two file descriptors attached (the result pipe and the stderr
pipe, both write ends), and `{"op": "cancel", "id"}`. To the parent: `{"event": "ready"}`,
then per job `{"event": "exited", "id", "returncode", "timed_out", "cpu_s", "max_rss_kb"}`
(or `{"event": "failed", "id", "error"}` if no child could be forked).

Each child starts its own session (so its process group holds it and the OCR processes it
starts), dies with the zygote (PR_SET_PDEATHSIG), and is killed with its whole group at its
deadline. The zygote kills every group before reaping it, so nothing a document started
outlives its parse (the parent removes the child's temporary directory afterwards). When
the parent closes the socket (or dies), the zygote kills what is left and exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import select
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

_PR_SET_PDEATHSIG = 1
_MAX_MESSAGE_BYTES = 1024 * 1024
_FDS_PER_JOB = 2


@dataclass
class _Child:
    job_id: str
    deadline: float
    timed_out: bool = False


def main() -> int:
    """Serve the parent on the socket whose descriptor is the first argument."""
    channel = socket.socket(fileno=int(sys.argv[1]))
    _warm_up()
    _Zygote(channel).serve()
    return 0


def _warm_up() -> None:
    """Import and initialise everything a child needs, once, before any fork."""
    from PIL import Image

    from docsort.parsing import child, ocr, sniff, warmup

    del child
    Image.init()
    sniff.warm_up()
    ocr.installed_languages()
    warmup.warm_up_parsers()
    # Children then never scan (and so never copy) the zygote's objects when they collect.
    gc.collect()
    gc.freeze()


class _Zygote:
    def __init__(self, channel: socket.socket) -> None:
        self.channel = channel
        self.children: dict[int, _Child] = {}
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)

    def serve(self) -> None:
        """Fork, watch and reap children until the parent goes away."""
        signal.signal(signal.SIGCHLD, lambda _signum, _frame: None)
        signal.signal(signal.SIGTERM, _exit_on_signal)
        signal.set_wakeup_fd(self.wake_w)
        try:
            self._send({"event": "ready", "pid": os.getpid()})
            while self._step():
                pass
        finally:
            self._kill_all()

    def _step(self) -> bool:
        channel = self.channel.fileno()
        readable, _, _ = select.select([channel, self.wake_r], [], [], self._wait_s())
        if channel in readable and not self._receive():
            return False
        if self.wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(self.wake_r, 4096)
        self._reap()
        self._enforce_deadlines()
        return True

    def _wait_s(self) -> float | None:
        if not self.children:
            return None
        return max(0.0, min(c.deadline for c in self.children.values()) - time.monotonic())

    def _receive(self) -> bool:
        """Handle one message; False once the parent has closed the socket."""
        try:
            data, fds, _flags, _address = socket.recv_fds(
                self.channel, _MAX_MESSAGE_BYTES, _FDS_PER_JOB
            )
        except (ConnectionError, OSError):
            return False
        if not data:
            return False
        try:
            message = json.loads(data)
            if message["op"] == "parse":
                self._fork(message, fds)
            elif message["op"] == "cancel":
                self._cancel(str(message["id"]))
        except (ValueError, KeyError, TypeError) as error:
            sys.stderr.write(f"docsort zygote: unreadable request ignored: {error!r}\n")
        finally:
            for fd in fds:
                os.close(fd)
        return True

    def _fork(self, message: dict[str, Any], fds: list[int]) -> None:
        job_id = str(message["id"])
        if len(fds) != _FDS_PER_JOB:
            self._send({"event": "failed", "id": job_id, "error": "no pipes were attached"})
            return
        temp_dir = str(message["temp_dir"])
        zygote = os.getpid()
        try:
            pid = os.fork()
        except OSError as error:
            self._send({"event": "failed", "id": job_id, "error": f"fork failed: {error}"})
            return
        if pid == 0:  # the child: never returns
            status = 1
            try:
                status = self._become_child(str(message["job"]), fds, temp_dir, zygote)
            finally:
                os._exit(status)
        deadline = time.monotonic() + float(message["timeout_s"])
        self.children[pid] = _Child(job_id, deadline)

    def _become_child(self, job_json: str, fds: list[int], temp_dir: str, zygote: int) -> int:
        os.setsid()
        self.libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != zygote:  # the zygote died before the line above
            return 1
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL)
        self.channel.close()
        os.close(self.wake_r)
        os.close(self.wake_w)
        result_fd, stderr_fd = fds
        os.dup2(stderr_fd, 2)
        os.dup2(stderr_fd, 1)  # stray prints from C libraries must not reach anything else
        os.close(stderr_fd)
        os.environ["TMPDIR"] = temp_dir
        tempfile.tempdir = temp_dir

        from docsort.parsing.child import ChildJob, limit_resources, run_job

        try:
            job = ChildJob.model_validate_json(job_json)
            limit_resources(job.limits)
            status = run_job(job, result_fd)
        except BaseException:
            import traceback

            traceback.print_exc()
            status = 1
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        return status

    def _cancel(self, job_id: str) -> None:
        for pid, child in self.children.items():
            if child.job_id == job_id:
                _kill_group(pid)

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for pid, child in self.children.items():
            if not child.timed_out and now >= child.deadline:
                child.timed_out = True
                _kill_group(pid)

    def _reap(self) -> None:
        """Reap every child that has exited, after killing what is left of its group."""
        while True:
            try:
                exited = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if exited is None or exited.si_pid == 0:
                return
            pid = exited.si_pid
            # The zombie keeps its pid (and group id) reserved until reaped: no reuse race.
            _kill_group(pid)
            _, status, usage = os.wait4(pid, 0)
            child = self.children.pop(pid, None)
            if child is None:
                continue
            self._send(
                {
                    "event": "exited",
                    "id": child.job_id,
                    "returncode": os.waitstatus_to_exitcode(status),
                    "timed_out": child.timed_out,
                    "cpu_s": usage.ru_utime + usage.ru_stime,
                    "max_rss_kb": usage.ru_maxrss,
                }
            )

    def _kill_all(self) -> None:
        for pid in list(self.children):
            _kill_group(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.children.clear()

    def _send(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):  # the parent is gone: the loop ends on EOF
            self.channel.send(json.dumps(message).encode("utf-8"))


def _kill_group(pid: int) -> None:
    """Kill a child and its process group (the child itself too, in case it has not yet
    called setsid). Only called for unreaped children, whose pid cannot have been reused."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
