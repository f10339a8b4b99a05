"""Directories on SQLite and PostgreSQL: live unique ids, soft deletes, ordered listing."""

from __future__ import annotations

import uuid

import pytest

from docsort.store import directories
from docsort.store.database import Database
from docsort.store.directories import DirectoryFileFilters, DuplicateUniqueId
from docsort.store.projects import get_or_create_project
from tests.store.test_store import _add_files


async def test_unique_id_is_unique_among_live_files_only(db: Database) -> None:
    async with db.write() as session:
        project = await get_or_create_project(session, f"p-{uuid.uuid4().hex[:8]}")
    file_ids = await _add_files(db, project.id, 3)
    async with db.write() as session:
        folder = await directories.create_directory(
            session, project.id, name="f", description=None, type="user", system_metadata=None
        )
        first = await directories.add_file(
            session, folder, file_id=file_ids[0], display_name="a", unique_id="u", metadata=None
        )
        with pytest.raises(DuplicateUniqueId):
            await directories.add_file(
                session, folder, file_id=file_ids[1], display_name="b", unique_id="u", metadata=None
            )
        await directories.delete_file(session, first)
        again = await directories.add_file(
            session, folder, file_id=file_ids[1], display_name="b", unique_id="u", metadata={"k": 1}
        )
        third = await directories.add_file(
            session, folder, file_id=file_ids[2], display_name="c", unique_id="v", metadata=None
        )
    async with db.read() as session:
        live = await directories.list_files(
            session, folder.id, DirectoryFileFilters(), page_size=10, page_token=None
        )
        everything = await directories.list_files(
            session,
            folder.id,
            DirectoryFileFilters(include_deleted=True),
            page_size=2,
            page_token=None,
        )
    assert [row.id for row in live.items] == [again.id, third.id]
    assert [row.id for row in everything.items] == [first.id, again.id]
    assert everything.next_page_token is not None
