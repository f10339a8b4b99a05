"""The parse activity: extract a stored file's text in the sandbox, once per parse setting."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.heartbeat import in_thread_with_heartbeat
from docsort import metrics
from docsort.blobs import BlobStore
from docsort.domain import FileJobStatus, ParsingOptions
from docsort.languages import tesseract_language
from docsort.logging import get_logger
from docsort.parsed_text import encode_pages, page_image_key, parsed_text_key
from docsort.parsing.errors import DocumentError
from docsort.parsing.models import ParsedDocument, ParseLimits, ParseRequest
from docsort.parsing.render import image_path
from docsort.parsing.sandbox import parse_document
from docsort.store import files, parse_jobs
from docsort.store.database import Database
from docsort.store.tables import ParseJob
from workflows.models import DOCUMENT_ERROR, PARSE_DOCUMENT, ParseInput, ParseOutput

log = get_logger(__name__)
# A document that hit a resource limit may parse under less load: that failure is not reused.
TRANSIENT_DOCUMENT_ERROR = "resource_limit"


class ParseActivities:
    """Owns the database, the blob store and the parsing limits."""

    def __init__(self, db: Database, blobs: BlobStore, limits: ParseLimits) -> None:
        self.db = db
        self.blobs = blobs
        self.limits = limits

    @activity.defn(name=PARSE_DOCUMENT)
    async def parse_document(self, input: ParseInput) -> ParseOutput:
        """Text per page of the file; a document that cannot be parsed is a non-retryable error."""
        async with self.db.write() as session:
            stored = await files.get_file(session, input.project_id, input.file_id)
            if stored is None:
                raise _document_error("missing", f"file {input.file_id} no longer exists")
            job = await parse_jobs.get_or_create_parse_job(
                session, input.project_id, input.file_id, input.parsing
            )
            blob_key = stored.blob_key
        if job.status == FileJobStatus.COMPLETED and job.page_count is not None:
            return ParseOutput(
                parse_job_id=job.id, page_count=job.page_count, pages=job.pages or []
            )
        reusable_failure = job.error_kind not in (None, TRANSIENT_DOCUMENT_ERROR)
        if job.status == FileJobStatus.FAILED and reusable_failure and job.error_message:
            raise _document_error(str(job.error_kind), job.error_message, job.id)
        with tempfile.TemporaryDirectory(prefix="docsort-pages-") as image_dir:
            return await self._parse_and_save(job, blob_key, input, Path(image_dir))

    async def _parse_and_save(
        self, job: ParseJob, blob_key: str, input: ParseInput, image_dir: Path
    ) -> ParseOutput:
        images = image_dir if input.parsing.page_images else None
        try:
            parsed = await self._parse_with_heartbeat(blob_key, input.parsing, images)
        except DocumentError as err:
            async with self.db.write() as session:
                await parse_jobs.fail_parse_job(session, job.id, err.kind, err.message)
            log.info(
                "document not parsed",
                workflow_id=activity.info().workflow_id,
                file_id=input.file_id,
                parse_job_id=job.id,
                kind=err.kind,
                error=err.message,
            )
            raise _document_error(err.kind, err.message, job.id) from None
        return await self._save(job, parsed, image_dir)

    async def _parse_with_heartbeat(
        self, blob_key: str, options: ParsingOptions, image_dir: Path | None
    ) -> ParsedDocument:
        request = ParseRequest(
            pages=options.pages,
            max_pages=options.max_pages,
            lang=tesseract_language(options.lang),
            image_dir=str(image_dir) if image_dir is not None else None,
        )
        with metrics.timed(metrics.PARSE_SECONDS):
            return await in_thread_with_heartbeat(self._parse_blob, blob_key, request)

    def _parse_blob(self, blob_key: str, request: ParseRequest) -> ParsedDocument:
        local = self.blobs.open_path(blob_key)
        if local is not None:
            return parse_document(local, request, self.limits)
        with tempfile.TemporaryDirectory(prefix="docsort-parse-") as tmp:
            path = Path(tmp) / "document"
            self.blobs.download(blob_key, path)
            return parse_document(path, request, self.limits)

    async def _save(self, job: ParseJob, parsed: ParsedDocument, image_dir: Path) -> ParseOutput:
        image_keys = await asyncio.to_thread(self._store_images, job, parsed, image_dir)
        key = parsed_text_key(job.project_id, job.id)
        body = encode_pages([(p.number, p.text) for p in parsed.pages], image_keys)
        await asyncio.to_thread(self.blobs.put_bytes, key, body)
        pages = [p.number for p in parsed.pages]
        async with self.db.write() as session:
            await parse_jobs.complete_parse_job(
                session, job.id, key, parsed.page_count, pages, parsed.warnings
            )
        log.info(
            "document parsed",
            workflow_id=activity.info().workflow_id,
            parse_job_id=job.id,
            file_id=job.file_id,
            detected_type=parsed.detected_type,
            pages=len(pages),
            warnings=parsed.warnings,
        )
        return ParseOutput(parse_job_id=job.id, page_count=parsed.page_count, pages=pages)

    def _store_images(
        self, job: ParseJob, parsed: ParsedDocument, image_dir: Path
    ) -> dict[int, str]:
        """Page images into blob storage (before the text that names them); their keys."""
        keys: dict[int, str] = {}
        for number in parsed.image_pages:
            key = page_image_key(job.project_id, job.id, number)
            self.blobs.put_bytes(key, image_path(image_dir, number).read_bytes())
            keys[number] = key
        return keys


def _document_error(kind: str, message: str, parse_job_id: str | None = None) -> ApplicationError:
    """A non-retryable failure whose details are (kind, parse job id)."""
    return ApplicationError(message, kind, parse_job_id, type=DOCUMENT_ERROR, non_retryable=True)
