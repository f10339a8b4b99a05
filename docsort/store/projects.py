"""Projects and API keys: who may call, and which project they see."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from docsort import ids
from docsort.store.tables import ApiKey, Project

KEY_PREFIX = "ds-"


@dataclass(frozen=True)
class Principal:
    """The caller behind a valid API key."""

    key_id: str
    project_id: str


def hash_key(raw_key: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


async def get_or_create_project(session: AsyncSession, name: str) -> Project:
    """The project called `name`, created if it does not exist."""
    project = await session.scalar(select(Project).where(Project.name == name))
    if project is None:
        project = Project(id=ids.project_id(), name=name, organization_id=ids.new_id("org"))
        session.add(project)
        await session.flush()
    return project


async def create_api_key(session: AsyncSession, project_id: str) -> str:
    """Create a key for the project and return it in clear (it is stored only as a hash)."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            id=ids.api_key_id(),
            project_id=project_id,
            key_hash=hash_key(raw),
            prefix=raw[: len(KEY_PREFIX) + 6],
        )
    )
    await session.flush()
    return raw


async def authenticate(session: AsyncSession, raw_key: str) -> Principal | None:
    """The principal owning `raw_key`, or None if the key is unknown or revoked."""
    key = await session.scalar(
        select(ApiKey).where(ApiKey.key_hash == hash_key(raw_key), ApiKey.revoked_at.is_(None))
    )
    return Principal(key_id=key.id, project_id=key.project_id) if key else None


async def get_project(session: AsyncSession, project_id: str) -> Project | None:
    """The project with this id, if any."""
    return await session.get(Project, project_id)
