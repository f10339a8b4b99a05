"""Warm the parsers in the zygote: parse one tiny document of each common kind before any
fork, so each child starts with every lazy cache, codec and template already loaded (a
small document then costs a forked child 3 ms instead of 8)."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import docx
import pptx

from docsort.parsing.dispatch import parse_path
from docsort.parsing.models import ParseLimits, ParseRequest

_TEXT = "docsort warm-up"


def warm_up_parsers() -> None:
    """Parse a generated sample of each kind in-process. Any failure is reported on stderr
    and otherwise ignored: a warm-up that cannot run costs only speed."""
    with tempfile.TemporaryDirectory(prefix="docsort-warmup-") as directory:
        for name, write in _SAMPLES.items():
            path = Path(directory) / name
            try:
                write(path)
                parse_path(path, ParseRequest(), ParseLimits())
            except Exception as error:  # any library error here only costs speed
                sys.stderr.write(f"docsort zygote: warm-up with {name} failed: {error!r}\n")


def _write_pdf(path: Path) -> None:
    """A one-page PDF with a line of Helvetica text, written by hand (offsets computed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({_TEXT}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(body))


def _write_docx(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(_TEXT)
    document.add_table(rows=1, cols=2).cell(0, 0).text = _TEXT
    document.save(str(path))


def _write_pptx(path: Path) -> None:
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = _TEXT
    presentation.save(str(path))


def _write_email(path: Path) -> None:
    message = EmailMessage()
    message["From"] = "warm-up@example.com"
    message["Subject"] = _TEXT
    message.set_content(_TEXT)
    message.add_alternative(f"<p>{_TEXT}</p>", subtype="html")
    path.write_bytes(bytes(message))


_SAMPLES: dict[str, Callable[[Path], object]] = {
    "sample.txt": lambda path: path.write_text(f"{_TEXT}\nzweite Zeile: Grüße\n", "utf-8"),
    "sample.html": lambda path: path.write_text(f"<html><p>{_TEXT}</p></html>", "utf-8"),
    "sample.pdf": _write_pdf,
    "sample.docx": _write_docx,
    "sample.pptx": _write_pptx,
    "sample.eml": _write_email,
}
