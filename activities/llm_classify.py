"""The classify activity on an LLM provider's task queue: one chat request per document.

Registered under the same name as the embedded engine's activity, so the workflow only picks
the task queue (the API chose it from the job's mode). Failures are sorted for Temporal:
a provider that is unavailable (429, 5xx, timeout) is retried with backoff, after its own
`Retry-After` when given; a refused request, or answers that still do not validate after the
provider's `max_answer_attempts`, end the file FAILED with the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from docsort.blobs import BlobStore
from docsort.classifiers.llm_client import LlmClient, ProviderRefused, ProviderUnavailable
from docsort.classifiers.llm_prompt import (
    InvalidAnswer,
    PageText,
    answer_schema,
    ask_again,
    build_prompt,
    parse_answer,
)
from docsort.classifiers.llm_provider import LlmProvider
from docsort.domain import ClassificationResult, ClassifyConfig
from docsort.logging import get_logger
from docsort.parsed_text import StoredPage, load_parsed_pages
from docsort.store import jobs, parse_jobs
from docsort.store.database import Database
from workflows.models import CLASSIFY_DOCUMENT, DOCUMENT_ERROR, ClassifyInput

log = get_logger(__name__)
HEARTBEAT_EVERY_S = 3.0
PROVIDER_UNAVAILABLE = "LlmProviderUnavailable"
T = TypeVar("T")


class LlmClassifyActivities:
    """Owns one provider's client and what the activity reads from (database, blobs)."""

    def __init__(self, db: Database, blobs: BlobStore, name: str, provider: LlmProvider) -> None:
        self.db = db
        self.blobs = blobs
        self.name = name
        self.provider = provider
        self.client = LlmClient(name, provider)

    @activity.defn(name=CLASSIFY_DOCUMENT)
    async def classify_document(self, input: ClassifyInput) -> ClassificationResult:
        """Ask the provider to classify the parse job's pages (and page images: MULTIMODAL)."""
        async with self.db.read() as session:
            config = await jobs.get_rule_set(session, input.rule_set_id)
            parse_job = await parse_jobs.get_parse_job(session, input.parse_job_id)
        if parse_job is None or parse_job.text_blob_key is None:
            raise ApplicationError(
                f"parse job {input.parse_job_id} has no text", non_retryable=True
            )
        stored = await asyncio.to_thread(load_parsed_pages, self.blobs, parse_job.text_blob_key)
        pages = await asyncio.to_thread(self._pages, stored, config)
        prompt = build_prompt(config.rules, pages, self.provider.max_input_tokens)
        schema = answer_schema(config.rules)
        result: ClassificationResult | None = None
        problem = ""
        for attempt in range(1, self.provider.max_answer_attempts + 1):
            answer = await self._ask(prompt.messages, schema)
            try:
                result = parse_answer(answer, config.rules)
                break
            except InvalidAnswer as err:
                problem = str(err)
                log.warning(
                    "llm answer not valid",
                    workflow_id=activity.info().workflow_id,
                    provider=self.name,
                    attempt=attempt,
                    problem=problem,
                )
                ask_again(prompt, answer, problem)
        if result is None:
            raise ApplicationError(
                f"the LLM's answer was not valid after {self.provider.max_answer_attempts} "
                f"attempts: {problem}",
                "llm_invalid_answer",
                input.parse_job_id,
                type=DOCUMENT_ERROR,
                non_retryable=True,
            )
        notes = [*prompt.notes, *(parse_job.warnings or [])]
        if notes:
            joined = "; ".join(notes)
            result = result.model_copy(update={"reasoning": f"{result.reasoning} Note: {joined}."})
        log.info(
            "classified by llm",
            workflow_id=activity.info().workflow_id,
            provider=self.name,
            parse_job_id=input.parse_job_id,
            images=sum(1 for page in pages if page.image is not None),
            type=result.type,
        )
        return result

    async def close(self) -> None:
        """Release the provider's connections."""
        await self.client.close()

    async def _ask(self, messages: list[dict[str, object]], schema: dict[str, object]) -> str:
        """One request; provider failures as the ApplicationErrors Temporal acts on."""
        try:
            return await _with_heartbeat(self.client.complete(messages, schema))
        except ProviderUnavailable as err:
            delay = timedelta(seconds=err.retry_after_s) if err.retry_after_s is not None else None
            raise ApplicationError(
                err.message, type=PROVIDER_UNAVAILABLE, next_retry_delay=delay
            ) from None
        except ProviderRefused as err:
            raise ApplicationError(
                err.message, "llm_refused", None, type=DOCUMENT_ERROR, non_retryable=True
            ) from None

    def _pages(self, stored: list[StoredPage], config: ClassifyConfig) -> list[PageText]:
        """The pages to send; their images (read from blob storage) only for MULTIMODAL."""
        multimodal = config.mode == "MULTIMODAL"
        return [
            PageText(
                number=page.number,
                text=page.text,
                image=self.blobs.get_bytes(page.image_key)
                if multimodal and page.image_key
                else None,
            )
            for page in stored
        ]


async def _with_heartbeat(work: Awaitable[T]) -> T:
    """Await `work`, heartbeating every few seconds (a lost worker is noticed quickly)."""
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=HEARTBEAT_EVERY_S)
            if done:
                return task.result()
            activity.heartbeat()
    finally:
        if not task.done():
            task.cancel()
