"""Request dependencies: the app state, the authenticated principal and its project."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from api.errors import ApiError, not_found
from api.state import AppState
from docsort.store.projects import Principal, authenticate


def get_state(request: Request) -> AppState:
    """The process-wide state."""
    state: AppState = request.app.state.docsort
    return state


State = Annotated[AppState, Depends(get_state)]


async def get_principal(request: Request, state: State) -> Principal:
    """The caller behind the bearer key; 401 without a valid one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "missing bearer API key (Authorization: Bearer <key>)")
    async with state.db.read() as session:
        principal = await authenticate(session, token.strip())
    if principal is None:
        raise ApiError(401, "invalid API key")
    return principal


Caller = Annotated[Principal, Depends(get_principal)]


async def get_project_id(
    principal: Caller,
    project_id: Annotated[str | None, Query()] = None,
    organization_id: Annotated[str | None, Query()] = None,
) -> str:
    """The project the request acts on: the key's own; another `project_id` is a 404."""
    if project_id is not None and project_id != principal.project_id:
        raise not_found(f"project {project_id}")
    return principal.project_id


ProjectId = Annotated[str, Depends(get_project_id)]
