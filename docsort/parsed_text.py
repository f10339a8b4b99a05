"""Where extracted text lives: one JSON blob of pages per parse job."""

from __future__ import annotations

import json
from collections.abc import Sequence

from docsort.blobs import BlobStore


def parsed_text_key(project_id: str, parse_job_id: str) -> str:
    """The blob key of a parse job's pages."""
    return f"parsed/{project_id}/{parse_job_id}.json"


def encode_pages(pages: Sequence[tuple[int, str]]) -> bytes:
    """The stored form of (page number, text) pairs."""
    return json.dumps({"pages": [{"number": n, "text": t} for n, t in pages]}).encode()


def load_parsed_text(blobs: BlobStore, text_blob_key: str) -> str:
    """The extracted text of a parse job, pages separated by blank lines."""
    data = json.loads(blobs.get_bytes(text_blob_key))
    return "\n\n".join(str(page["text"]) for page in data["pages"])
