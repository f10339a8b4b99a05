"""The FastAPI application: validates, starts workflows, and reads from the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.limits import UploadSizeLimit
from api.routes import (
    batch_processing,
    batches_v2,
    classifier_jobs,
    classify_v2,
    configurations,
    directories,
    files,
    health,
    parse,
    projects,
    webhooks,
)
from api.state import AppState, load_signing_key
from docsort.blobs import blob_store_from_settings
from docsort.logging import get_logger
from docsort.settings import Settings
from docsort.store.database import Database
from docsort.webhooks.guard import AllowList

log = get_logger(__name__)


def create_app(settings: Settings) -> FastAPI:
    """The ASGI app for these settings; connects to the database and Temporal at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = AppState(
            settings=settings,
            db=Database.from_settings(settings),
            blobs=blob_store_from_settings(settings),
            signing_key=load_signing_key(settings),
            webhook_allow=AllowList.parse(settings.webhook_allowed_networks),
        )
        try:
            await state.temporal_client()
        except Exception as exc:  # reads still work; /readyz says what is wrong, and it retries
            log.error("temporal unreachable", error=str(exc))
        app.state.docsort = state
        log.info("api started", database=settings.resolved_database_url.split("://")[0])
        try:
            yield
        finally:
            await state.db.dispose()

    app = FastAPI(
        title="docsort",
        version="0.1.0",
        summary="Durable document classification with a LlamaCloud Classify-compatible API",
        lifespan=lifespan,
    )
    app.add_middleware(UploadSizeLimit, max_bytes=settings.max_upload_bytes)
    install_error_handlers(app)
    for router in (
        health.router,
        projects.router,
        files.router,
        files.legacy_router,
        files.content_router,
        classifier_jobs.router,
        classify_v2.router,
        configurations.router,
        directories.router,
        batch_processing.router,
        batches_v2.router,
        parse.router,
        webhooks.router,
        webhooks.v2_router,
        webhooks.deliveries_router,
    ):
        app.include_router(router)
    return app
