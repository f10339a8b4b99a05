"""First-start chores: the `default` project and the API key kept in the data directory."""

from __future__ import annotations

import os
from pathlib import Path

from docsort.settings import Settings
from docsort.store.database import Database
from docsort.store.projects import authenticate, create_api_key, get_or_create_project

DEFAULT_PROJECT = "default"
API_KEY_FILE = "api-key"


async def create_key(settings: Settings, project_name: str) -> str:
    """A new API key for the project (created if missing)."""
    db = Database.from_settings(settings)
    try:
        async with db.write() as session:
            project = await get_or_create_project(session, project_name)
            return await create_api_key(session, project.id)
    finally:
        await db.dispose()


async def ensure_default_key(settings: Settings) -> str:
    """The key in `<data-dir>/api-key`, created (mode 600) with the `default` project if absent."""
    path = settings.data_dir / API_KEY_FILE
    if path.exists():
        key = path.read_text().strip()
        db = Database.from_settings(settings)
        try:
            async with db.read() as session:
                if key and await authenticate(session, key) is not None:
                    return key
        finally:
            await db.dispose()
    key = await create_key(settings, DEFAULT_PROJECT)
    _write_private(path, key)
    return key


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content + "\n")
    os.chmod(path, 0o600)
