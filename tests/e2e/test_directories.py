"""Directories and their files through SDK 2.13.0's `client.beta.directories`."""

from __future__ import annotations

import io

import httpx
import pytest
from llama_cloud import BadRequestError, LlamaCloud, NotFoundError, UnprocessableEntityError

from tests.conftest import new_api_key
from tests.support.stack import Stack


def _client(stack: Stack, key: str) -> LlamaCloud:
    return LlamaCloud(base_url=stack.base_url, api_key=key, max_retries=0)


def test_directory_lifecycle_with_added_and_uploaded_files(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    directories = client.beta.directories
    directory = directories.create(name="contracts", description="signed ones")
    assert directory.id.startswith("dir-") and directory.type == "user"
    assert directories.get(directory.id).name == "contracts"
    assert directories.update(directory.id, name="agreements").name == "agreements"

    stored = client.files.create(
        file=("a.txt", io.BytesIO(b"alpha")), purpose="user_data", external_file_id="ext-a"
    )
    added = directories.files.add(directory.id, file_id=stored.id, metadata={"team": "legal"})
    assert added.file_id == stored.id and added.id != stored.id
    assert added.unique_id == "ext-a" and added.display_name == "a.txt"
    assert added.metadata == {"team": "legal"}

    uploaded = directories.files.upload(
        directory.id,
        upload_file=("b.txt", io.BytesIO(b"beta")),
        unique_id="b-1",
        metadata='{"pages": 1, "tags": ["x"]}',
    )
    assert uploaded.unique_id == "b-1" and uploaded.metadata == {"pages": 1, "tags": ["x"]}
    assert uploaded.file_id and uploaded.file_id.startswith("dfl-")

    directories.files.upload(directory.id, upload_file=("c.txt", io.BytesIO(b"c")))
    listed = [f.id for f in directories.files.list(directory.id, page_size=1)]
    assert len(listed) == 3 and listed[:2] == [added.id, uploaded.id]
    contains = directories.files.list(directory.id, display_name_contains="b.").items
    assert [f.id for f in contains] == [uploaded.id]
    assert [f.id for f in directories.files.list(directory.id, unique_id="b-1").items] == [
        uploaded.id
    ]

    got = directories.files.get(uploaded.id, directory_id=directory.id, expand=["download_url"])
    assert got.download_url is not None
    assert httpx.get(got.download_url.url).content == b"beta"

    renamed = directories.files.update(uploaded.id, directory_id=directory.id, display_name="B")
    assert renamed.display_name == "B"
    directories.files.delete(added.id, directory_id=directory.id)
    assert added.id not in [f.id for f in directories.files.list(directory.id)]
    with_deleted = directories.files.list(directory.id, include_deleted=True).items
    assert any(f.id == added.id and f.deleted_at for f in with_deleted)
    again = directories.files.add(directory.id, file_id=stored.id)
    assert again.unique_id == "ext-a", "a deleted file's unique_id is free again"

    directories.delete(directory.id)
    with pytest.raises(NotFoundError):
        directories.get(directory.id)
    assert directory.id in [d.id for d in directories.list(include_deleted=True)]
    assert directory.id not in [d.id for d in directories.list()]


def test_duplicate_unique_id_and_bad_inputs_are_4xx(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    directories = client.beta.directories
    directory = directories.create(name="d")
    stored = client.files.create(file=("a.txt", io.BytesIO(b"a")), purpose="user_data")
    directories.files.add(directory.id, file_id=stored.id, unique_id="same")
    with pytest.raises(BadRequestError, match="unique_id"):
        directories.files.add(directory.id, file_id=stored.id, unique_id="same")
    with pytest.raises(BadRequestError, match="unique_id"):
        directories.files.upload(
            directory.id, upload_file=("x.txt", io.BytesIO(b"x")), unique_id="same"
        )
    with pytest.raises(NotFoundError):
        directories.files.add(directory.id, file_id="dfl-missing")
    with pytest.raises(UnprocessableEntityError):
        directories.files.upload(
            directory.id, upload_file=("x.txt", io.BytesIO(b"x")), metadata="{not json"
        )
    with pytest.raises(UnprocessableEntityError):
        directories.create(name="")
    stranger = _client(stack, new_api_key(stack))
    with pytest.raises(NotFoundError):
        stranger.beta.directories.get(directory.id)
    with pytest.raises(NotFoundError):
        stranger.beta.directories.files.list(directory.id)
