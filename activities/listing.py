"""The activity that pages through a parent's members for the batch workflow."""

from __future__ import annotations

from temporalio import activity

from docsort.logging import get_logger
from docsort.store import batches, jobs
from docsort.store.database import Database
from docsort.store.tables import Batch
from workflows.models import LIST_BATCH_ITEMS, BatchItem, ListItemsInput, ListItemsOutput

log = get_logger(__name__)


class ListingActivities:
    """Reads (and, for batches, records) the next page of members, in a stable order."""

    def __init__(self, db: Database, max_file_bytes: int) -> None:
        self.db = db
        self.max_file_bytes = max_file_bytes

    @activity.defn(name=LIST_BATCH_ITEMS)
    async def list_batch_items(self, input: ListItemsInput) -> ListItemsOutput:
        """The members after `cursor`, at most `limit`; retried safely (recording is idempotent)."""
        if input.parent_kind == "v1_job":
            return await self._v1_files(input)
        async with self.db.write() as session:
            batch = await session.get(Batch, input.parent_id)
            if batch is None:
                raise LookupError(f"batch {input.parent_id} not found")
            page = await batches.record_page(
                session, batch, input.cursor, input.limit, self.max_file_bytes
            )
        skipped = sum(1 for item in page.items if item.job_id is None)
        log.info(
            "batch page recorded",
            workflow_id=activity.info().workflow_id,
            batch_id=input.parent_id,
            items=len(page.items),
            skipped=skipped,
        )
        return ListItemsOutput(
            items=[
                BatchItem(job_id=item.job_id, key=item.key, position=item.position)
                for item in page.items
            ],
            next_cursor=page.next_cursor,
        )

    async def _v1_files(self, input: ListItemsInput) -> ListItemsOutput:
        after = int(input.cursor) if input.cursor else -1
        async with self.db.read() as session:
            rows = await jobs.children_after(session, input.parent_id, after, input.limit)
        return ListItemsOutput(
            items=[BatchItem(job_id=job_id, key=key, position=pos) for job_id, key, pos in rows],
            next_cursor=str(rows[-1][2]) if rows else input.cursor,
        )
