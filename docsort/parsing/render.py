"""Page images for MULTIMODAL classification: selected pages as PNG (runs in the sandbox child).

PDF pages are rendered with PDFium and image frames are taken upright; each image is scaled
to fit `page_image_max_pixels` (and `max_pixels`), and only the first `page_image_max_pages`
selected pages are rendered. Other document kinds have no page image: their text alone is read.
"""

from __future__ import annotations

import math
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageOps

from docsort.parsing.models import ParseLimits

# The resolution a PDF page is rendered at when the pixel cap allows it.
PDF_RENDER_DPI = 150
_POINTS_PER_INCH = 72
RENDERED_KINDS = frozenset({"pdf", "png", "jpeg", "tiff", "webp", "bmp"})


def image_path(image_dir: Path, number: int) -> Path:
    """Where page `number`'s image is written."""
    return image_dir / f"page-{number}.png"


def render_page_images(
    path: Path, kind: str, pages: list[int], image_dir: Path, limits: ParseLimits
) -> tuple[list[int], list[str]]:
    """Render `pages` (1-based, the extracted ones) of a document of `kind` into `image_dir`.

    Returns the page numbers rendered and warnings for the result's reasoning.
    """
    if kind not in RENDERED_KINDS:
        return [], [f"a {kind.upper()} document has no page images: its text alone was read"]
    chosen = pages[: limits.page_image_max_pages]
    warnings: list[str] = []
    if len(chosen) < len(pages):
        warnings.append(
            f"page images were sent for the first {len(chosen)} of {len(pages)} pages only"
        )
    max_pixels = min(limits.page_image_max_pixels, limits.max_pixels)
    if kind == "pdf":
        rendered = _render_pdf(path, chosen, image_dir, max_pixels)
    else:
        rendered = _render_image(path, chosen, image_dir, max_pixels, limits)
    missing = [n for n in chosen if n not in rendered]
    if missing:
        listed = ", ".join(str(n) for n in missing[:10])
        warnings.append(f"page {listed} could not be rendered as an image")
    return rendered, warnings


def _render_pdf(path: Path, pages: list[int], image_dir: Path, max_pixels: int) -> list[int]:
    rendered: list[int] = []
    document = pdfium.PdfDocument(str(path))
    try:
        for number in pages:
            try:
                page = document[number - 1]
            except pdfium.PdfiumError:
                continue
            try:
                width, height = page.get_size()
                scale = _fit_scale(width, height, PDF_RENDER_DPI / _POINTS_PER_INCH, max_pixels)
                image = page.render(scale=scale).to_pil()
            except pdfium.PdfiumError:
                continue
            finally:
                page.close()
            image.save(image_path(image_dir, number), format="PNG")
            rendered.append(number)
    finally:
        document.close()
    return rendered


def _render_image(
    path: Path, pages: list[int], image_dir: Path, max_pixels: int, limits: ParseLimits
) -> list[int]:
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    rendered: list[int] = []
    with Image.open(path) as image:
        for number in pages:
            try:
                image.seek(number - 1)
                frame = ImageOps.exif_transpose(image)
                if frame.mode not in ("RGB", "L"):
                    frame = frame.convert("RGB")
                scale = _fit_scale(frame.width, frame.height, 1.0, max_pixels)
                if scale < 1.0:
                    size = (max(1, int(frame.width * scale)), max(1, int(frame.height * scale)))
                    frame = frame.resize(size, Image.Resampling.LANCZOS)
                frame.save(image_path(image_dir, number), format="PNG")
            except (OSError, ValueError, EOFError):
                continue
            rendered.append(number)
    return rendered


def _fit_scale(width: float, height: float, scale: float, max_pixels: int) -> float:
    """`scale`, lowered until a `width` x `height` page rendered at it fits in `max_pixels`."""
    area = max(width * height, 1.0)
    if area * scale * scale > max_pixels:
        scale = (max_pixels / area) ** 0.5
    while scale > 0.01 and math.ceil(width * scale) * math.ceil(height * scale) > max_pixels:
        scale *= 0.995
    return scale
