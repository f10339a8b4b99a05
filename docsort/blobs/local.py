"""Blob storage in a local directory (the embedded default)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from docsort.blobs.base import BlobNotFound


class LocalBlobStore:
    """Blobs as files below one directory; writes are atomic (temp file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def put_file(self, key: str, source: Path) -> None:
        """Copy `source` in under `key`."""
        with source.open("rb") as reader:
            self._write(key, lambda writer: shutil.copyfileobj(reader, writer, 1024 * 1024))

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store `data` under `key`."""
        self._write(key, lambda writer: writer.write(data))

    def get_bytes(self, key: str) -> bytes:
        """The bytes under `key`."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

    def download(self, key: str, destination: Path) -> None:
        """Copy the blob to `destination`."""
        try:
            shutil.copyfile(self._path(key), destination)
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

    def open_path(self, key: str) -> Path | None:
        """The file holding the blob."""
        path = self._path(key)
        return path if path.exists() else None

    def stream(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        """The blob's bytes a chunk at a time."""
        try:
            reader = self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc
        with reader:
            while chunk := reader.read(chunk_size):
                yield chunk

    def presigned_url(
        self, key: str, ttl_s: int, *, filename: str | None = None, media_type: str | None = None
    ) -> str | None:
        """None: a local directory serves nothing itself (docsort's signed link does)."""
        return None

    def delete(self, key: str) -> None:
        """Remove the blob if present."""
        self._path(key).unlink(missing_ok=True)

    def size(self, key: str) -> int:
        """The blob's size in bytes."""
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

    def ping(self) -> None:
        """Raise unless the directory exists and is writable."""
        if not self.root.is_dir() or not os.access(self.root, os.W_OK):
            raise OSError(f"blob directory {self.root} is missing or not writable")

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"blob key escapes the storage directory: {key!r}")
        return path

    def _write(self, key: str, fill: Callable[[BinaryIO], object]) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as writer:
                fill(writer)
                writer.flush()
                os.fsync(writer.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
