"""Batch membership and recording on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from datetime import timedelta

from docsort import ids
from docsort.domain import ClassificationResult, ClassifyConfig, ItemStatus, Rule
from docsort.store import batches, directories, jobs
from docsort.store.database import Database
from docsort.store.projects import get_or_create_project
from docsort.store.tables import DirectoryFile, StoredFile, utcnow
from tests.store.test_store import _add_files

CONFIG = ClassifyConfig(rules=[Rule(type="a", description="first rule text")])


async def test_membership_is_fixed_at_start_and_recording_is_idempotent(db: Database) -> None:
    async with db.write() as session:
        project = await get_or_create_project(session, f"p-{uuid.uuid4().hex[:8]}")
    file_ids = await _add_files(db, project.id, 6)
    async with db.write() as session:
        folder = await directories.create_directory(
            session, project.id, name="f", description=None, type="user", system_metadata=None
        )
        members = []
        for i, file_id in enumerate(file_ids[:5]):
            members.append(
                await directories.add_file(
                    session,
                    folder,
                    file_id=file_id,
                    display_name=f"f{i}",
                    unique_id=f"u{i}",
                    metadata=None,
                )
            )
        big = await session.get(StoredFile, file_ids[4])
        assert big is not None
        big.size = 10_000
        rule_set = await jobs.create_rule_set(session, project.id, CONFIG)
        total = await batches.count_live_directory_files(session, folder.id)
        batch = await batches.create_batch(
            session,
            id=ids.new_id("bjb"),
            project_id=project.id,
            user_id="key-1",
            api="v1",
            job_type="classify",
            job_config={},
            rule_set_id=rule_set.id,
            directory_id=folder.id,
            page_size=2,
            continue_as_new_threshold=2,
            total_items=total,
        )
    assert total == 5
    async with db.write() as session:
        late = DirectoryFile(
            id=ids.file_id(),
            directory_id=folder.id,
            project_id=project.id,
            file_id=file_ids[5],
            display_name="late",
            unique_id="late",
            created_at=utcnow() + timedelta(seconds=1),
            updated_at=utcnow() + timedelta(seconds=1),
        )
        session.add(late)
        gone = await session.get(DirectoryFile, members[1].id)
        assert gone is not None
        gone.deleted_at = utcnow() + timedelta(milliseconds=5)

    recorded = []
    cursor = None
    async with db.write() as session:
        batch_row = await batches.get_batch(session, project.id, batch.id)
        assert batch_row is not None
        first = await batches.record_page(session, batch_row, None, 2, max_bytes=1_000)
        again = await batches.record_page(session, batch_row, None, 2, max_bytes=1_000)
        assert [i.item_row_id for i in again.items] == [i.item_row_id for i in first.items]
        cursor = first.next_cursor
        recorded += first.items
        while cursor is not None:
            page = await batches.record_page(session, batch_row, cursor, 2, max_bytes=1_000)
            recorded += page.items
            cursor = page.next_cursor
    assert [item.key for item in recorded] == [m.id for m in members]
    assert [item.position for item in recorded] == [0, 1, 2, 3, 4]
    skipped = [item.key for item in recorded if item.job_id is None]
    assert skipped == [members[1].id, members[4].id]

    async with db.write() as session:
        for item in recorded:
            if item.job_id is not None:
                await jobs.mark_file_job_running(session, item.job_id)
        assert await batches.has_open_items(session, batch.id)
        done = [item.job_id for item in recorded if item.job_id is not None]
        await jobs.fail_file_job(session, done[0], "malformed", "broken", None)
        for job_id in done[1:]:
            await jobs.complete_file_job(
                session,
                job_id,
                ClassificationResult(type="a", confidence=1, reasoning="r"),
                None,
            )
        counts = await batches.counters(session, batch_row)
        assert not await batches.has_open_items(session, batch.id)
    assert (
        counts.total_items,
        counts.processed_items,
        counts.failed_items,
        counts.skipped_items,
    ) == (
        5,
        5,
        1,
        2,
    )
    async with db.read() as session:
        items, total_items = await batches.list_items(
            session, batch.id, limit=10, offset=0, status=None
        )
    assert total_items == 5
    assert [i.skip_reason for i in items if i.status == ItemStatus.SKIPPED] == [
        "deleted",
        "size_limit_exceeded",
    ]
