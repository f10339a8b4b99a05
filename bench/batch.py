"""A v1 beta batch over a directory of N small files through the real stack, vs. a plain loop.

Prints files/s, the peak RSS of the two worker processes (workflows; parse and classify with its
parse helpers), the API and the Temporal server, the largest parent workflow history (a child's
is ~20 events), and beside it the same per-file work in a plain loop (sandboxed parse +
classify, same concurrency) without Temporal or the database, with the ratio.
Run: `python bench/batch.py [--files 2000]` (runs at 10,000 and 100,000 files are
in bench/README.md); a progress line goes to stderr every minute.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
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
UPLOAD_THREADS = 8
PROGRESS_EVERY_S = 60.0


def upload_all(base_url: str, key: str, directory: str, paths: list[Path]) -> None:
    """Upload the files into the directory, several at a time."""

    def upload(chunk: list[Path]) -> None:
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as http:
            for path in chunk:
                http.post(
                    f"/api/v1/beta/directories/{directory}/files/upload",
                    files={"upload_file": (path.name, path.read_bytes())},
                ).raise_for_status()

    chunks = [paths[i::UPLOAD_THREADS] for i in range(UPLOAD_THREADS)]
    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        list(pool.map(upload, chunks))


def through_batch(paths: list[Path], work: Path) -> dict[str, float]:
    """Files/s of a directory batch through the stack, and the figures around it."""
    with running_stack(work, WORKER_QUEUES) as running:
        server, stack, key = running.server, running.stack, running.key
        temporal_rss = PeakRss(psutil.Process(server.process.pid))
        assert stack.api is not None
        worker_rss = PeakRss(psutil.Process(stack.workers[0].pid))
        activity_worker_rss = PeakRss(psutil.Process(stack.workers[1].pid))
        # The process alone: its parse helpers' pages are mostly shared, so the tree overcounts.
        activity_process_rss = PeakRss(psutil.Process(stack.workers[1].pid), children=False)
        api_rss = PeakRss(psutil.Process(stack.api.pid))
        with httpx.Client(
            base_url=stack.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as http:
            directory = http.post("/api/v1/beta/directories", json={"name": "bench"}).json()["id"]
            upload_all(stack.base_url, key, directory, paths)
            start = time.perf_counter()
            job = http.post(
                "/api/v1/beta/batch-processing",
                json={"job_config": {"rules": RULES}, "directory_id": directory},
            ).json()
            last_report = start
            while True:
                status = http.get(f"/api/v1/beta/batch-processing/{job['id']}").json()["job"]
                if status["status"] in ("completed", "failed", "cancelled"):
                    break
                now = time.perf_counter()
                if now - last_report >= PROGRESS_EVERY_S:
                    last_report = now
                    print(
                        f"  {status['processed_items']}/{status['total_items']} files after "
                        f"{now - start:.0f} s ({status['processed_items'] / (now - start):.1f}/s); "
                        f"peak RSS MB so far: workflow worker {worker_rss.peak / 1e6:.0f}, "
                        f"activity worker {activity_process_rss.peak / 1e6:.0f} "
                        f"(with its parse helpers {activity_worker_rss.peak / 1e6:.0f}), "
                        f"API {api_rss.peak / 1e6:.0f}, Temporal {temporal_rss.peak / 1e6:.0f}",
                        file=sys.stderr,
                        flush=True,
                    )
                time.sleep(1)
            elapsed = time.perf_counter() - start
        assert status["status"] == "completed", status
        assert status["processed_items"] == len(paths), status
        histories = server.history_lengths(f'WorkflowId = "batch-{job["id"]}"')
        return {
            "files_per_s": len(paths) / elapsed,
            "workflow_worker_mb": worker_rss.stop(),
            "activity_worker_mb": activity_process_rss.stop(),
            "activity_tree_mb": activity_worker_rss.stop(),
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
        f"peak RSS: workflow worker {figures['workflow_worker_mb']:.0f} MB, activity worker "
        f"{figures['activity_worker_mb']:.0f} MB (with its parse helpers "
        f"{figures['activity_tree_mb']:.0f} MB, shared pages counted in each), "
        f"API {figures['api_mb']:.0f} MB, Temporal {figures['temporal_mb']:.0f} MB"
    )
    print(
        f"largest parent history: {figures['largest_history']:.0f} events "
        f"over {figures['parent_runs']:.0f} runs"
    )
    print(
        f"RESULT files={args.files} batch_files_per_s={figures['files_per_s']:.2f} "
        f"loop_files_per_s={loop_rate:.2f} ratio={ratio:.3f} "
        f"workflow_worker_peak_rss_mb={figures['workflow_worker_mb']:.0f} "
        f"activity_worker_peak_rss_mb={figures['activity_worker_mb']:.0f} "
        f"activity_tree_peak_rss_mb={figures['activity_tree_mb']:.0f} "
        f"api_peak_rss_mb={figures['api_mb']:.0f} "
        f"temporal_peak_rss_mb={figures['temporal_mb']:.0f} "
        f"largest_history_events={figures['largest_history']:.0f}"
    )


if __name__ == "__main__":
    main()
