"""The embedding model: loaded from the installed package, checked, chunked and deterministic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from docsort.classifiers.embedding import (
    CHUNK_TOKENS,
    MODEL_SHA256,
    VOCAB_PATH,
    Encoder,
    ModelIntegrityError,
    check_sha256,
    installed_model_path,
    load_encoder,
)

# Texts written for these tests.
SENTENCES = [
    "The cat sat on the warm windowsill all afternoon.",
    "A kitten was sleeping on the sunny window ledge.",
    "Quarterly revenue fell by four percent as interest rates rose.",
]


def test_model_comes_from_the_installed_package_and_matches_its_pinned_hash() -> None:
    path = installed_model_path()
    assert path.name == "model.onnx" and "site-packages" in str(path)
    check_sha256(path, MODEL_SHA256)  # raises if the installed file is not the pinned one


def test_a_file_with_the_wrong_hash_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        Encoder(fake, VOCAB_PATH, threads=1)
    with pytest.raises(ModelIntegrityError):
        check_sha256(tmp_path / "missing.onnx", MODEL_SHA256)


def test_vectors_are_unit_length_and_close_for_paraphrases() -> None:
    vectors = load_encoder().embed_texts(SENTENCES)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.5 > unrelated + 0.3


def test_a_text_embeds_the_same_alone_or_with_others() -> None:
    encoder = load_encoder()
    together = encoder.embed_texts(SENTENCES)
    alone = np.stack([encoder.embed_texts([s])[0] for s in SENTENCES])
    assert np.array_equal(together, alone)


def test_documents_are_cut_into_capped_chunks_with_passages_inside_the_text() -> None:
    text = " ".join(f"Sentence number {i} talks about apples and pears." for i in range(300))
    embedded = load_encoder().embed_document(text, max_chunks=3)
    assert embedded.chunks.shape == (3, 384)  # ~3,000 pieces, capped at 3 chunks of 250
    assert np.allclose(np.linalg.norm(embedded.chunks, axis=1), 1.0, atol=1e-5)
    assert len(embedded.passages) == len(embedded.passage_spans) > 10
    for start, end in embedded.passage_spans:
        assert 0 <= start < end <= len(text)
        assert text[start:end].startswith("Sentence number")
    assert load_encoder().embed_document(text, max_chunks=50).chunks.shape[0] > 3
    assert CHUNK_TOKENS <= 254  # [CLS] + chunk + [SEP] fits the model's 256 positions


def test_a_decimal_point_does_not_end_a_passage() -> None:
    text = "Invoice number 2231 for services rendered.\nAmount due: 1,250.00 EUR including VAT."
    embedded = load_encoder().embed_document(text, max_chunks=1)
    passages = [text[start:end] for start, end in embedded.passage_spans]
    assert "Amount due: 1,250.00 EUR including VAT." in passages


def test_empty_document_has_no_chunks() -> None:
    embedded = load_encoder().embed_document("", max_chunks=4)
    assert embedded.chunks.shape == (0, 384) and embedded.passage_spans == ()
