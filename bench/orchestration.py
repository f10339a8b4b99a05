"""Orchestration overhead: a 500-file v1 job through the real stack vs. a plain loop.

Both sides do the same per-file work (the sandboxed parse in a child process, then the same
classifier) at the same concurrency; the stack adds Temporal, the database, blob storage and
HTTP. Prints files/s for both, their ratio, and the peak RSS of the worker, the API and the
Temporal server. Run: `python bench/orchestration.py [--files 500]`.
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


def through_stack(paths: list[Path], work: Path) -> tuple[float, float, float, float]:
    """Files/s of a v1 job through the real stack, and the peak RSS of worker, API, Temporal."""
    with running_stack(work) as running:
        server, stack, key = running.server, running.stack, running.key
        temporal_rss = PeakRss(psutil.Process(server.process.pid))
        assert stack.api is not None
        worker_rss = PeakRss(psutil.Process(stack.workers[0].pid))
        api_rss = PeakRss(psutil.Process(stack.api.pid))
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=stack.base_url, headers=headers, timeout=60) as http:
            file_ids = [
                http.post(
                    "/api/v1/beta/files",
                    files={"file": (p.name, p.read_bytes())},
                    data={"purpose": "classify"},
                ).json()["id"]
                for p in paths
            ]
            start = time.perf_counter()
            job = http.post("/api/v1/classifier/jobs", json={"file_ids": file_ids, "rules": RULES})
            job_id = job.json()["id"]
            while http.get(f"/api/v1/classifier/jobs/{job_id}").json()["status"] == "PENDING":
                time.sleep(0.2)
            elapsed = time.perf_counter() - start
            status = http.get(f"/api/v1/classifier/jobs/{job_id}").json()["status"]
            assert status == "SUCCESS", status
        return len(paths) / elapsed, worker_rss.stop(), api_rss.stop(), temporal_rss.stop()


def main() -> None:
    """Run both sides and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=500)
    args = parser.parse_args()
    configure_logging(Settings(log_level="WARNING"))
    concurrency = Settings().worker_max_concurrent_activities
    with tempfile.TemporaryDirectory(prefix="docsort-bench-") as tmp:
        work = Path(tmp)
        (work / "docs").mkdir()
        paths = make_files(work / "docs", args.files)
        base = plain_loop(paths, concurrency)
        print(f"plain loop:  {base:.1f} files/s (concurrency {concurrency})")
        stack_rate, worker_mb, api_mb, temporal_mb = through_stack(paths, work)
        print(f"full stack:  {stack_rate:.1f} files/s")
        print(f"ratio stack/loop: {stack_rate / base:.2f}")
        print(f"peak RSS: worker {worker_mb:.0f} MB, API {api_mb:.0f} MB", end=", ")
        print(f"Temporal {temporal_mb:.0f} MB")
        print(
            f"RESULT files={args.files} stack_files_per_s={stack_rate:.2f} "
            f"loop_files_per_s={base:.2f} ratio={stack_rate / base:.3f} "
            f"worker_peak_rss_mb={worker_mb:.0f} api_peak_rss_mb={api_mb:.0f} "
            f"temporal_peak_rss_mb={temporal_mb:.0f}"
        )


if __name__ == "__main__":
    main()
