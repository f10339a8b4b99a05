"""The parsing limits a deployment sets (`DOCSORT_PARSE_*`), as the parser takes them."""

from __future__ import annotations

from docsort.parsing.models import ParseLimits
from docsort.settings import Settings


def parse_limits(settings: Settings) -> ParseLimits:
    """Every sandbox, OCR, archive and e-mail limit from the settings."""
    return ParseLimits(
        memory_mb=settings.parse_memory_mb,
        timeout_s=settings.parse_timeout_s,
        max_pixels=settings.parse_max_pixels,
        max_text_chars=settings.parse_max_text_chars,
        max_file_bytes=settings.parse_max_bytes or settings.max_upload_bytes,
        max_image_pixels=settings.parse_max_image_pixels,
        ocr_page_timeout_s=settings.parse_ocr_page_timeout_s,
        ocr_dpi=settings.parse_ocr_dpi,
        page_image_max_pixels=settings.parse_page_image_max_pixels,
        page_image_max_pages=settings.parse_page_image_max_pages,
        zip_max_uncompressed_bytes=settings.parse_zip_max_uncompressed_bytes,
        zip_max_ratio=settings.parse_zip_max_ratio,
        zip_max_entries=settings.parse_zip_max_entries,
        email_max_depth=settings.parse_email_max_depth,
        email_max_attachments=settings.parse_email_max_attachments,
        email_max_attachment_bytes=settings.parse_email_max_attachment_bytes,
    )
