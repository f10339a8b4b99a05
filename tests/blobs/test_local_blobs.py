"""The local-directory blob store."""

from __future__ import annotations

from pathlib import Path

import pytest

from docsort.blobs import BlobNotFound, LocalBlobStore


def test_put_get_download_delete_round_trip(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
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
    assert not list((tmp_path / "blobs").rglob(".tmp-*"))


def test_keys_cannot_escape_the_directory(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    with pytest.raises(ValueError):
        store.put_bytes("../outside", b"x")
