"""Connecting to Temporal, with the pydantic data converter on every client and worker."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from docsort.settings import Settings

EMBEDDED_ADDRESS_FILE = "temporal-address"


def temporal_address(settings: Settings) -> str:
    """The Temporal frontend to use: the configured one, or the embedded server's."""
    if settings.temporal_address:
        return settings.temporal_address
    recorded = settings.data_dir / EMBEDDED_ADDRESS_FILE
    if recorded.exists():
        return recorded.read_text().strip()
    return f"127.0.0.1:{settings.temporal_port}"


async def connect(settings: Settings) -> Client:
    """A client for the configured namespace; create one per process and share it."""
    return await Client.connect(
        temporal_address(settings),
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )
