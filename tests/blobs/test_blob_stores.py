"""Every blob backend keeps the same contract (local directory and S3-compatible server)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from docsort.blobs import BlobNotFound, BlobStore

LARGE = 20 * 1024 * 1024 + 123  # above the 8 MiB multipart threshold, not a whole part


def test_put_get_download_delete_round_trip(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(b"x" * 3_000_000)
    store.put_file("files/p/one", source)
    store.put_bytes("parsed/p/two.json", b"{}")
    assert store.size("files/p/one") == 3_000_000
    assert store.get_bytes("parsed/p/two.json") == b"{}"
    target = tmp_path / "out.bin"
    store.download("files/p/one", target)
    assert target.read_bytes() == source.read_bytes()
    store.delete("files/p/one")
    store.delete("files/p/one")
    with pytest.raises(BlobNotFound):
        store.get_bytes("files/p/one")
    if (tmp_path / "blobs").exists():
        assert not list((tmp_path / "blobs").rglob(".tmp-*"))


def test_large_file_streams_up_and_down_intact(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "large.bin"
    with source.open("wb") as out:
        for _ in range(LARGE // (1024 * 1024) + 1):
            out.write(os.urandom(1024 * 1024))
        out.truncate(LARGE)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    store.put_file("files/p/large", source)
    assert store.size("files/p/large") == LARGE
    target = tmp_path / "large.out"
    store.download("files/p/large", target)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest
    streamed = hashlib.sha256()
    chunks = 0
    for chunk in store.stream("files/p/large", chunk_size=1024 * 1024):
        assert len(chunk) <= 1024 * 1024
        streamed.update(chunk)
        chunks += 1
    assert streamed.hexdigest() == digest
    assert chunks >= LARGE // (1024 * 1024)


def test_missing_blob_is_blob_not_found_everywhere(store: BlobStore, tmp_path: Path) -> None:
    with pytest.raises(BlobNotFound):
        store.get_bytes("files/p/none")
    with pytest.raises(BlobNotFound):
        store.size("files/p/none")
    with pytest.raises(BlobNotFound):
        store.download("files/p/none", tmp_path / "none")
    with pytest.raises(BlobNotFound):
        list(store.stream("files/p/none"))
    store.delete("files/p/none")


def test_put_replaces_the_previous_blob(store: BlobStore) -> None:
    store.put_bytes("parsed/p/x.json", b"first")
    store.put_bytes("parsed/p/x.json", b"second")
    assert store.get_bytes("parsed/p/x.json") == b"second"


def test_open_path_is_local_only_and_callers_fall_back_to_download(
    store: BlobStore, tmp_path: Path
) -> None:
    store.put_bytes("files/p/doc", b"content")
    local = store.open_path("files/p/doc")
    if local is None:
        target = tmp_path / "doc"
        store.download("files/p/doc", target)
        local = target
    assert local.read_bytes() == b"content"


def test_ping_answers_for_a_reachable_store(store: BlobStore) -> None:
    store.ping()


def test_keys_cannot_escape_the_store(store: BlobStore) -> None:
    with pytest.raises(ValueError):
        store.put_bytes("../outside", b"x")
