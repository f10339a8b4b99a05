"""The blob storage interface every backend implements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class BlobNotFound(FileNotFoundError):
    """No blob is stored under that key."""


class BlobStore(Protocol):
    """Stores bytes under string keys; calls are blocking (run them off the event loop)."""

    def put_file(self, key: str, source: Path) -> None:
        """Store the content of a local file under `key` (replacing any blob there)."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store `data` under `key`."""

    def get_bytes(self, key: str) -> bytes:
        """The bytes stored under `key`; raises BlobNotFound."""

    def download(self, key: str, destination: Path) -> None:
        """Copy the blob to a local file; raises BlobNotFound."""

    def open_path(self, key: str) -> Path | None:
        """A local path holding the blob if the backend has one (local directory), else None."""

    def stream(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        """The blob's bytes a chunk at a time (never whole in memory); raises BlobNotFound."""

    def presigned_url(
        self, key: str, ttl_s: int, *, filename: str | None = None, media_type: str | None = None
    ) -> str | None:
        """A URL the store itself serves the blob at for `ttl_s` seconds, if it can make one."""

    def delete(self, key: str) -> None:
        """Remove the blob if it exists."""

    def size(self, key: str) -> int:
        """The blob's size in bytes; raises BlobNotFound."""

    def ping(self) -> None:
        """Raise if the store cannot be reached or written to (readiness check)."""
