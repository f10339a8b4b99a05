"""The docsort worker: polls docsort's task queues and runs its workflows and activities."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError
from temporalio.worker import Worker

from activities.classify import ClassifyActivities
from activities.listing import ListingActivities
from activities.llm_classify import LlmClassifyActivities
from activities.parse import ParseActivities
from activities.persist import PersistActivities
from activities.webhooks import WebhookOutboxActivities, webhook_worker
from docsort.blobs import BlobStore, blob_store_from_settings
from docsort.classifiers.factory import worker_classifier
from docsort.logging import get_logger
from docsort.metrics import serve_worker_metrics
from docsort.parsing.forkserver import shared_server
from docsort.parsing.limits import parse_limits
from docsort.settings import Settings
from docsort.store.database import Database
from docsort.webhooks.models import delivery_options, sweep_input
from workflows.batch import BatchWorkflow
from workflows.classify_file import ClassifyFileWorkflow
from workflows.parse_file import ParseFileWorkflow
from workflows.webhook_delivery import WebhookDeliveryWorkflow
from workflows.webhook_sweep import WebhookSweepWorkflow

# `llm`: one worker per configured LLM provider, on that provider's own task queue.
# `webhooks`: the delivery activities (HTTP calls to receivers).
QUEUE_KINDS = ("workflows", "parse", "classify", "llm", "webhooks")
log = get_logger(__name__)


def build_workers(
    client: Client, settings: Settings, db: Database, queues: Iterable[str] = QUEUE_KINDS
) -> list[Worker]:
    """One Temporal worker per task-queue kind asked for, sharing the database and blobs."""
    blobs = blob_store_from_settings(settings)
    chosen = set(queues)
    unknown = chosen - set(QUEUE_KINDS)
    if unknown:
        raise ValueError(f"unknown queue kinds {sorted(unknown)}; choose from {QUEUE_KINDS}")
    workers: list[Worker] = []
    concurrency = settings.worker_max_concurrent_activities
    if "workflows" in chosen:
        options = delivery_options(settings)
        persist = PersistActivities(db, options)
        outbox = WebhookOutboxActivities(db, options)
        listing = ListingActivities(db, settings.parse_max_bytes or settings.max_upload_bytes)
        workers.append(
            Worker(
                client,
                task_queue=settings.workflow_task_queue,
                workflows=[
                    BatchWorkflow,
                    ClassifyFileWorkflow,
                    ParseFileWorkflow,
                    WebhookDeliveryWorkflow,
                    WebhookSweepWorkflow,
                ],
                activities=[
                    persist.start_file_job,
                    persist.save_result,
                    persist.save_failure,
                    persist.finish_batch,
                    persist.mark_batch,
                    persist.cancel_batch_items,
                    persist.start_parse_item,
                    persist.finish_parse_item,
                    listing.list_batch_items,
                    outbox.mark_dispatched,
                    outbox.find_stale,
                ],
                max_concurrent_activities=settings.worker_workflow_concurrency
                or max(concurrency, 20),
                max_concurrent_workflow_tasks=settings.worker_workflow_concurrency,
            )
        )
    if "parse" in chosen:
        shared_server()  # start the parsing zygote now, not on the first document
        parse = ParseActivities(db, blobs, parse_limits(settings))
        workers.append(
            Worker(
                client,
                task_queue=settings.parse_task_queue,
                activities=[parse.parse_document],
                max_concurrent_activities=settings.worker_parse_concurrency or concurrency,
            )
        )
    if "classify" in chosen:
        if settings.classifier_fast_provider:
            log.info(
                "embedded classifier loads on its first document",
                fast_provider=settings.classifier_fast_provider,
            )
        classify = ClassifyActivities(db, blobs, worker_classifier(settings))
        workers.append(
            Worker(
                client,
                task_queue=settings.classify_task_queue,
                activities=[classify.classify_document],
                max_concurrent_activities=settings.worker_classify_concurrency or concurrency,
            )
        )
    if "llm" in chosen:
        workers += llm_workers(client, settings, db, blobs)
    if "webhooks" in chosen:
        workers.append(webhook_worker(client, settings, db))
    return workers


def llm_workers(client: Client, settings: Settings, db: Database, blobs: BlobStore) -> list[Worker]:
    """One worker per LLM provider: its concurrency per process, its rate across all workers."""
    workers: list[Worker] = []
    for name, provider in settings.llm_providers.items():
        llm = LlmClassifyActivities(db, blobs, name, provider)
        workers.append(
            Worker(
                client,
                task_queue=settings.llm_task_queue(name),
                activities=[llm.classify_document],
                max_concurrent_activities=provider.max_concurrency,
                max_task_queue_activities_per_second=provider.requests_per_second,
            )
        )
    return workers


async def run_worker(
    settings: Settings, client: Client, queues: Sequence[str] = QUEUE_KINDS
) -> None:
    """Run the workers until cancelled, then shut them down gracefully."""
    db = Database.from_settings(settings)
    workers = build_workers(client, settings, db, queues)
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=_thread_pool_size(settings)))
    if "workflows" in queues:
        await start_webhook_sweep(client, settings)
    metrics_port = serve_worker_metrics(settings)
    log.info("worker started", queues=[w.task_queue for w in workers], metrics_port=metrics_port)
    try:
        await asyncio.gather(*(w.run() for w in workers))
    finally:
        await asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
        await db.dispose()


def webhook_sweep_id(settings: Settings) -> str:
    """The one sweep workflow of a deployment (per task-queue prefix)."""
    return f"{settings.task_queue_prefix}-webhook-sweep"


async def start_webhook_sweep(client: Client, settings: Settings) -> None:
    """Start the webhook sweep unless it runs already (every workflow worker asks; one runs).

    A running sweep keeps the settings it was started with: terminate it to apply new ones.
    """
    if settings.webhook_sweep_interval_s <= 0:
        return
    try:
        await client.start_workflow(
            WebhookSweepWorkflow.run,
            sweep_input(settings),
            id=webhook_sweep_id(settings),
            task_queue=settings.workflow_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            static_summary="hands out webhook events no other workflow dispatched",
        )
    except RPCError as err:  # the worker still serves; the next worker start tries again
        log.warning("webhook sweep not started", error=str(err))


def _thread_pool_size(settings: Settings) -> int:
    """Threads for blocking activity work: the largest per-queue concurrency, plus a few."""
    default = settings.worker_max_concurrent_activities
    parse = settings.worker_parse_concurrency or default
    classify = settings.worker_classify_concurrency or default
    return max(parse, classify) + 4
