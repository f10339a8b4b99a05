"""The docsort worker: polls docsort's task queues and runs its workflows and activities."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

from activities.classify import ClassifyActivities
from activities.listing import ListingActivities
from activities.parse import ParseActivities
from activities.persist import PersistActivities
from docsort.blobs import blob_store_from_settings
from docsort.classifiers.factory import build_classifier
from docsort.logging import get_logger
from docsort.parsing.forkserver import shared_server
from docsort.parsing.limits import parse_limits
from docsort.settings import Settings
from docsort.store.database import Database
from workflows.batch import BatchWorkflow
from workflows.classify_file import ClassifyFileWorkflow
from workflows.parse_file import ParseFileWorkflow

QUEUE_KINDS = ("workflows", "parse", "classify")
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
        persist = PersistActivities(db)
        listing = ListingActivities(db, settings.parse_max_bytes or settings.max_upload_bytes)
        workers.append(
            Worker(
                client,
                task_queue=settings.workflow_task_queue,
                workflows=[BatchWorkflow, ClassifyFileWorkflow, ParseFileWorkflow],
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
                ],
                max_concurrent_activities=max(concurrency, 20),
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
                max_concurrent_activities=concurrency,
            )
        )
    if "classify" in chosen:
        classify = ClassifyActivities(db, blobs, build_classifier(settings))
        workers.append(
            Worker(
                client,
                task_queue=settings.classify_task_queue,
                activities=[classify.classify_document],
                max_concurrent_activities=concurrency,
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
    loop.set_default_executor(
        ThreadPoolExecutor(max_workers=settings.worker_max_concurrent_activities + 4)
    )
    log.info("worker started", queues=[w.task_queue for w in workers])
    try:
        await asyncio.gather(*(w.run() for w in workers))
    finally:
        await asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
        await db.dispose()
