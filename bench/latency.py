"""Interactive latency: one v2 classify job, create → COMPLETED, against the bare work.

Runs 50 sequential jobs of a one-page text document through the SDK (create, then `get` every
20 ms) on the real stack, and beside it the same sandboxed parse + classify called directly, and
prints p50/p95 of both and the difference of the p50s: what the service around the work costs.
Run: `python bench/latency.py [--jobs 50]`.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llama_cloud import LlamaCloud

from bench.common import running_stack
from docsort.classifiers.factory import build_classifier
from docsort.domain import Rule
from docsort.logging import configure_logging
from docsort.parsing.models import ParseLimits, ParseRequest
from docsort.parsing.sandbox import parse_document
from docsort.settings import Settings
from tests.support.documents import INVOICE_TEXT, RULES

POLL_S = 0.02


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, in the same unit."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def direct(path: Path, jobs: int) -> list[float]:
    """Seconds per document of the sandboxed parse + classify called directly."""
    settings = Settings()
    classifier = build_classifier(settings)
    rules = [Rule(type=r["type"], description=r["description"]) for r in RULES]
    limits = ParseLimits(memory_mb=settings.parse_memory_mb, timeout_s=settings.parse_timeout_s)
    times = []
    for _ in range(jobs):
        start = time.perf_counter()
        parsed = parse_document(path, ParseRequest(), limits)
        classifier.classify(parsed.text, rules)
        times.append(time.perf_counter() - start)
    return times


def through_service(path: Path, jobs: int, work: Path) -> list[float]:
    """Seconds from create to COMPLETED of v2 jobs through the SDK on the real stack."""
    with running_stack(work) as running:
        stack, key = running.stack, running.key
        client = LlamaCloud(base_url=stack.base_url, api_key=key, max_retries=0)
        # One upload per job: a repeated file would reuse its parse job and skip the parse.
        file_ids = [
            client.files.create(
                file=(path.name, io.BytesIO(path.read_bytes() + f"\nref {i}".encode())),
                purpose="classify",
            ).id
            for i in range(jobs)
        ]
        times = []
        for file_id in file_ids:
            start = time.perf_counter()
            job = client.classify.create(file_input=file_id, configuration={"rules": RULES})
            while (status := client.classify.get(job.id).status) not in ("COMPLETED", "FAILED"):
                time.sleep(POLL_S)
            assert status == "COMPLETED", status
            times.append(time.perf_counter() - start)
        return times


def main() -> None:
    """Run both sides and print p50/p95 and the service's own cost."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=50)
    args = parser.parse_args()
    configure_logging(Settings(log_level="WARNING"))
    with tempfile.TemporaryDirectory(prefix="docsort-latency-") as tmp:
        work = Path(tmp)
        doc = work / "invoice.txt"
        doc.write_text(INVOICE_TEXT)
        bare = direct(doc, args.jobs)
        service = through_service(doc, args.jobs, work)
    bare_p50, service_p50 = statistics.median(bare) * 1000, statistics.median(service) * 1000
    print(
        f"direct parse+classify: p50 {bare_p50:.0f} ms, p95 {percentile(bare, 0.95) * 1000:.0f} ms"
    )
    print(
        f"through docsort:       p50 {service_p50:.0f} ms, "
        f"p95 {percentile(service, 0.95) * 1000:.0f} ms"
    )
    print(f"service overhead (p50 difference): {service_p50 - bare_p50:.0f} ms (target <= 150)")
    print(
        f"RESULT jobs={args.jobs} direct_p50_ms={bare_p50:.0f} "
        f"direct_p95_ms={percentile(bare, 0.95) * 1000:.0f} service_p50_ms={service_p50:.0f} "
        f"service_p95_ms={percentile(service, 0.95) * 1000:.0f} "
        f"overhead_p50_ms={service_p50 - bare_p50:.0f}"
    )


if __name__ == "__main__":
    main()
