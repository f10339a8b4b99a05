"""`/api/v1/projects`: the key's own project."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Caller, State
from api.errors import not_found
from api.schemas.common import ProjectOut
from docsort.store.projects import get_project
from docsort.store.tables import Project

router = APIRouter(prefix="/api/v1/projects", tags=["projects"])


@router.get("")
async def list_projects(principal: Caller, state: State) -> list[ProjectOut]:
    """The projects the key can see: its own."""
    async with state.db.read() as session:
        project = await get_project(session, principal.project_id)
    return [_out(project)] if project else []


@router.get("/{project_id}")
async def get_one_project(project_id: str, principal: Caller, state: State) -> ProjectOut:
    """The key's project by id; any other id is a 404."""
    if project_id != principal.project_id:
        raise not_found(f"project {project_id}")
    async with state.db.read() as session:
        project = await get_project(session, project_id)
    if project is None:
        raise not_found(f"project {project_id}")
    return _out(project)


def _out(project: Project) -> ProjectOut:
    return ProjectOut(
        id=project.id,
        name=project.name,
        organization_id=project.organization_id,
        created_at=project.created_at,
        updated_at=project.updated_at,
    )
