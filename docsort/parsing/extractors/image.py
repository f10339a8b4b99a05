"""Images (PNG, JPEG, TIFF, WebP, BMP): every frame is a page, read with OCR."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted, TextBudget
from docsort.parsing.models import ParsedPage, ParseLimits, ParseRequest
from docsort.parsing.ocr import Ocr
from docsort.parsing.pages import select_pages

# Resolution metadata below this is a default written by cameras and editors, not a scan's.
_MIN_TRUSTED_DPI = 100


def extract_image(path: Path, request: ParseRequest, limits: ParseLimits) -> Extracted:
    """OCR text of the selected frames (a multi-page TIFF has several), upright as the EXIF
    orientation says. An image over `max_image_pixels` is refused before it is decoded."""
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    with _decoding(limits):
        image = Image.open(path)
    with image:
        with _decoding(limits):
            frame_count = getattr(image, "n_frames", 1)
        selected = select_pages(frame_count, request)
        ocr = Ocr(request.lang, limits)
        budget = TextBudget(limits.max_text_chars)
        pages: list[ParsedPage] = []
        for number in selected:
            if budget.exhausted:
                break
            with _decoding(limits):
                frame = _upright_frame(image, number, limits)
            text = ocr.read(frame, page=number, dpi=_dpi(image))
            pages.append(ParsedPage(number=number, text=budget.take(text)))
    if not any(page.text for page in pages):
        raise DocumentError("empty", "no text found in the image")
    return Extracted(frame_count, pages, tuple(ocr.warnings))


def _upright_frame(image: Image.Image, number: int, limits: ParseLimits) -> Image.Image:
    """Frame `number` (1-based), decoded and turned upright."""
    image.seek(number - 1)
    if image.width * image.height > limits.max_image_pixels:
        raise Image.DecompressionBombError(f"frame {number} is too large")
    return ImageOps.exif_transpose(image)


@contextlib.contextmanager
def _decoding(limits: ParseLimits) -> Iterator[None]:
    """Pillow's errors for bombs and damaged files, as DocumentErrors."""
    with warnings.catch_warnings():
        # Pillow only warns between 1x and 2x MAX_IMAGE_PIXELS: refuse those images too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise DocumentError(
                "resource_limit",
                f"the image is larger than the limit of {limits.max_image_pixels:,} pixels",
            ) from None
        except UnidentifiedImageError:
            raise DocumentError(
                "malformed", "the image is damaged or in a format that cannot be read"
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            # Pillow's decoders report truncated or corrupt data this way.
            raise DocumentError(
                "malformed", f"the image is damaged ({type(error).__name__})"
            ) from None


def _dpi(image: Image.Image) -> int | None:
    """The scan resolution the file declares, when it looks like a real one."""
    declared = image.info.get("dpi")
    if not isinstance(declared, tuple) or not declared:
        return None
    try:
        dpi = round(float(declared[0]))
    except (TypeError, ValueError):
        return None
    return dpi if dpi >= _MIN_TRUSTED_DPI else None
