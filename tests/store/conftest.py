"""Store tests run on every database backend: SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from docsort.store.database import Database
from docsort.store.migrate import upgrade_database
from tests.conftest import sqlite_url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database of each backend."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest_asyncio.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """A migrated database of each backend."""
    await asyncio.to_thread(upgrade_database, db_url)
    database = Database(db_url)
    try:
        yield database
    finally:
        await database.dispose()
