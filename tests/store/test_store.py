"""Projects, keys, files, jobs and parse jobs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from docsort import ids
from docsort.domain import (
    ClassificationResult,
    ClassifyConfig,
    FileJobStatus,
    ParsingOptions,
    Rule,
    V1JobStatus,
)
from docsort.store import files, jobs, parse_jobs
from docsort.store.database import Database
from docsort.store.paging import InvalidPageToken
from docsort.store.projects import authenticate, create_api_key, get_or_create_project
from docsort.store.tables import StoredFile

CONFIG = ClassifyConfig(
    rules=[Rule(type="a", description="first rule text"), Rule(type="b", description="second rule")]
)


async def _project(db: Database) -> str:
    async with db.write() as session:
        project = await get_or_create_project(session, f"p-{uuid.uuid4().hex[:8]}")
        return project.id


async def _add_files(db: Database, project_id: str, count: int) -> list[str]:
    created = []
    async with db.write() as session:
        for i in range(count):
            file_id = ids.file_id()
            session.add(
                StoredFile(
                    id=file_id,
                    project_id=project_id,
                    name=f"f{i:02d}.txt",
                    size=1,
                    sha256="0" * 64,
                    detected_type="txt",
                    mime_type="text/plain",
                    blob_key=f"files/{file_id}",
                )
            )
            created.append(file_id)
            await session.flush()
    return created


async def test_keys_authenticate_only_their_project_and_are_stored_hashed(db: Database) -> None:
    async with db.write() as session:
        project = await get_or_create_project(session, f"keys-{uuid.uuid4().hex[:6]}")
        again = await get_or_create_project(session, project.name)
        raw = await create_api_key(session, project.id)
    assert again.id == project.id
    async with db.read() as session:
        principal = await authenticate(session, raw)
        assert principal is not None and principal.project_id == project.id
        assert await authenticate(session, raw + "x") is None
        from sqlalchemy import select

        from docsort.store.tables import ApiKey

        stored = (await session.scalars(select(ApiKey.key_hash))).all()
        assert raw not in stored


async def test_file_listing_pages_by_cursor_in_every_order(db: Database) -> None:
    project_id = await _project(db)
    created = await _add_files(db, project_id, 7)
    for order, expected in (
        (None, created),
        ("name", created),
        ("id", sorted(created)),
        ("created_at", list(reversed(created))),
    ):
        seen: list[str] = []
        token = None
        while True:
            async with db.read() as session:
                page = await files.list_files(
                    session,
                    project_id,
                    page_size=3,
                    page_token=token,
                    order_by=order,  # type: ignore[arg-type]
                )
            seen += [row.id for row in page.items]
            token = page.next_page_token
            if token is None:
                break
        assert seen == expected, order
    other = await _project(db)
    async with db.read() as session:
        assert (await files.list_files(session, other, page_size=10, page_token=None)).items == []
        with pytest.raises(InvalidPageToken):
            await files.list_files(session, project_id, page_size=3, page_token="garbage!")


async def test_v1_job_children_page_in_file_order_and_roll_up(db: Database) -> None:
    project_id = await _project(db)
    file_ids = await _add_files(db, project_id, 5)
    async with db.write() as session:
        job = await jobs.create_v1_job(
            session, project_id=project_id, user_id="key-x", config=CONFIG, file_ids=file_ids
        )
    async with db.read() as session:
        first = await jobs.children_after(session, job.id, -1, 3)
        rest = await jobs.children_after(session, job.id, first[-1][2], 3)
    assert [f for _, f, _ in first + rest] == file_ids
    child_ids = [c for c, _, _ in first + rest]

    async with db.write() as session:
        assert await jobs.mark_file_job_running(session, child_ids[0])
        assert not await jobs.mark_file_job_running(session, child_ids[0])
        assert await jobs.finish_v1_job(session, job.id) is V1JobStatus.PENDING
        result = ClassificationResult(type="a", confidence=0.9, reasoning="r")
        for child in child_ids[:4]:
            assert await jobs.complete_file_job(session, child, result, None)
        assert await jobs.fail_file_job(session, child_ids[4], "unsupported_type", "nope", None)
        # The first terminal status wins: a late retry changes nothing.
        assert not await jobs.complete_file_job(session, child_ids[4], result, None)
        assert not await jobs.fail_file_job(session, child_ids[0], "x", "late", None)
    async with db.write() as session:
        counts = await jobs.count_children_by_status(session, job.id)
        assert counts == {FileJobStatus.COMPLETED: 4, FileJobStatus.FAILED: 1}
        assert await jobs.finish_v1_job(session, job.id) is V1JobStatus.PARTIAL_SUCCESS
        assert await jobs.finish_v1_job(session, job.id) is V1JobStatus.PARTIAL_SUCCESS
    async with db.read() as session:
        page = await jobs.list_children(session, job.id, page_size=2, page_token=None)
        assert [row.file_id for row in page.items] == file_ids[:2] and page.next_page_token
        assert (await jobs.get_rule_set(session, job.rule_set_id)) == CONFIG


async def test_parse_job_is_shared_per_file_and_settings_even_under_a_race(db: Database) -> None:
    project_id = await _project(db)
    (file_id,) = await _add_files(db, project_id, 1)
    options = ParsingOptions(lang="en", pages=[1, 2])

    async def create() -> str:
        async with db.write() as session:
            return (
                await parse_jobs.get_or_create_parse_job(session, project_id, file_id, options)
            ).id

    created = await asyncio.gather(*(create() for _ in range(4)))
    assert len(set(created)) == 1
    async with db.write() as session:
        other = await parse_jobs.get_or_create_parse_job(
            session, project_id, file_id, ParsingOptions(lang="de")
        )
        assert other.id != created[0]
        await parse_jobs.complete_parse_job(session, created[0], "parsed/x.json", 3, [1, 2])
    async with db.read() as session:
        row = await parse_jobs.get_parse_job(session, created[0])
        assert row is not None and row.status == "COMPLETED" and row.pages == [1, 2]
