"""Where extracted text lives: one JSON blob of pages per parse job (with the blob keys of
the page images rendered for MULTIMODAL)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pydantic import BaseModel

from docsort.blobs import BlobStore


def parsed_text_key(project_id: str, parse_job_id: str) -> str:
    """The blob key of a parse job's pages."""
    return f"parsed/{project_id}/{parse_job_id}.json"


def page_image_key(project_id: str, parse_job_id: str, number: int) -> str:
    """The blob key of one page image (PNG) of a parse job."""
    return f"parsed/{project_id}/{parse_job_id}/page-{number}.png"


class StoredPage(BaseModel):
    """One extracted page: its 1-based number, its text and, if rendered, its image's key."""

    number: int
    text: str
    image_key: str | None = None


def encode_pages(
    pages: Sequence[tuple[int, str]], image_keys: Mapping[int, str] | None = None
) -> bytes:
    """The stored form of (page number, text) pairs and the pages' image keys, if any."""
    images = image_keys or {}
    stored = []
    for number, text in pages:
        page: dict[str, object] = {"number": number, "text": text}
        if number in images:
            page["image_key"] = images[number]
        stored.append(page)
    return json.dumps({"pages": stored}).encode()


def load_parsed_pages(blobs: BlobStore, text_blob_key: str) -> list[StoredPage]:
    """The pages of a parse job, in order."""
    data = json.loads(blobs.get_bytes(text_blob_key))
    return [StoredPage.model_validate(page) for page in data["pages"]]


def load_parsed_text(blobs: BlobStore, text_blob_key: str) -> str:
    """The extracted text of a parse job, pages separated by blank lines."""
    data = json.loads(blobs.get_bytes(text_blob_key))
    return "\n\n".join(str(page["text"]) for page in data["pages"])
