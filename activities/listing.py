"""The activity that pages through a parent's items for the batch workflow."""

from __future__ import annotations

from temporalio import activity

from docsort.store import jobs
from docsort.store.database import Database
from workflows.models import LIST_BATCH_ITEMS, BatchItem, ListItemsInput, ListItemsOutput


class ListingActivities:
    """Reads the next page of items to dispatch, in a stable order."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name=LIST_BATCH_ITEMS)
    async def list_batch_items(self, input: ListItemsInput) -> ListItemsOutput:
        """The per-file jobs after `after_position`, at most `limit` of them."""
        async with self.db.read() as session:
            rows = await jobs.children_after(
                session, input.parent_id, input.after_position, input.limit
            )
        return ListItemsOutput(
            items=[
                BatchItem(classify_job_id=job_id, key=file_id, position=position)
                for job_id, file_id, position in rows
            ]
        )
