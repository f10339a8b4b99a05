"""A running docsort for tests: `docsort api` and `docsort worker` as real processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from docsort.devserver import temporal_binary
from docsort.store.migrate import upgrade_database

READY_TIMEOUT_S = 60.0


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stack:
    """An API and worker processes sharing one data directory, database and Temporal."""

    data_dir: Path
    database_url: str
    temporal_address: str
    extra_env: dict[str, str] = field(default_factory=dict)
    queue_prefix: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:8]}")
    port: int = field(default_factory=free_port)
    api: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        """Where the API answers."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """The environment every docsort process of this stack runs with."""
        return {
            **os.environ,
            "DOCSORT_DATA_DIR": str(self.data_dir),
            "DOCSORT_DATABASE_URL": self.database_url,
            "DOCSORT_TEMPORAL_ADDRESS": self.temporal_address,
            "DOCSORT_TASK_QUEUE_PREFIX": self.queue_prefix,
            "DOCSORT_PORT": str(self.port),
            "DOCSORT_LOG_LEVEL": "WARNING",
            **self.extra_env,
        }

    def start(self, *, with_worker: bool = True, worker_queues: list[str] | None = None) -> Stack:
        """Migrate the database, then start the API and workers and wait until ready.

        `worker_queues` starts one worker per entry (e.g. `["workflows", "parse,classify"]`);
        by default one worker polls every queue.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        upgrade_database(self.database_url)
        self.api = self._spawn("api", "api")
        if with_worker:
            for queues in worker_queues or [""]:
                self.start_worker(queues)
        self.wait_ready()
        return self

    def start_worker(self, queues: str | None = None) -> subprocess.Popen[bytes]:
        """Start one more worker process (polling `queues`, default all)."""
        extra = ["--queues", queues] if queues else []
        process = self._spawn(f"worker-{len(self.workers)}", "worker", *extra)
        self.workers.append(process)
        return process

    def kill_worker(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL a worker, as a crash would."""
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def wait_ready(self) -> None:
        """Block until `/readyz` answers 200."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.api is not None and self.api.poll() is not None:
                raise RuntimeError(
                    f"the API exited with {self.api.returncode}; see {self.data_dir}"
                )
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError("the API did not become ready")

    def stop(self) -> None:
        """Stop every process of the stack."""
        for process in [*self.workers, *([self.api] if self.api else [])]:
            if process.poll() is None:
                process.terminate()
        for process in [*self.workers, *([self.api] if self.api else [])]:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _spawn(self, name: str, command: str, *extra: str) -> subprocess.Popen[bytes]:
        log = (self.data_dir / f"{name}.log").open("ab")
        return subprocess.Popen(
            [sys.executable, "-m", "docsort", command, *extra],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def closed_status(stack: Stack, workflow_id: str) -> str:
    """How a workflow closed (`COMPLETED`, `CANCELED`, …; polled until it has), from the CLI."""
    deadline = time.monotonic() + 90
    while True:
        out = subprocess.run(
            [
                str(temporal_binary()),
                "workflow",
                "describe",
                "--address",
                stack.temporal_address,
                "--workflow-id",
                workflow_id,
                "--output",
                "json",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        status: str = json.loads(out)["workflowExecutionInfo"]["status"]
        status = status.removeprefix("WORKFLOW_EXECUTION_STATUS_")
        if status != "RUNNING" or time.monotonic() > deadline:
            return status
        time.sleep(0.2)
