"""Connecting to Temporal, with the pydantic data converter on every client and worker."""

from __future__ import annotations

import asyncio

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import TLSConfig

from docsort.logging import get_logger
from docsort.settings import Settings

log = get_logger(__name__)

EMBEDDED_ADDRESS_FILE = "temporal-address"


def temporal_address(settings: Settings) -> str:
    """The Temporal frontend to use: the configured one, or the embedded server's."""
    if settings.temporal_address:
        return settings.temporal_address
    recorded = settings.data_dir / EMBEDDED_ADDRESS_FILE
    if recorded.exists():
        return recorded.read_text().strip()
    return f"127.0.0.1:{settings.temporal_port}"


async def connect_with_retry(settings: Settings, timeout_s: float = 120.0) -> Client:
    """Connect, retrying with backoff while Temporal starts (e.g. a worker started first)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    delay = 0.5
    while True:
        try:
            return await connect(settings)
        except Exception as exc:
            if asyncio.get_running_loop().time() + delay > deadline:
                raise
            log.warning("temporal unreachable; retrying", error=str(exc), retry_in_s=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


async def connect(settings: Settings) -> Client:
    """A client for the configured namespace; create one per process and share it."""
    api_key = settings.temporal_api_key
    return await Client.connect(
        temporal_address(settings),
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        tls=tls_config(settings),
        api_key=api_key.get_secret_value() if api_key else None,
    )


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS for the Temporal connection: off, system roots, or the configured CA and client cert.

    An API key (Temporal Cloud) or a client certificate turns TLS on by itself.
    """
    custom = (
        settings.temporal_tls_client_cert,
        settings.temporal_tls_server_ca,
        settings.temporal_tls_server_name,
    )
    if not any(custom):
        return settings.temporal_tls or settings.temporal_api_key is not None
    cert, key, ca = (
        settings.temporal_tls_client_cert,
        settings.temporal_tls_client_key,
        settings.temporal_tls_server_ca,
    )
    return TLSConfig(
        server_root_ca_cert=ca.read_bytes() if ca else None,
        domain=settings.temporal_tls_server_name,
        client_cert=cert.read_bytes() if cert else None,
        client_private_key=key.read_bytes() if key else None,
    )
