"""Liveness, readiness and metrics (no API key; each can be turned off by a setting)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select

from api.deps import State
from api.errors import ApiError
from docsort.store.tables import ClassifyJob

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(state: State) -> dict[str, str]:
    """The process is up."""
    if not state.settings.enable_healthz:
        raise ApiError(404, "Not Found")
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: State) -> dict[str, str]:
    """The database and Temporal answer."""
    if not state.settings.enable_readyz:
        raise ApiError(404, "Not Found")
    try:
        await state.db.ping()
    except Exception as exc:
        raise ApiError(503, f"database unreachable: {type(exc).__name__}") from exc
    try:
        await state.temporal_client()
    except Exception as exc:
        raise ApiError(503, f"temporal unreachable: {exc}") from exc
    return {"status": "ready"}


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(state: State) -> str:
    """Per-document job counts by status, in the Prometheus text format."""
    if not state.settings.enable_metrics:
        raise ApiError(404, "Not Found")
    async with state.db.read() as session:
        rows = await session.execute(
            select(ClassifyJob.status, func.count()).group_by(ClassifyJob.status)
        )
    lines = [
        "# HELP docsort_classify_jobs Per-document classify jobs by status.",
        "# TYPE docsort_classify_jobs gauge",
    ]
    lines += [f'docsort_classify_jobs{{status="{status}"}} {count}' for status, count in rows.all()]
    return "\n".join(lines) + "\n"
