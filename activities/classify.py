"""The classify activity: run the configured engine on a parse job's text."""

from __future__ import annotations

import asyncio

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.heartbeat import in_thread_with_heartbeat
from docsort import metrics
from docsort.blobs import BlobStore
from docsort.classifiers.base import Classifier
from docsort.domain import ClassificationResult, ClassifyConfig
from docsort.parsed_text import load_parsed_text
from docsort.store import jobs, parse_jobs
from docsort.store.database import Database
from workflows.models import CLASSIFY_DOCUMENT, ClassifyInput

RULE_SET_CACHE_SIZE = 256


class ClassifyActivities:
    """Owns the classifier (loaded once per worker process) and what it reads from."""

    def __init__(self, db: Database, blobs: BlobStore, classifier: Classifier) -> None:
        self.db = db
        self.blobs = blobs
        self.classifier = classifier
        self._configs: dict[str, ClassifyConfig] = {}

    @activity.defn(name=CLASSIFY_DOCUMENT)
    async def classify_document(self, input: ClassifyInput) -> ClassificationResult:
        """Classify the parse job's text against the rule set."""
        config = await self._config(input.rule_set_id)
        async with self.db.read() as session:
            parse_job = await parse_jobs.get_parse_job(session, input.parse_job_id)
        if parse_job is None or parse_job.text_blob_key is None:
            raise ApplicationError(
                f"parse job {input.parse_job_id} has no text", non_retryable=True
            )
        key = parse_job.text_blob_key
        text = await asyncio.to_thread(load_parsed_text, self.blobs, key)
        with metrics.timed(metrics.CLASSIFY_SECONDS):
            result = await in_thread_with_heartbeat(self.classifier.classify, text, config.rules)
        if parse_job.warnings:
            notes = "; ".join(parse_job.warnings)
            result = result.model_copy(update={"reasoning": f"{result.reasoning} Note: {notes}."})
        return result

    async def _config(self, rule_set_id: str) -> ClassifyConfig:
        cached = self._configs.get(rule_set_id)
        if cached is not None:
            return cached
        async with self.db.read() as session:
            config = await jobs.get_rule_set(session, rule_set_id)
        if len(self._configs) >= RULE_SET_CACHE_SIZE:
            self._configs.pop(next(iter(self._configs)))
        self._configs[rule_set_id] = config
        return config
