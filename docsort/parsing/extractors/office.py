"""What the Office extractors share: opening a package safely and reporting its damage."""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterator

from lxml import etree

from docsort.parsing.errors import DocumentError

# Errors the Office libraries raise on a damaged package or part (a missing part is a
# KeyError from zipfile; python-docx and python-pptx raise their own package errors).
_DAMAGE = (
    KeyError,
    ValueError,
    AttributeError,
    IndexError,
    TypeError,
    zipfile.BadZipFile,
    etree.LxmlError,
)


@contextlib.contextmanager
def reading_package(label: str) -> Iterator[None]:
    """Turn a library's error on a damaged package into a `malformed` DocumentError."""
    try:
        yield
    except DocumentError:
        raise
    except MemoryError:
        raise
    except _DAMAGE as error:
        raise DocumentError("malformed", f"the {label} is damaged: {_reason(error)}") from None
    except Exception as error:
        # python-docx / python-pptx package errors (PackageNotFoundError, InvalidXmlError, …)
        if type(error).__module__.split(".")[0] in ("docx", "pptx"):
            raise DocumentError("malformed", f"the {label} is damaged: {_reason(error)}") from None
        raise


def _reason(error: BaseException) -> str:
    """A short, content-free description of a library error."""
    if isinstance(error, KeyError) and error.args:
        return f"a required part is missing ({str(error.args[0])[:120]})"
    if isinstance(error, etree.XMLSyntaxError):
        return f"a part is not well-formed XML ({str(error.msg or '')[:120]})"
    text = str(error).strip()
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__
