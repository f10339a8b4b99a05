"""v2 classify jobs and saved configurations on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from docsort.domain import ClassifyConfig, Rule
from docsort.store import classify_jobs, configurations
from docsort.store.classify_jobs import ClassifyJobFilters, NewClassifyJob
from docsort.store.configurations import DuplicateConfiguration
from docsort.store.database import Database
from docsort.store.projects import get_or_create_project
from tests.store.test_store import _add_files

CONFIG = ClassifyConfig(rules=[Rule(type="a", description="first rule text")])


async def _project(db: Database) -> str:
    async with db.write() as session:
        return (await get_or_create_project(session, f"p-{uuid.uuid4().hex[:8]}")).id


def _new(project_id: str, file_id: str, transaction_id: str | None) -> NewClassifyJob:
    return NewClassifyJob(
        project_id=project_id,
        user_id="key-1",
        config=CONFIG,
        configuration_id=None,
        file_input=file_id,
        document_input_type="file_id",
        file_id=file_id,
        parse_job_id=None,
        transaction_id=transaction_id,
    )


async def test_racing_creates_with_one_transaction_id_make_one_job(db: Database) -> None:
    project_id = await _project(db)
    (file_id,) = await _add_files(db, project_id, 1)

    async def create() -> tuple[str, bool]:
        async with db.write() as session:
            row, created = await classify_jobs.create_or_get(
                session, _new(project_id, file_id, "t")
            )
            return row.id, created

    outcomes = await asyncio.gather(*(create() for _ in range(8)))
    assert len({job_id for job_id, _ in outcomes}) == 1
    assert sum(created for _, created in outcomes) == 1
    other_project = await _project(db)
    (other_file,) = await _add_files(db, other_project, 1)
    async with db.write() as session:
        row, created = await classify_jobs.create_or_get(
            session, _new(other_project, other_file, "t")
        )
    assert created and row.id != outcomes[0][0]


async def test_cancel_wins_only_over_unfinished_jobs_and_filters_apply(db: Database) -> None:
    project_id = await _project(db)
    (file_id,) = await _add_files(db, project_id, 1)
    async with db.write() as session:
        first, _ = await classify_jobs.create_or_get(session, _new(project_id, file_id, None))
        second, _ = await classify_jobs.create_or_get(session, _new(project_id, file_id, None))
        assert await classify_jobs.cancel_job(session, first.id)
        assert not await classify_jobs.cancel_job(session, first.id)
    async with db.read() as session:
        cancelled = await classify_jobs.list_jobs(
            session,
            project_id,
            ClassifyJobFilters(status="CANCELLED"),
            page_size=10,
            page_token=None,
        )
        by_ids = await classify_jobs.list_jobs(
            session,
            project_id,
            ClassifyJobFilters(job_ids=[second.id]),
            page_size=10,
            page_token=None,
        )
    assert [row.id for row in cancelled.items] == [first.id]
    assert [row.id for row in by_ids.items] == [second.id]


async def test_configurations_upsert_by_name_and_refuse_a_taken_name(db: Database) -> None:
    project_id = await _project(db)
    async with db.write() as session:
        first = await configurations.upsert_configuration(
            session, project_id, "n", "classify_v2", {"rules": []}
        )
        same = await configurations.upsert_configuration(
            session, project_id, "n", "classify_v2", {"rules": [1]}
        )
        other_type = await configurations.upsert_configuration(
            session, project_id, "n", "parse_v2", {}
        )
        second = await configurations.upsert_configuration(
            session, project_id, "m", "classify_v2", {}
        )
    assert same.id == first.id and same.parameters == {"rules": [1]}
    assert other_type.id != first.id
    async with db.write() as session:
        row = await configurations.get_configuration(session, project_id, second.id)
        assert row is not None
        with pytest.raises(DuplicateConfiguration):
            await configurations.update_configuration(
                session, row, name="n", parameters=None, product_type=None
            )
    async with db.read() as session:
        page = await configurations.list_configurations(
            session, project_id, page_size=10, page_token=None, product_types=["classify_v2"]
        )
    assert sorted(r.id for r in page.items) == sorted([first.id, second.id])
