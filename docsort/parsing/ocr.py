"""OCR of page images with the tesseract CLI: one process per page, one thread each.

The image goes to tesseract as an uncompressed PNM file (PNG encoding costs more than the
OCR saves); `OMP_THREAD_LIMIT=1` keeps tesseract from spending 3.5x the CPU on threads.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import clean_text
from docsort.parsing.models import ParseLimits

TESSERACT = "tesseract"
FALLBACK_LANGUAGE = "eng"
# Whitespace tesseract puts between two Chinese/Japanese characters (not Korean: Hangul
# separates words with spaces); a paragraph break (blank line) is kept.
_CJK = (
    r"[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_CJK_GAP = re.compile(rf"(?<={_CJK})(?:[ \t]+|[ \t]*\n[ \t]*)(?={_CJK})")
_STDERR_TAIL_CHARS = 500


class Ocr:
    """Reads page images in the requested language (or English, with a warning, when that
    language's model is not installed). Create one per document, when a page needs OCR."""

    def __init__(self, requested_lang: str, limits: ParseLimits) -> None:
        self.lang, self.warnings = resolve_language(requested_lang)
        self.limits = limits

    def read(self, image: Image.Image, *, page: int, dpi: int | None) -> str:
        """The text of one page image; `dpi` is its resolution if known (else estimated)."""
        prepared = prepare_image(image, self.limits.max_pixels)
        if dpi is not None and prepared.width != image.width:
            dpi = max(1, round(dpi * prepared.width / image.width))
        with tempfile.TemporaryDirectory(prefix="docsort-ocr-") as tmp:
            source = Path(tmp) / "page.pnm"
            prepared.save(source, format="PPM")
            command = [TESSERACT, str(source), "stdout", "-l", self.lang]
            if dpi is not None:
                command += ["--dpi", str(dpi)]
            completed = self._run(command, page)
        return tidy_text(completed.stdout.decode("utf-8", errors="replace"))

    def _run(self, command: list[str], page: int) -> subprocess.CompletedProcess[bytes]:
        timeout = self.limits.ocr_page_timeout_s
        try:
            completed = subprocess.run(
                command, capture_output=True, timeout=timeout, env=_environment(), check=False
            )
        except subprocess.TimeoutExpired:
            raise DocumentError(
                "resource_limit",
                f"OCR of page {page} took longer than {timeout:g} s and was stopped",
            ) from None
        except FileNotFoundError as error:
            raise RuntimeError("OCR needs tesseract, which is not installed") from error
        if completed.returncode < 0:
            raise DocumentError(
                "resource_limit",
                f"OCR of page {page} was stopped by signal {-completed.returncode} "
                f"(most likely over the memory limit of {self.limits.memory_mb} MB)",
            )
        if completed.returncode != 0:
            tail = completed.stderr.decode("utf-8", errors="replace")[-_STDERR_TAIL_CHARS:]
            raise RuntimeError(f"tesseract failed on page {page}: {tail.strip()}")
        return completed


def tidy_text(text: str) -> str:
    """tesseract's output cleaned: control characters and the page's form feed dropped, and
    the spaces it puts between Chinese or Japanese characters removed."""
    return _CJK_GAP.sub("", clean_text(text))


def resolve_language(requested: str) -> tuple[str, list[str]]:
    """The tesseract language string to use for `requested` (`"deu"`, `"rus+eng"`), and
    warnings naming any language whose model is not installed (English replaces them all
    when none of them is)."""
    parts = [part for part in requested.split("+") if part]
    installed = installed_languages()
    kept = [part for part in parts if part in installed]
    missing = [part for part in parts if part not in installed]
    if not missing:
        return "+".join(kept), []
    names = ", ".join(repr(part) for part in missing)
    if kept:
        message = f"OCR language {names} is not installed; the text was read with {'+'.join(kept)}"
        return "+".join(kept), [message]
    message = f"OCR language {names} is not installed; the text was read with English instead"
    return FALLBACK_LANGUAGE, [message]


@functools.cache
def installed_languages() -> frozenset[str]:
    """The languages and script models tesseract has installed (empty if it is missing)."""
    try:
        listed = subprocess.run(
            [TESSERACT, "--list-langs"],
            capture_output=True,
            timeout=30,
            env=_environment(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    lines = listed.stdout.decode("utf-8", errors="replace").splitlines()
    # The first line says where the models are ("List of available languages in …").
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def prepare_image(image: Image.Image, max_pixels: int) -> Image.Image:
    """`image` as bilevel or greyscale (transparency over white), scaled down to at most
    `max_pixels` pixels."""
    if image.mode not in ("1", "L"):
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            flat.alpha_composite(rgba)
            image = flat
        image = image.convert("L")
    pixels = image.width * image.height
    if pixels > max_pixels:
        factor = (max_pixels / pixels) ** 0.5
        size = (max(1, int(image.width * factor)), max(1, int(image.height * factor)))
        image = image.convert("L").resize(size, Image.Resampling.LANCZOS)
    return image


def _environment() -> dict[str, str]:
    """The (already minimal) sandbox environment, with OpenMP held to one thread."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}
