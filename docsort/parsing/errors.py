"""The one error type a document can fail with, and its kinds."""

from __future__ import annotations

from typing import Literal

DocumentErrorKind = Literal[
    "unsupported_type",
    "password",
    "empty",
    "malformed",
    "resource_limit",
    "page_out_of_range",
    "encoding",
]


class DocumentError(Exception):
    """A document that cannot be parsed; not worth retrying (the file ends FAILED).

    `kind` is a stable machine-readable reason, `message` a sentence a person can act on.
    """

    def __init__(self, kind: DocumentErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: DocumentErrorKind = kind
        self.message: str = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"DocumentError({self.kind!r}, {self.message!r})"

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, str]]:
        return (DocumentError, (self.kind, self.message))
