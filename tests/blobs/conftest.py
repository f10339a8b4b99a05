"""The blob tests run on every backend: a local directory and an S3-compatible server."""

from __future__ import annotations

from pathlib import Path

import pytest

from docsort.blobs import BlobStore, LocalBlobStore, S3BlobStore
from tests.support.s3 import REGION, MotoServer


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    """A fresh, empty store of each backend."""
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    server: MotoServer = request.getfixturevalue("s3_server")
    return s3_store(server, server.new_bucket(), prefix="tenant-a/")


def s3_store(
    server: MotoServer, bucket: str, *, prefix: str = "", secret: str | None = None
) -> S3BlobStore:
    """An S3 store on the test server with the IAM user's key (or another secret)."""
    return S3BlobStore(
        bucket,
        prefix,
        endpoint_url=server.endpoint_url,
        region=REGION,
        access_key_id=server.access_key_id,
        secret_access_key=secret or server.secret_access_key,
    )
