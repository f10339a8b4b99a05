"""Prometheus metrics: counters and histograms where the work happens, gauges from the database.

Which process serves what:

- a worker (`docsort worker`, with `DOCSORT_WORKER_METRICS_PORT`) serves what it did itself:
  `docsort_files_processed_total`, `docsort_parse_seconds`, `docsort_classify_seconds`;
- the API (`/metrics`) serves `docsort_jobs_started_total` (workflows it started) and, read
  from the database at each scrape so that every API replica agrees, `docsort_jobs` (jobs by
  kind and status) and `docsort_webhook_deliveries` (delivery attempts by outcome).

Both also expose the standard process metrics of `prometheus_client`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from docsort.settings import Settings
from docsort.store.database import Database
from docsort.store.tables import Batch, ClassifyJob, ParseJob, V1Job, WebhookDelivery

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

FILES_PROCESSED = Counter(
    "docsort_files_processed",
    "Files whose classification this worker recorded as finished, by outcome (completed, failed).",
    ["outcome"],
)
PARSE_SECONDS = Histogram(
    "docsort_parse_seconds",
    "Time to parse one document (download included), by outcome.",
    ["outcome"],
    buckets=LATENCY_BUCKETS,
)
CLASSIFY_SECONDS = Histogram(
    "docsort_classify_seconds",
    "Time to classify one document's text, by outcome.",
    ["outcome"],
    buckets=LATENCY_BUCKETS,
)
JOBS_STARTED = Counter(
    "docsort_jobs_started",
    "Workflows this API process started, by kind (v1_job, classify, batch).",
    ["kind"],
)


@contextmanager
def timed(histogram: Histogram) -> Iterator[None]:
    """Observe the block's duration under outcome `ok`, or `error` when it raises."""
    start = time.perf_counter()
    outcome = "error"
    try:
        yield
        outcome = "ok"
    finally:
        histogram.labels(outcome=outcome).observe(time.perf_counter() - start)


def serve_worker_metrics(settings: Settings) -> int | None:
    """Serve this process's metrics over HTTP if a port is set; the port, or None."""
    if settings.worker_metrics_port is None:
        return None
    from prometheus_client import start_http_server

    server, _thread = start_http_server(
        settings.worker_metrics_port, addr=settings.worker_metrics_host
    )
    return int(server.server_port)


async def scrape(db: Database) -> bytes:
    """The API's metrics: this process's own, then the job and delivery gauges from the database."""
    families = await _database_families(db)
    snapshot = CollectorRegistry(auto_describe=False)
    snapshot.register(_Fixed(families))
    return generate_latest(REGISTRY) + generate_latest(snapshot)


async def _database_families(db: Database) -> list[Metric]:
    jobs = GaugeMetricFamily(
        "docsort_jobs", "Jobs in the database by kind and status.", labels=["kind", "status"]
    )
    deliveries = GaugeMetricFamily(
        "docsort_webhook_deliveries",
        "Webhook delivery attempts in the database by outcome (2xx, 4xx, 5xx, error).",
        labels=["outcome"],
    )
    async with db.read() as session:
        for kind, table in (
            ("classify", ClassifyJob),
            ("v1_job", V1Job),
            ("batch", Batch),
            ("parse", ParseJob),
        ):
            rows = await session.execute(select(table.status, func.count()).group_by(table.status))
            for status, count in rows.all():
                jobs.add_metric([kind, str(status)], float(count))
        codes = await session.execute(
            select(WebhookDelivery.status_code, func.count()).group_by(WebhookDelivery.status_code)
        )
        outcomes: dict[str, float] = {}
        for code, count in codes.all():
            outcome = f"{code // 100}xx" if code is not None else "error"
            outcomes[outcome] = outcomes.get(outcome, 0.0) + float(count)
    for outcome, total in sorted(outcomes.items()):
        deliveries.add_metric([outcome], total)
    return [jobs, deliveries]


class _Fixed(Collector):
    """Serves metric families computed before the scrape (the database is async)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families
