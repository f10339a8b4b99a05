"""Shared pieces of the benchmarks: memory sampling, test files, the plain-loop baseline."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docsort.bootstrap import create_key
from docsort.classifiers.factory import build_classifier
from docsort.devserver import dev_server_command, temporal_binary, wait_until_healthy
from docsort.domain import Rule
from docsort.parsing.models import ParseLimits, ParseRequest
from docsort.parsing.sandbox import parse_document
from docsort.settings import Settings
from tests.support.documents import INVOICE_TEXT, MATCH_HTML, RECIPE_TEXT, RULES
from tests.support.stack import Stack, free_port


class PeakRss:
    """Samples the resident memory of a process tree in the background; keeps the peak."""

    def __init__(self, process: psutil.Process, children: bool = True) -> None:
        self.process = process
        self.children = children
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                tree = [self.process]
                if self.children:
                    tree += self.process.children(recursive=True)
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            time.sleep(0.2)

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak / 1e6


def make_files(directory: Path, count: int) -> list[Path]:
    """`count` small documents of three kinds (text and HTML)."""
    texts = [INVOICE_TEXT, RECIPE_TEXT, MATCH_HTML]
    paths = []
    for i in range(count):
        path = directory / f"doc-{i:06d}.{'html' if i % 3 == 2 else 'txt'}"
        path.write_text(f"{texts[i % 3]}\nreference {i}\n")
        paths.append(path)
    return paths


def plain_loop(paths: list[Path], concurrency: int) -> float:
    """Files/s of the same per-file work without Temporal or the database."""
    settings = Settings()
    classifier = build_classifier(settings)
    rules = [Rule(type=r["type"], description=r["description"]) for r in RULES]
    limits = ParseLimits(memory_mb=settings.parse_memory_mb, timeout_s=settings.parse_timeout_s)

    async def one(path: Path, gate: asyncio.Semaphore) -> None:
        async with gate:
            parsed = await asyncio.to_thread(parse_document, path, ParseRequest(), limits)
            await asyncio.to_thread(classifier.classify, parsed.text, rules)

    async def run() -> None:
        gate = asyncio.Semaphore(concurrency)
        await asyncio.gather(*(one(p, gate) for p in paths))

    start = time.perf_counter()
    asyncio.run(run())
    return len(paths) / (time.perf_counter() - start)


class TemporalServer:
    """An embedded Temporal dev server for one benchmark run."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            dev_server_command(directory / "temporal.db", self.port, free_port()),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.address = f"127.0.0.1:{self.port}"
        wait_until_healthy(self.address, self.process)

    def history_lengths(self, query: str) -> list[int]:
        """History lengths (events) of the executions matching a visibility query."""
        out = subprocess.run(
            [
                str(temporal_binary()),
                "workflow",
                "list",
                "--address",
                self.address,
                "--query",
                query,
                "--output",
                "jsonl",
                "--limit",
                "100000",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return [int(json.loads(line).get("historyLength", 0)) for line in out.splitlines() if line]

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        self.process.wait(60)


@dataclass(frozen=True)
class RunningStack:
    """A Temporal server, docsort's API and workers on it, and an API key."""

    server: TemporalServer
    stack: Stack
    key: str


@contextmanager
def running_stack(
    work: Path, worker_queues: list[str] | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[RunningStack]:
    """Start everything under `work` (SQLite), yield it, and stop it all at the end;
    `extra_env` adds settings (`DOCSORT_*`) for the API and workers."""
    server = TemporalServer(work)
    stack = Stack(
        data_dir=work / "data",
        database_url=f"sqlite+aiosqlite:///{work / 'docsort.db'}",
        temporal_address=server.address,
        extra_env=extra_env or {},
    )
    try:
        stack.start(worker_queues=worker_queues)
        settings = Settings(data_dir=stack.data_dir, database_url=stack.database_url)
        yield RunningStack(server, stack, asyncio.run(create_key(settings, "bench")))
    finally:
        stack.stop()
        server.stop()
