"""Blob storage for uploaded files and extracted text, behind one small interface."""

from docsort.blobs.base import BlobNotFound, BlobStore
from docsort.blobs.local import LocalBlobStore
from docsort.settings import Settings

__all__ = ["BlobNotFound", "BlobStore", "LocalBlobStore", "blob_store_from_settings"]


def blob_store_from_settings(settings: Settings) -> BlobStore:
    """The blob store the settings name (a local directory for now)."""
    return LocalBlobStore(settings.resolved_blob_dir)
