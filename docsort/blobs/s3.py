"""Blob storage in an S3-compatible bucket (production), signed with SigV4 everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from docsort.blobs.base import BlobNotFound

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MIB = 1024 * 1024
# Multipart above 8 MiB, in 8 MiB parts: a 100 MB upload streams from disk, never whole in memory.
TRANSFER = TransferConfig(
    multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=4, io_chunksize=MIB
)
NOT_FOUND_CODES = {"404", "NoSuchKey", "NotFound"}
AddressingStyle = Literal["auto", "path", "virtual"]


class S3BlobStore:
    """Blobs as objects under `prefix` in one bucket; credentials given or from the AWS chain."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        addressing_style: AddressingStyle = "auto",
        max_pool_connections: int = 20,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        session = boto3.session.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
        )
        self.client: S3Client = session.client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": addressing_style},
                retries={"max_attempts": 5, "mode": "standard"},
                max_pool_connections=max_pool_connections,
            ),
        )

    def put_file(self, key: str, source: Path) -> None:
        """Upload a local file under `key` (multipart above 8 MiB, streamed from disk)."""
        self.client.upload_file(str(source), self.bucket, self._key(key), Config=TRANSFER)

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store `data` under `key`."""
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def get_bytes(self, key: str) -> bytes:
        """The bytes under `key`."""
        with _not_found(key):
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
            return body.read()

    def download(self, key: str, destination: Path) -> None:
        """Download the blob to `destination`, streamed to disk in parts."""
        with _not_found(key):
            self.client.download_file(
                self.bucket, self._key(key), str(destination), Config=TRANSFER
            )

    def open_path(self, key: str) -> Path | None:
        """None: an object store has no local path (callers download to a temp file)."""
        return None

    def stream(self, key: str, chunk_size: int = MIB) -> Iterator[bytes]:
        """The blob's bytes, a chunk at a time."""
        with _not_found(key):
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    def presigned_url(
        self, key: str, ttl_s: int, *, filename: str | None = None, media_type: str | None = None
    ) -> str | None:
        """A SigV4 presigned GET URL for the object, valid for `ttl_s` seconds."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self._key(key)}
        if filename:
            params["ResponseContentDisposition"] = _attachment(filename)
        if media_type:
            params["ResponseContentType"] = media_type
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=ttl_s)

    def delete(self, key: str) -> None:
        """Remove the blob (no error if it is already gone)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def size(self, key: str) -> int:
        """The object's size in bytes."""
        with _not_found(key):
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"]

    def ping(self) -> None:
        """Raise unless the bucket answers to these credentials."""
        self.client.head_bucket(Bucket=self.bucket)

    def ensure_bucket(self) -> bool:
        """Create the bucket if it does not exist; True when it was created."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return False
        except ClientError as exc:
            if _error_code(exc) not in NOT_FOUND_CODES | {"NoSuchBucket"}:
                raise
        region = self.client.meta.region_name
        if region and region != "us-east-1":
            self.client.create_bucket(
                Bucket=self.bucket,
                CreateBucketConfiguration={"LocationConstraint": region},  # type: ignore[typeddict-item]
            )
        else:
            self.client.create_bucket(Bucket=self.bucket)
        return True

    def _key(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"invalid blob key: {key!r}")
        return self.prefix + key


@contextmanager
def _not_found(key: str) -> Iterator[None]:
    """Turn S3's 404 answers into BlobNotFound."""
    try:
        yield
    except ClientError as exc:
        if _error_code(exc) in NOT_FOUND_CODES:
            raise BlobNotFound(key) from exc
        raise


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _attachment(filename: str) -> str:
    safe = "".join(c for c in filename if c.isprintable() and c not in '"\\')
    return f'attachment; filename="{safe}"'
