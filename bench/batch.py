"""A v1 beta batch over a directory of N small files through the real stack, vs. a plain loop.

Prints files/s, the peak RSS of the worker, the API and the Temporal server, the largest single
workflow history, and beside it the same per-file work in a plain loop (sandboxed parse +
classify, same concurrency) without Temporal or the database, with the ratio.
Run: `python bench/batch.py [--files 2000]` (10,000 and 100,000 are documented in README.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PeakRss, make_files, plain_loop, running_stack
from docsort.logging import configure_logging
from docsort.settings import Settings
from tests.support.documents import RULES

# The production pattern on two cores: workflows in one process, parse and classify in another.
WORKER_QUEUES = ["workflows", "parse,classify"]


def through_batch(paths: list[Path], work: Path) -> dict[str, float]:
    """Files/s of a directory batch through the stack, and the figures around it."""
    with running_stack(work, WORKER_QUEUES) as running:
        server, stack, key = running.server, running.stack, running.key
        temporal_rss = PeakRss(psutil.Process(server.process.pid))
        assert stack.api is not None
        worker_rss = PeakRss(psutil.Process(stack.workers[0].pid))
        activity_worker_rss = PeakRss(psutil.Process(stack.workers[1].pid))
        api_rss = PeakRss(psutil.Process(stack.api.pid))
        with httpx.Client(
            base_url=stack.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as http:
            directory = http.post("/api/v1/beta/directories", json={"name": "bench"}).json()["id"]
            for path in paths:
                http.post(
                    f"/api/v1/beta/directories/{directory}/files/upload",
                    files={"upload_file": (path.name, path.read_bytes())},
                ).raise_for_status()
            start = time.perf_counter()
            job = http.post(
                "/api/v1/beta/batch-processing",
                json={"job_config": {"rules": RULES}, "directory_id": directory},
            ).json()
            while True:
                status = http.get(f"/api/v1/beta/batch-processing/{job['id']}").json()["job"]
                if status["status"] in ("completed", "failed", "cancelled"):
                    break
                time.sleep(1)
            elapsed = time.perf_counter() - start
        assert status["status"] == "completed", status
        assert status["processed_items"] == len(paths), status
        histories = server.history_lengths(f'WorkflowId = "batch-{job["id"]}"')
        return {
            "files_per_s": len(paths) / elapsed,
            "worker_mb": worker_rss.stop() + activity_worker_rss.stop(),
            "api_mb": api_rss.stop(),
            "temporal_mb": temporal_rss.stop(),
            "largest_history": float(max(histories or [0])),
            "parent_runs": float(len(histories)),
        }


def main() -> None:
    """Run both sides and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    configure_logging(Settings(log_level="WARNING"))
    concurrency = Settings().worker_max_concurrent_activities
    with tempfile.TemporaryDirectory(prefix="docsort-batch-bench-") as tmp:
        work = Path(tmp)
        (work / "docs").mkdir()
        paths = make_files(work / "docs", args.files)
        sample = paths[: min(len(paths), 500)]
        loop_rate = plain_loop(sample, concurrency)
        print(f"plain loop ({len(sample)} files): {loop_rate:.1f} files/s")
        figures = through_batch(paths, work)
    ratio = figures["files_per_s"] / loop_rate
    print(f"batch ({args.files} files): {figures['files_per_s']:.1f} files/s, ratio {ratio:.2f}")
    print(
        f"peak RSS: worker {figures['worker_mb']:.0f} MB, API {figures['api_mb']:.0f} MB, "
        f"Temporal {figures['temporal_mb']:.0f} MB"
    )
    print(
        f"largest parent history: {figures['largest_history']:.0f} events "
        f"over {figures['parent_runs']:.0f} runs"
    )
    print(
        f"RESULT files={args.files} batch_files_per_s={figures['files_per_s']:.2f} "
        f"loop_files_per_s={loop_rate:.2f} ratio={ratio:.3f} "
        f"worker_peak_rss_mb={figures['worker_mb']:.0f} api_peak_rss_mb={figures['api_mb']:.0f} "
        f"temporal_peak_rss_mb={figures['temporal_mb']:.0f} "
        f"largest_history_events={figures['largest_history']:.0f}"
    )


if __name__ == "__main__":
    main()
