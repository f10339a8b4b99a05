"""Webhook delivery throughput: 1,000 events through docsort vs. a plain httpx loop.

docsort side: 1,000 v2 jobs with a webhook are stored (each records its `classify.pending`
event in the outbox, as the API does), then one WebhookDeliveryWorkflow per event is started
on a real Temporal server and a docsort worker delivers them (the address guard, signing, the
attempt log in the database) to a local receiver. Timed from the first start until the
receiver has accepted every event. Loop side: the same bodies and headers posted by httpx at
the same concurrency (the worker's `DOCSORT_WEBHOOK_MAX_CONCURRENT_DELIVERIES`) to an identical
receiver. Run: `python bench/webhooks.py [--events 1000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import running_stack
from docsort.domain import ClassifyConfig, Rule
from docsort.logging import configure_logging
from docsort.settings import Settings
from docsort.store import classify_jobs, webhooks
from docsort.store.classify_jobs import NewClassifyJob
from docsort.store.database import Database
from docsort.store.projects import get_or_create_project
from docsort.store.tables import WebhookEvent
from docsort.temporal import connect
from docsort.webhooks import payload
from docsort.webhooks.endpoints import WebhookEndpoint
from docsort.webhooks.events import CLASSIFY_JOB
from docsort.webhooks.models import (
    DELIVERY_WORKFLOW,
    WebhookDeliveryInput,
    WebhookTarget,
    delivery_options,
)
from tests.support.receiver import Receiver

CONFIG = ClassifyConfig(rules=[Rule(type="invoice", description="a bill asking for payment")])
SECRET = "bench-secret"
Request = tuple[bytes, dict[str, str]]


async def record_events(database_url: str, count: int, url: str) -> list[WebhookTarget]:
    """`count` jobs with one webhook each; their pending events, as delivery targets."""
    endpoint = {"url": url, "output_format": "json", "signing_secret": SECRET}
    db = Database(database_url)
    targets: list[WebhookTarget] = []
    try:
        async with db.write() as session:
            project = await get_or_create_project(session, f"bench-{uuid.uuid4().hex[:8]}")
            for i in range(count):
                row, _ = await classify_jobs.create_or_get(
                    session,
                    NewClassifyJob(
                        project_id=project.id,
                        user_id="bench",
                        config=CONFIG,
                        configuration_id=None,
                        file_input=f"dfl-bench-{i}",
                        document_input_type="file_id",
                        file_id=f"dfl-bench-{i}",
                        parse_job_id=None,
                        transaction_id=None,
                        webhooks=[endpoint],
                    ),
                )
                pending = await webhooks.undispatched(session, CLASSIFY_JOB, row.id)
                targets += pending.targets
    finally:
        await db.dispose()
    return targets


async def through_docsort(
    settings: Settings, targets: list[WebhookTarget], receiver: Receiver, concurrency: int
) -> float:
    """Deliveries/s: start one delivery workflow per event, wait until all were accepted."""
    client = await connect(settings)
    options = delivery_options(settings)
    gate = asyncio.Semaphore(concurrency)

    async def start(target: WebhookTarget) -> None:
        async with gate:
            await client.start_workflow(
                DELIVERY_WORKFLOW,
                WebhookDeliveryInput(target=target, options=options),
                id=target.workflow_id,
                task_queue=settings.workflow_task_queue,
            )

    began = time.perf_counter()
    await asyncio.gather(*(start(t) for t in targets))
    await asyncio.to_thread(receiver.wait_accepted, len(targets))
    return len(targets) / (time.perf_counter() - began)


async def bodies(database_url: str, targets: list[WebhookTarget]) -> list[Request]:
    """The exact bodies and headers docsort sent, for the loop to post."""
    db = Database(database_url)
    endpoint = WebhookEndpoint(url="", output_format="json", signing_secret=SECRET)
    out = []
    try:
        async with db.read() as session:
            for target in targets:
                event = await session.get(WebhookEvent, target.event_id)
                assert event is not None
                raw = payload.body(event, "json")
                out.append((raw, payload.headers(event, endpoint, raw, 1)))
    finally:
        await db.dispose()
    return out


async def plain_loop(requests: list[Request], receiver: Receiver, concurrency: int) -> float:
    """Deliveries/s of the same posts made directly with httpx."""
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

        async def post(raw: bytes, headers: dict[str, str]) -> None:
            async with gate:
                response = await client.post(receiver.url("/ok"), content=raw, headers=headers)
                response.raise_for_status()

        began = time.perf_counter()
        await asyncio.gather(*(post(raw, headers) for raw, headers in requests))
        elapsed = time.perf_counter() - began
    assert receiver.accepted_events() == len(requests)
    return len(requests) / elapsed


def _cpu(process: psutil.Process) -> float:
    """CPU seconds (user + system) so far of a process and, except for this one, its children."""
    total = 0.0
    tree = [process] if process.pid == os.getpid() else process.children(recursive=True)
    for proc in {process, *tree}:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def main() -> None:
    """Run both sides and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    configure_logging(Settings(log_level="WARNING"))
    concurrency = Settings().webhook_max_concurrent_deliveries
    docsort_receiver, loop_receiver = Receiver().start(), Receiver().start()
    env = {
        "DOCSORT_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
        "DOCSORT_CLASSIFIER_ENGINE": "lexical",
    }
    try:
        with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), extra_env=env) as run:
            stack = run.stack
            url = docsort_receiver.url("/ok")
            targets = asyncio.run(record_events(stack.database_url, args.events, url))
            settings = Settings(
                data_dir=stack.data_dir,
                database_url=stack.database_url,
                temporal_address=run.server.address,
                task_queue_prefix=stack.queue_prefix,
            )
            processes = {
                "worker": psutil.Process(stack.workers[0].pid),
                "temporal": psutil.Process(run.server.process.pid),
                "bench": psutil.Process(),
            }
            before = {name: _cpu(p) for name, p in processes.items()}
            docsort_rate = asyncio.run(
                through_docsort(settings, targets, docsort_receiver, concurrency)
            )
            cpu_ms = {
                name: 1000 * (_cpu(p) - before[name]) / len(targets)
                for name, p in processes.items()
            }
            requests = asyncio.run(bodies(stack.database_url, targets))
            loop_rate = asyncio.run(plain_loop(requests, loop_receiver, concurrency))
    finally:
        docsort_receiver.stop()
        loop_receiver.stop()
    print(f"events: {len(targets)}, concurrency {concurrency}")
    print(f"docsort (Temporal workflow + activity + attempt log): {docsort_rate:.1f} deliveries/s")
    print(f"plain httpx loop:                                    {loop_rate:.1f} deliveries/s")
    shares = ", ".join(f"{name} {ms:.1f}" for name, ms in cpu_ms.items())
    print(f"CPU ms per delivery on the docsort side: {shares}")
    print(
        f"RESULT events={len(targets)} concurrency={concurrency} "
        f"docsort_per_s={docsort_rate:.1f} loop_per_s={loop_rate:.1f} "
        f"ratio={docsort_rate / loop_rate:.3f} worker_cpu_ms={cpu_ms['worker']:.1f} "
        f"temporal_cpu_ms={cpu_ms['temporal']:.1f}"
    )


if __name__ == "__main__":
    main()
