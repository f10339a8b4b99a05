"""A batch survives worker crashes and a Temporal crash: one result per file, exact counts."""

from __future__ import annotations

import io
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llama_cloud import LlamaCloud

from docsort.devserver import dev_server_command, wait_until_healthy
from tests.conftest import new_api_key, sqlite_url
from tests.support.documents import INVOICE_TEXT, MATCH_HTML, RECIPE_TEXT, RULES
from tests.support.stack import Stack, free_port

FILES = 60
CONFIG: Any = {"rules": RULES}


class Server:
    """A Temporal dev server on a fixed port and database file, to kill and restart."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.command = dev_server_command(directory / "temporal.db", self.port, free_port())
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """host:port of the frontend."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start (again) on the same port and database."""
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_healthy(self.address, self.process)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


@pytest.fixture
def crashable(tmp_path: Path) -> Iterator[tuple[Server, Stack]]:
    """Its own Temporal server and stack, with a small window and small pages."""
    server = Server(tmp_path)
    server.start()
    stack = Stack(
        data_dir=tmp_path / "data",
        database_url=sqlite_url(tmp_path),
        temporal_address=server.address,
        extra_env={"DOCSORT_BATCH_MAX_IN_FLIGHT": "4"},
    ).start(with_worker=False)
    try:
        yield server, stack
    finally:
        stack.stop()
        if server.process and server.process.poll() is None:
            server.process.terminate()
            server.process.wait(30)


def test_batch_completes_exactly_once_per_file_through_worker_and_server_crashes(
    crashable: tuple[Server, Stack],
) -> None:
    server, stack = crashable
    client = LlamaCloud(base_url=stack.base_url, api_key=new_api_key(stack), max_retries=3)
    directory = client.beta.directories.create(name="durable")
    texts = [INVOICE_TEXT, RECIPE_TEXT, MATCH_HTML]
    for i in range(FILES):
        client.beta.directories.files.upload(
            directory.id,
            upload_file=(f"doc-{i}.txt", io.BytesIO(f"{texts[i % 3]}\nref {i}".encode())),
        )
    job = client.beta.batch.create(
        job_config=CONFIG, directory_id=directory.id, page_size=10, continue_as_new_threshold=10
    )
    worker = stack.start_worker()
    _wait_processed(client, job.id, 10)
    stack.kill_worker(worker)
    worker = stack.start_worker()
    _wait_processed(client, job.id, 25)
    server.kill()
    time.sleep(1)
    server.start()
    _wait_processed(client, job.id, 40)
    stack.kill_worker(worker)
    stack.start_worker()
    final = _wait_processed(client, job.id, FILES, timeout_s=300)
    assert final.status == "completed"
    assert (final.total_items, final.processed_items, final.failed_items, final.skipped_items) == (
        FILES,
        FILES,
        0,
        0,
    )
    items = client.beta.batch.job_items.list(job.id, limit=1000).items
    assert len(items) == FILES and len({item.item_id for item in items}) == FILES
    job_ids = [item.job_id for item in items]
    assert all(job_ids) and len(set(job_ids)) == FILES
    for item in items:
        assert item.status == "completed"
    per_file = client.classify.list(page_size=1000).items
    assert len(per_file) == FILES, "exactly one per-file job per file"
    assert all(j.status == "COMPLETED" and j.result is not None for j in per_file)


def _wait_processed(client: LlamaCloud, job_id: str, at_least: int, timeout_s: float = 180) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            job = client.beta.batch.get_status(job_id).job
        except Exception:  # the API may answer 5xx while Temporal restarts; reads do not need it
            job = None
        if job is not None and (
            (job.processed_items or 0) >= at_least or job.status in ("failed", "cancelled")
        ):
            if at_least == FILES:
                while job.status not in ("completed", "failed", "cancelled"):
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
                    job = client.beta.batch.get_status(job_id).job
            return job
        assert time.monotonic() < deadline, f"stuck below {at_least} processed"
        time.sleep(0.1)
