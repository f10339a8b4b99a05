"""`/api/v1/beta/configurations`: saved presets that `configuration_id` points at."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import ValidationError

from api.deps import ProjectId, State
from api.errors import ApiError, not_found
from api.schemas.classify import ClassifyConfigurationIn
from api.schemas.common import CursorPage, PageSize
from api.schemas.configurations import (
    ConfigurationCreate,
    ConfigurationOut,
    ConfigurationParameters,
    ConfigurationUpdate,
    ProductType,
)
from api.state import AppState
from docsort.store import configurations
from docsort.store.configurations import DuplicateConfiguration
from docsort.store.tables import Configuration

router = APIRouter(prefix="/api/v1/beta/configurations", tags=["configurations"])


@router.post("")
async def create_configuration(
    body: ConfigurationCreate, state: State, project_id: ProjectId
) -> ConfigurationOut:
    """Create a configuration, or update the one with the same name and product type."""
    parameters = _checked(body.parameters)
    async with state.db.write() as session:
        row = await configurations.upsert_configuration(
            session, project_id, body.name, body.parameters.product_type, parameters
        )
    return _out(row)


@router.get("")
async def list_configurations(
    state: State,
    project_id: ProjectId,
    page_size: Annotated[PageSize, Query()] = 50,
    page_token: Annotated[str | None, Query()] = None,
    name: Annotated[str | None, Query()] = None,
    latest_only: Annotated[bool, Query()] = False,
    product_type: Annotated[list[ProductType] | None, Query()] = None,
) -> CursorPage[ConfigurationOut]:
    """The project's configurations (one version per name and product type: always the latest)."""
    async with state.db.read() as session:
        page = await configurations.list_configurations(
            session,
            project_id,
            page_size=page_size,
            page_token=page_token,
            name=name,
            product_types=product_type,
        )
    return CursorPage[ConfigurationOut](
        items=[_out(row) for row in page.items], next_page_token=page.next_page_token
    )


@router.get("/{config_id}")
async def get_configuration(
    config_id: str, state: State, project_id: ProjectId
) -> ConfigurationOut:
    """One configuration."""
    return _out(await _load(state, project_id, config_id))


@router.put("/{config_id}")
async def update_configuration(
    config_id: str, body: ConfigurationUpdate, state: State, project_id: ProjectId
) -> ConfigurationOut:
    """Change the name and/or the parameters."""
    parameters = _checked(body.parameters) if body.parameters is not None else None
    async with state.db.write() as session:
        row = await configurations.get_configuration(session, project_id, config_id)
        if row is None:
            raise not_found(f"configuration {config_id}")
        try:
            row = await configurations.update_configuration(
                session,
                row,
                name=body.name,
                parameters=parameters,
                product_type=body.parameters.product_type if body.parameters else None,
            )
        except DuplicateConfiguration as exc:
            raise ApiError(400, str(exc)) from exc
    return _out(row)


@router.delete("/{config_id}", status_code=204)
async def delete_configuration(config_id: str, state: State, project_id: ProjectId) -> Response:
    """Delete a configuration; jobs created from it keep their resolved rules."""
    async with state.db.write() as session:
        row = await configurations.get_configuration(session, project_id, config_id)
        if row is None:
            raise not_found(f"configuration {config_id}")
        await configurations.delete_configuration(session, row)
    return Response(status_code=204)


def _checked(parameters: ConfigurationParameters) -> dict[str, Any]:
    """Parameters to store: `classify_v2` is validated like inline rules, others kept as sent."""
    raw = parameters.model_dump(mode="json")
    if parameters.product_type != "classify_v2":
        return raw
    try:
        classify = ClassifyConfigurationIn.model_validate(raw)
    except ValidationError as exc:
        detail = [
            {"loc": ["body", "parameters", *err["loc"]], "msg": err["msg"], "type": err["type"]}
            for err in exc.errors()
        ]
        raise ApiError(422, detail) from exc
    checked = classify.model_dump(mode="json", exclude_none=True)
    return {"product_type": "classify_v2", **checked}


async def _load(state: AppState, project_id: str, config_id: str) -> Configuration:
    async with state.db.read() as session:
        row = await configurations.get_configuration(session, project_id, config_id)
    if row is None:
        raise not_found(f"configuration {config_id}")
    return row


def _out(row: Configuration) -> ConfigurationOut:
    return ConfigurationOut(
        id=row.id,
        name=row.name,
        parameters=row.parameters,
        product_type=row.product_type,
        version=row.updated_at.isoformat(),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
