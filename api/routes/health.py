"""Liveness, readiness and metrics (no API key; each can be turned off by a setting)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import State
from api.errors import ApiError
from docsort import metrics

router = APIRouter(tags=["health"])
# A readiness probe that hangs is as bad as one that fails: each check gets this long.
CHECK_TIMEOUT_S = 5.0


@router.get("/healthz")
async def healthz(state: State) -> dict[str, str]:
    """The process is up (nothing else is checked)."""
    if not state.settings.enable_healthz:
        raise ApiError(404, "Not Found")
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: State) -> dict[str, str]:
    """The database, the blob store and Temporal answer; 503 naming the first that does not."""
    if not state.settings.enable_readyz:
        raise ApiError(404, "Not Found")
    try:
        await asyncio.wait_for(state.db.ping(), CHECK_TIMEOUT_S)
    except Exception as exc:
        raise ApiError(503, f"database unreachable: {type(exc).__name__}") from exc
    try:
        await asyncio.wait_for(asyncio.to_thread(state.blobs.ping), CHECK_TIMEOUT_S)
    except Exception as exc:
        raise ApiError(503, f"blob store unreachable: {type(exc).__name__}") from exc
    try:
        client = await asyncio.wait_for(state.temporal_client(), CHECK_TIMEOUT_S)
        await asyncio.wait_for(client.service_client.check_health(), CHECK_TIMEOUT_S)
    except Exception as exc:
        raise ApiError(503, f"temporal unreachable: {type(exc).__name__}") from exc
    return {"status": "ready"}


@router.get("/metrics")
async def metrics_endpoint(state: State) -> Response:
    """Prometheus metrics: this process's counters and the database's job gauges."""
    if not state.settings.enable_metrics:
        raise ApiError(404, "Not Found")
    return Response(await metrics.scrape(state.db), media_type=CONTENT_TYPE_LATEST)
