"""Blob storage for uploaded files and extracted text, behind one small interface."""

from docsort.blobs.base import BlobNotFound, BlobStore
from docsort.blobs.local import LocalBlobStore
from docsort.blobs.s3 import S3BlobStore
from docsort.settings import Settings

__all__ = [
    "BlobNotFound",
    "BlobStore",
    "LocalBlobStore",
    "S3BlobStore",
    "blob_store_from_settings",
    "s3_store_from_settings",
]


def blob_store_from_settings(settings: Settings) -> BlobStore:
    """The blob store the settings name: a local directory or an S3-compatible bucket."""
    if settings.blob_backend == "s3":
        return s3_store_from_settings(settings)
    return LocalBlobStore(settings.resolved_blob_dir)


def s3_store_from_settings(settings: Settings) -> S3BlobStore:
    """The S3 store of the settings (credentials from them, else the AWS default chain)."""
    if not settings.s3_bucket:
        raise ValueError("DOCSORT_S3_BUCKET is not set")
    secret = settings.s3_secret_access_key
    return S3BlobStore(
        settings.s3_bucket,
        settings.s3_prefix,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=secret.get_secret_value() if secret else None,
        addressing_style=settings.s3_addressing_style,
    )
